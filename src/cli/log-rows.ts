// Log lines under the waterfall rows of `wiretap view --trace`: each line under the span it was written in,
// in time order, with its offset from the transaction's start; a call left unfinished shows the
// transaction's last lines beside it (what the function said before it hung).
import type { LogLine } from '../views/model/logs';
import type { SpanNode, Transaction } from '../views/model/types';
import { formatMs, painter, truncate } from './io';

const LAST_LINES = 3;

export interface LogRows {
  /** Rows to print after a node's row. */
  after(node: SpanNode, indent: string): string[];
  /** Rows for lines whose span is not in the transaction (printed at the end). */
  rest(): string[];
}

export function logRows(t: Transaction, logs: LogLine[] | undefined, options: { width: number; color: boolean }): LogRows {
  const paint = painter(options.color);
  const list = (logs ?? []).slice().sort((a, b) => a.timeMs - b.timeMs);
  const bySpan = new Map<string, LogLine[]>();
  for (const l of list) {
    if (!l.spanId) continue;
    let group = bySpan.get(l.spanId);
    if (!group) bySpan.set(l.spanId, (group = []));
    group.push(l);
  }
  const placed = new Set<LogLine>();
  const row = (l: LogLine, pad: string) => {
    const level = (l.severityText ?? '').padEnd(5).slice(0, 5);
    const text = `${pad}┆ ${formatMs(Math.max(0, l.timeMs - t.startMs)).padStart(8)} ${level} ${l.body.replace(/\s+/g, ' ')}`;
    const line = truncate(text, Math.max(20, options.width - 1));
    return l.severityNumber !== undefined && l.severityNumber >= 17 ? paint('red', line) : l.severityNumber !== undefined && l.severityNumber >= 13 ? paint('yellow', line) : paint('gray', line);
  };
  return {
    after(node, indent) {
      const pad = `    ${indent}`;
      const out: string[] = [];
      for (const a of node.attempts) {
        for (const l of bySpan.get(a.spanId) ?? []) {
          placed.add(l);
          out.push(row(l, pad));
        }
      }
      if (node.span.incomplete && list.length) {
        const before = list.filter((l) => l.timeMs <= node.span.endMs).slice(-LAST_LINES);
        if (before.length) {
          out.push(paint('yellow', `${pad}last log line${before.length === 1 ? '' : 's'} before it was cut off:`));
          for (const l of before) out.push(row(l, pad));
        }
      }
      return out;
    },
    rest() {
      const left = list.filter((l) => !placed.has(l));
      if (!left.length) return [];
      return ['', paint('gray', `log lines of this transaction outside its spans (${left.length}):`), ...left.map((l) => row(l, '  '))];
    },
  };
}
