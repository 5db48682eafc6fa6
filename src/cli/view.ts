// `wiretap view [files…]`: the micro view. A transaction list by default; `--trace <id>` draws one
// transaction as a waterfall scaled to the terminal; `--tree` prints the plain trace trees of old.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { bodyExcerpts, retryNumber, spanLabel } from '../views/model/describe';
import { spansFromLine, SpanSet } from '../views/model/read';
import { buildTransactions, findTransaction, flattenTree } from '../views/model/transactions';
import type { Span, SpanNode, Transaction } from '../views/model/types';
import { parseWhere, transactionContainsText, transactionMatches, type WhereClause } from '../views/model/where';
import { inputFiles, loadSpans, widthOption } from './common';
import { type CliIo, formatMs, formatTime, padEnd, padStart, painter, table, truncate, UsageError } from './io';
import { renderTree } from './tree';
import { logContainsText, logsByTransaction, readLogsSync, type LogLine } from '../views/model/logs';
import { logRows } from './log-rows';
import type { FlatSpan } from './otlp-json';

export const VIEW_USAGE = `usage: wiretap view [files…] [options]

Lists the transactions in trace files (an incoming request or invocation and everything it caused,
joined across traces through links, message ids and the X-Ray header), or draws one as a waterfall.

  files                 OTLP-JSON trace files (default: $WIRETAP_FILE or ./wiretap-traces.jsonl)
  -t, --trace ID        draw one transaction: its id, a trace id or any span id in it (a prefix will do)
  -v, --verbose         with --trace: the request and response excerpts (as recorded, redacted)
  -g, --grep TEXT       transactions with TEXT in a name, an attribute value or a body (a user id, an order id)
  -w, --where FILTER    transactions with a span matching every clause, e.g. "duration>200ms",
                        "error", "service=DynamoDB", "db.collection.name=orders", "name~^SQS" (repeatable)
  -s, --sort KEY        start (default), duration, calls, errors, retries, hops
  -n, --limit N         show the first N transactions
  -f, --follow          keep reading the file and print transactions as their spans arrive (Ctrl-C stops)
      --json            machine-readable output (with --follow: one JSON object per line)
      --tree            the plain trace trees (one block per trace)
      --width N         columns to draw in (default: COLUMNS, else the terminal's, else 100)
  -h, --help            this help

Waterfall marks: * on the critical path, █ the call, ░ an earlier attempt (×N: N attempts),
▒…▶ still in flight when exported (unfinished), ┄ time in a queue before an async hop (↳).
Exit codes: 0 ok, 1 no spans (or no transaction matched), 2 usage error.
`;

type SortKey = 'start' | 'duration' | 'calls' | 'errors' | 'retries' | 'hops';
const SORTS: Record<SortKey, (a: Transaction, b: Transaction) => number> = {
  start: (a, b) => a.startMs - b.startMs,
  duration: (a, b) => b.durationMs - a.durationMs,
  calls: (a, b) => b.calls - a.calls,
  errors: (a, b) => b.errors - a.errors,
  retries: (a, b) => b.retries - a.retries,
  hops: (a, b) => b.hops.length - a.hops.length,
};

