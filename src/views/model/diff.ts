// Two transactions compared structurally: nodes are matched by their path of (service, decoded name) from
// the root, and among siblings with the same path by order, never by span ids (which differ every run).
import { spanLabel } from './describe';
import type { SpanNode, Transaction } from './types';

export interface DiffEntry {
  /** `service: name` segments from the root, joined by " > ". */
  path: string;
  depth: number;
  change: 'same' | 'added' | 'removed' | 'changed';
  a?: { durationMs: number; attempts: number; error: boolean; incomplete: boolean; label: string };
  b?: { durationMs: number; attempts: number; error: boolean; incomplete: boolean; label: string };
  durationDeltaMs?: number;
  /** What differs besides the duration: attempts, error, unfinished. */
  notes: string[];
}

export interface TransactionDiff {
  entries: DiffEntry[];
  added: number;
  removed: number;
  changed: number;
  durationDeltaMs: number;
}

const segment = (n: SpanNode) => `${n.span.service}: ${n.span.name}`;
const summary = (n: SpanNode) => ({ durationMs: n.attempts.reduce((m, s) => Math.max(m, s.endMs), 0) - n.attempts[0].startMs, attempts: n.attempts.length, error: n.span.error, incomplete: n.span.incomplete, label: spanLabel(n.span) });

export function diffTransactions(a: Transaction, b: Transaction): TransactionDiff {
  const entries: DiffEntry[] = [];
  const walk = (x: SpanNode | undefined, y: SpanNode | undefined, parentPath: string, depth: number) => {
    const path = parentPath ? `${parentPath} > ${segment((x ?? y) as SpanNode)}` : segment((x ?? y) as SpanNode);
    const entry: DiffEntry = { path, depth, change: 'same', notes: [] };
    if (x) entry.a = summary(x);
    if (y) entry.b = summary(y);
    if (x && !y) entry.change = 'removed';
    else if (y && !x) entry.change = 'added';
    else if (entry.a && entry.b) {
      entry.durationDeltaMs = entry.b.durationMs - entry.a.durationMs;
      if (entry.a.attempts !== entry.b.attempts) entry.notes.push(`attempts ${entry.a.attempts} → ${entry.b.attempts}`);
      if (entry.a.error !== entry.b.error) entry.notes.push(entry.b.error ? 'now fails' : 'no longer fails');
      if (entry.a.incomplete !== entry.b.incomplete) entry.notes.push(entry.b.incomplete ? 'now unfinished' : 'now finishes');
      if (entry.notes.length) entry.change = 'changed';
    }
    entries.push(entry);
    // Children matched by segment, the n-th occurrence of a segment with the n-th.
    const xs = x?.children ?? [];
    const ys = y?.children ?? [];
    const bySegment = new Map<string, SpanNode[]>();
    for (const c of ys) {
      const list = bySegment.get(segment(c)) ?? [];
      list.push(c);
      bySegment.set(segment(c), list);
    }
    const usedY = new Set<SpanNode>();
    for (const c of xs) {
      const match = bySegment.get(segment(c))?.shift();
      if (match) usedY.add(match);
      walk(c, match, path, depth + 1);
    }
    for (const c of ys) if (!usedY.has(c)) walk(undefined, c, path, depth + 1);
  };
  if (segment(a.root) === segment(b.root)) walk(a.root, b.root, '', 0);
  else {
    walk(a.root, undefined, '', 0);
    walk(undefined, b.root, '', 0);
  }
  return {
    entries,
    added: entries.filter((e) => e.change === 'added').length,
    removed: entries.filter((e) => e.change === 'removed').length,
    changed: entries.filter((e) => e.change === 'changed').length,
    durationDeltaMs: b.durationMs - a.durationMs,
  };
}