export async function runView(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trace: { type: 'string', short: 't' },
      verbose: { type: 'boolean', short: 'v' },
      grep: { type: 'string', short: 'g', multiple: true },
      where: { type: 'string', short: 'w', multiple: true },
      sort: { type: 'string', short: 's' },
      limit: { type: 'string', short: 'n' },
      follow: { type: 'boolean', short: 'f' },
      json: { type: 'boolean' },
      tree: { type: 'boolean' },
      width: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(VIEW_USAGE);
    return 0;
  }
  const width = widthOption(values.width, io);
  const sort = (values.sort ?? 'start') as SortKey;
  if (!SORTS[sort]) throw new UsageError(`--sort takes one of ${Object.keys(SORTS).join(', ')} (got "${values.sort}")`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit takes a positive integer (got "${values.limit}")`);
  const clauses: WhereClause[] = (values.where ?? []).flatMap((w) => parseWhere(w));
  const greps = values.grep ?? [];
  const files = inputFiles(positionals, io);
  // Log lines of the same files (wiretap's log capture): --grep searches them too.
  let logs = new Map<string, LogLine[]>();
  const logsContain = (t: Transaction, g: string) => (logs.get(t.id) ?? []).some((l) => logContainsText(l, g));
  const select = (tx: Transaction[]) => tx.filter((t) => transactionMatches(t, clauses) && greps.every((g) => transactionContainsText(t, g) || logsContain(t, g)));

  if (values.follow) {
    if (files.length !== 1) throw new UsageError('--follow reads exactly one file');
    if (values.trace || values.tree) throw new UsageError('--follow lists transactions; it does not combine with --trace or --tree');
    return follow(files[0], io, { width, json: !!values.json, select });
  }

  const spans = await loadSpans(files, io);
  if (spans.length === 0) {
    io.stderr(`no spans in ${files.join(', ')}\n`);
    return 1;
  }
  if (values.tree) {
    io.stdout(renderTree(spans.map(toFlat)));
    return 0;
  }
  const transactions = buildTransactions(spans);
  logs = logsByTransaction(transactions, readLogsSync(files));
  if (values.trace) {
    const t = findTransaction(transactions, values.trace);
    if (!t) {
      io.stderr(`no transaction with id ${values.trace} in ${files.join(', ')} (ids are listed by \`wiretap view\`)\n`);
      return 1;
    }
    if (values.json) io.stdout(JSON.stringify({ ...(transactionJson(t) as object), logs: logs.get(t.id) ?? [] }, null, 2) + "\n");
    else io.stdout(renderWaterfall(t, { width, color: io.color, verbose: !!values.verbose, logs: logs.get(t.id) }));
    return 0;
  }
  let shown = select(transactions).sort(SORTS[sort]);
  const matched = shown.length;
  if (limit) shown = shown.slice(0, limit);
  if (values.json) {
    io.stdout(JSON.stringify(shown.map(summaryJson), null, 2) + '\n');
    return matched ? 0 : 1;
  }
  const filtered = clauses.length || greps.length;
  const days = [...new Set(shown.map((t) => formatTime(t.startMs).slice(0, 10)))];
  const day = days.length === 1 ? ` on ${days[0]} (UTC)` : '';
  io.stdout(`${transactions.length} transaction${transactions.length === 1 ? '' : 's'}, ${spans.length} spans${day}${filtered ? `; ${matched} match` : ''}${limit && matched > limit ? `; first ${limit} shown` : ''}\n\n`);
  if (shown.length) io.stdout(renderList(shown, { width, color: io.color }));
  return matched ? 0 : 1;
}

/** The old FlatSpan shape the tree printer takes. */
function toFlat(s: Span): FlatSpan {
  return {
    name: s.name,
    kind: s.kind,
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    attributes: s.attributes,
    status: s.status,
    links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
    resource: s.resource,
  };
}

export function summaryJson(t: Transaction) {
  return {
    id: t.id,
    traceIds: t.traceIds,
    start: new Date(t.startMs).toISOString(),
    durationMs: round(t.durationMs),
    root: spanLabel(t.root.span),
    service: t.root.span.service,
    calls: t.calls,
    errors: t.errors,
    retries: t.retries,
    hops: t.hops.length,
    unfinished: t.unfinished,
    services: t.services,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function nodeJson(n: SpanNode): unknown {
  return {
    label: spanLabel(n.span),
    critical: n.critical,
    ...(n.hop ? { hop: n.hop } : {}),
    ...(n.orphan ? { orphan: true } : {}),
    // Without the file/line each span was read from: the JSON stays the same wherever the files are.
    attempts: n.attempts.map((s) => ({ ...s, source: undefined })),
    children: n.children.map(nodeJson),
  };
}

export function transactionJson(t: Transaction) {
  return { ...summaryJson(t), criticalPath: t.criticalPath, danglingLinks: t.danglingLinks, hopsDetail: t.hops, tree: nodeJson(t.root) };
}

/** `api POST /orders`; a Lambda root named after its function is not named twice. */
function rootLabel(t: Transaction): string {
  const label = spanLabel(t.root.span);
  return label === t.root.span.service || label.startsWith(`${t.root.span.service} `) ? label : `${t.root.span.service} ${label}`;
}

export function renderList(transactions: Transaction[], options: { width: number; color: boolean }): string {
  const paint = painter(options.color);
  // Times of day when every transaction starts on the same UTC day (the header says which), else dates too.
  const days = new Set(transactions.map((t) => formatTime(t.startMs).slice(0, 10)));
  const when = (ms: number) => (days.size > 1 ? formatTime(ms) : formatTime(ms).slice(11));
  const rows = transactions.map((t) => [
    when(t.startMs),
    t.id,
    formatMs(t.durationMs),
    String(t.calls),
    t.errors ? paint('red', String(t.errors)) : '0',
    t.retries ? paint('yellow', String(t.retries)) : '0',
    String(t.hops.length),
    `${rootLabel(t)}${t.unfinished ? paint('yellow', ` (${t.unfinished} unfinished)`) : ''}`,
  ]);
  return table([days.size > 1 ? 'START (UTC)' : 'START', 'ID', 'DURATION', 'CALLS', 'ERR', 'RETRY', 'HOPS', 'ROOT'], rows, { right: [false, false, true, true, true, true, true, false], width: options.width });
}

function statusText(n: SpanNode): string {
  const s = n.span;
  const tries = n.attempts.length > 1 ? ` ×${n.attempts.length}` : '';
  if (s.incomplete) return `OPEN${s.incompleteReason ? ` ${s.incompleteReason}` : ''}${tries}`;
  if (!s.error) return `ok${tries}`;
  const type = s.attributes['error.type'];
  const code = s.attributes['http.response.status_code'];
  return `${`ERR ${type ?? code ?? s.status.message ?? ''}`.trim()}${tries}`;
}

/** One row per node; bars on a common time axis from the transaction's start to its end. */
export function renderWaterfall(t: Transaction, options: { width: number; color: boolean; verbose?: boolean; logs?: LogLine[] }): string {
  const paint = painter(options.color);
  const logLines = logRows(t, options.logs, { width: Math.max(60, options.width), color: options.color });
  const nodes = flattenTree(t.root);
  const width = Math.max(60, options.width);
  const nameWidth = Math.min(48, Math.max(24, Math.floor(width * 0.38)));
  const durWidth = 9;
  const statusWidth = Math.min(22, Math.max(6, ...nodes.map((n) => statusText(n).length)));
  const barWidth = Math.max(10, width - 2 - nameWidth - 1 - durWidth - 1 - statusWidth - 1 - 2);
  const span = Math.max(t.durationMs, 1e-6);
  const col = (ms: number) => Math.min(barWidth - 1, Math.max(0, Math.floor(((ms - t.startMs) / span) * barWidth)));
  // The last column a bar ending at ms covers (a bar always covers at least its start column).
  const colEnd = (ms: number) => Math.min(barWidth - 1, Math.max(0, Math.ceil(((ms - t.startMs) / span) * barWidth) - 1));
  // Hops inside one trace leave the consumer where it is; its row still shows the queue time.
  const keyOf = (traceId: string, spanId: string) => `${traceId}/${spanId}`;
  const spanByKey = new Map(t.spans.map((s) => [keyOf(s.traceId, s.spanId), s]));
  const incoming = new Map(t.hops.map((h) => [keyOf(h.consumerTraceId, h.consumerSpanId), h]));

  const lines: string[] = [];
  const root = t.root.span;
  const parts = [`${t.calls} call${t.calls === 1 ? '' : 's'}`, `${t.errors} error${t.errors === 1 ? '' : 's'}`, `${t.retries} retr${t.retries === 1 ? 'y' : 'ies'}`, `${t.hops.length} async hop${t.hops.length === 1 ? '' : 's'}`];
  if (t.unfinished) parts.push(`${t.unfinished} unfinished`);
  lines.push(paint('bold', `transaction ${t.id}  ${rootLabel(t)}  ${formatMs(t.durationMs)}`));
  lines.push(`${formatTime(t.startMs)} UTC  ${parts.join(', ')}`);
  lines.push(`trace${t.traceIds.length > 1 ? 's' : ''} ${t.traceIds.join(', ')}`);
  if (t.danglingLinks.length) lines.push(paint('gray', `${t.danglingLinks.length} link${t.danglingLinks.length === 1 ? '' : 's'} to spans not in these files: ${t.danglingLinks.map((l) => `${l.traceId}/${l.spanId}`).join(', ')}`));
  lines.push('');
  const axisLeft = '0';
  const axisRight = formatMs(t.durationMs);
  const axis = axisLeft + ' '.repeat(Math.max(1, barWidth - axisLeft.length - axisRight.length)) + axisRight;
  lines.push(`  ${padEnd('CALL', nameWidth)} ${padStart('DURATION', durWidth)} ${padEnd('STATUS', statusWidth)} |${axis}|`);

  for (const n of nodes) {
    const marker = n.critical ? paint('magenta', '*') : ' ';
    const indent = '  '.repeat(n.depth);
    let label = spanLabel(n.span);
    if (n.hop) label = `↳ ${label}`;
    if (n.span.service !== t.root.span.service && (n.hop || n.depth === 0 || n.orphan)) label += ` (${n.span.service})`;
    const name = truncate(indent + label, nameWidth);
    const first = n.attempts[0];
    const durationMs = n.span.endMs - first.startMs;
    const status = truncate(statusText(n), statusWidth);
    const statusPainted = n.span.incomplete ? paint('yellow', status) : n.span.error ? paint('red', status) : status;
    // The bar: earlier attempts ░, the (last) call █ or ▒…▶ when unfinished, queue time ┄ before a hop.
    const cells: string[] = new Array(barWidth).fill(' ');
    const hop = n.hop ?? n.attempts.map((a) => incoming.get(keyOf(a.traceId, a.spanId))).find((h) => h);
    if (hop) {
      // Queue time: from the producer's end to this row's start (the consumer, or the invocation around it).
      const producerEnd = spanByKey.get(keyOf(hop.producerTraceId, hop.producerSpanId))?.endMs ?? n.span.startMs - hop.queueDelayMs;
      for (let i = col(producerEnd); i < col(n.attempts[0].startMs); i++) cells[i] = '┄';
    }
    n.attempts.forEach((a, i) => {
      const last = i === n.attempts.length - 1;
      const from = col(a.startMs);
      const to = Math.max(from, colEnd(a.endMs));
      for (let c = from; c <= to; c++) cells[c] = last ? (a.incomplete ? '▒' : '█') : '░';
      if (last && a.incomplete) cells[Math.min(barWidth - 1, to + 1)] = '▶';
    });
    let bar = cells.join('');
    if (options.color) bar = n.span.incomplete ? paint('yellow', bar) : n.span.error ? paint('red', bar) : n.critical ? paint('magenta', bar) : paint('cyan', bar);
    lines.push(`${marker} ${padEnd(name, nameWidth)} ${padStart(formatMs(durationMs), durWidth)} ${padEnd(statusPainted, statusWidth)} |${bar}|`);
    if (hop) {
      const producer = spanByKey.get(keyOf(hop.producerTraceId, hop.producerSpanId));
      lines.push(paint('gray', `  ${indent}  ↖ from ${producer ? spanLabel(producer) : hop.producerSpanId}: ${formatMs(hop.queueDelayMs)} in queue (joined by ${hop.via})`));
    }
    lines.push(...logLines.after(n, indent));
    if (options.verbose) {
      const pad = ' '.repeat(4 + indent.length);
      const room = Math.max(20, width - pad.length - 10);
      for (const a of n.attempts) {
        const tag = n.attempts.length > 1 ? `attempt ${retryNumber(a) + 1}: ` : '';
        const { request, response } = bodyExcerpts(a, room);
        const message = a.status.message ?? a.attributes['wiretap.aws.error_message'] ?? a.attributes['wiretap.error.message'];
        if (n.attempts.length > 1) lines.push(paint('gray', `${pad}${tag}${formatMs(a.durationMs)} ${a.error ? 'failed' : 'ok'}`));
        if (request !== undefined) lines.push(paint('gray', `${pad}request:  ${truncate(request, room)}`));
        if (response !== undefined) lines.push(paint('gray', `${pad}response: ${truncate(response, room)}`));
        if (a.error && message !== undefined) lines.push(paint('gray', `${pad}error:    ${truncate(String(message), room)}`));
      }
    }
  }
  lines.push(...logLines.rest());
  lines.push('');
  const onPath = t.criticalPath.reduce((sum, c) => sum + (c.endMs - c.startMs), 0);
  lines.push(paint('gray', `critical path (*): ${new Set(t.criticalPath.map((c) => c.spanId)).size} spans, ${formatMs(onPath)}`));
  return lines.join('\n') + '\n';
}

async function follow(file: string, io: CliIo, options: { width: number; json: boolean; select: (t: Transaction[]) => Transaction[] }): Promise<number> {
  const set = new SpanSet();
  const printed = new Map<string, number>(); // transaction id → spans when last printed
  let offset = 0;
  let partial = '';
  let headerShown = false;
  const poll = () => {
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return; // not created yet
    }
    if (size < offset) {
      offset = 0; // truncated or replaced: read again from the start
      partial = '';
    }
    if (size === offset) return;
    const fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(size - offset);
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    fs.closeSync(fd);
    offset = size;
    const text = partial + buffer.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    let added = 0;
    for (const line of lines) {
      const spans = spansFromLine(line, { file, line: 0 });
      set.addAll(spans);
      added += spans.length;
    }
    if (!added) return;
    const changed = options.select(buildTransactions(set.spans())).filter((t) => printed.get(t.id) !== t.spans.length);
    if (!changed.length) return;
    for (const t of changed) printed.set(t.id, t.spans.length);
    if (options.json) {
      for (const t of changed) io.stdout(JSON.stringify(summaryJson(t)) + '\n');
      return;
    }
    const text2 = renderList(changed, { width: options.width, color: io.color }).split('\n');
    if (!headerShown) io.stdout(text2[0] + '\n');
    headerShown = true;
    io.stdout(text2.slice(1).join('\n'));
  };
  poll();
  const timer = setInterval(poll, 250);
  await (io.interrupted ?? new Promise<void>(() => {}));
  clearInterval(timer);
  poll();
  return 0;
}
