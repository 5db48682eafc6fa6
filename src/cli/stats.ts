// `wiretap stats [files…]`: the macro view. One row per calling service × peer × operation (and table,
// queue or route with --by): count, errors, retried calls, exact p50/p95/p99/max, total time.
// `--baseline` prints deltas against an earlier run; `--fail-if` makes it a CI gate (exit 1).
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { compareStats, computeStats, evaluateGate, GateSyntaxError, parseGate, type Gate, type StatsDelta } from '../views/model/stats';
import type { StatsBy, StatsRow } from '../views/model/types';
import { parseWhere, spanMatchesAll, type WhereClause } from '../views/model/where';
import { inputFiles, loadSpans, widthOption } from './common';
import { type CliIo, formatDelta, formatMs, painter, table, UsageError, visibleLength } from './io';

export const STATS_USAGE = `usage: wiretap stats [files…] [options]

Latency, errors and retries per integration, from the caller's side: one row per calling service ×
peer × operation. Percentiles are exact (nearest rank) over every span in the files.

  files                  OTLP-JSON trace files (default: $WIRETAP_FILE or ./wiretap-traces.jsonl)
  -b, --by KEY           also split rows by table, queue or route
  -F, --format FORMAT    table (default), markdown, json or csv
  -w, --where FILTER     count only spans matching every clause (see wiretap view --help; repeatable)
      --baseline FILE    print deltas against an earlier run's trace file
      --width N          fit the table in N columns (default: COLUMNS or the terminal's; a pipe
                         gets every column)
      --fail-if GATE     exit 1 when GATE holds, e.g. "DynamoDB.GetItem p95>50ms", "errors>0",
                         "Stripe error%>1" (repeatable). Metrics: count errors error% retried
                         unfinished p50 p95 p99 max total. A row name that matches no row fails too.
  -h, --help             this help

Rows count every span of an outgoing call (CLIENT or PRODUCER), attempts included; RETRIED counts
calls that needed more than one attempt.
Exit codes: 0 ok, 1 a gate failed (or no spans), 2 usage error.
`;

const FORMATS = ['table', 'markdown', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

export async function runStats(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      by: { type: 'string', short: 'b' },
      format: { type: 'string', short: 'F' },
      where: { type: 'string', short: 'w', multiple: true },
      baseline: { type: 'string' },
      'fail-if': { type: 'string', multiple: true },
      width: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(STATS_USAGE);
    return 0;
  }
  const by = (values.by ?? 'operation') as StatsBy;
  if (!['operation', 'table', 'queue', 'route'].includes(by)) throw new UsageError(`--by takes table, queue or route (got "${values.by}")`);
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format takes ${FORMATS.join(', ')} (got "${values.format}")`);
  const clauses: WhereClause[] = (values.where ?? []).flatMap((w) => parseWhere(w));
  let gates: Gate[];
  try {
    gates = (values['fail-if'] ?? []).map(parseGate);
  } catch (err) {
    if (err instanceof GateSyntaxError) throw new UsageError(`--fail-if: ${err.message}`);
    throw err;
  }
  // A table too wide for a known width drops its least needed columns (and says so); a pipe gets all.
  const width = values.width !== undefined ? widthOption(values.width, io) : io.widthIsKnown ? io.width : undefined;
  const files = inputFiles(positionals, io);
  const baselineFiles = values.baseline ? inputFiles([values.baseline], io) : undefined;

  const spans = await loadSpans(files, io);
  const keep = (s: (typeof spans)[number]) => clauses.length === 0 || spanMatchesAll(s, clauses);
  let rows: StatsRow[];
  if (spans.length > 0) rows = computeStats(spans.filter(keep), { by });
  else {
    // No spans (traces sampled away, or OTEL_TRACES_EXPORTER=none on a soak): the metric histograms the
    // same files hold count every call; their percentiles are estimates within the histogram's error.
    const fromMetrics = statsFromMetrics(files);
    if (fromMetrics.rows.length === 0) {
      io.stderr(`no spans in ${files.join(', ')}\n`);
      return 1;
    }
    if (clauses.length) throw new UsageError('--where filters spans; these files hold only metrics');
    io.stderr(`no spans: rows from the metric histograms (percentiles within ±${(fromMetrics.relativeError * 100).toFixed(1)}%)\n`);
    rows = fromMetrics.rows;
  }
  const baseline = baselineFiles ? computeStats((await loadSpans(baselineFiles, io)).filter(keep), { by }) : undefined;
  const comparison = baseline ? compareStats(rows, baseline) : undefined;

  io.stdout(render(rows, format, { by, color: io.color, ...(width ? { width } : {}), ...(comparison ? { comparison } : {}) }));

  let failed = false;
  const paint = painter(io.color);
  for (const gate of gates) {
    const result = evaluateGate(gate, rows);
    if (!result.failed) {
      io.stderr(`${paint('green', 'gate passed')}: ${gate.text}\n`);
      continue;
    }
    failed = true;
    if (result.noMatch) io.stderr(`${paint('red', 'gate failed')}: ${gate.text}: no row is named "${gate.selector}" (rows are named like ${rows[0]?.key ?? 'DynamoDB.GetItem'})\n`);
    else {
      const detail = result.offenders.map((o) => `${o.row.key}${o.row.resource ? ` ${o.row.resource}` : ''} ${gate.metric} = ${metricText(gate, o.value)}`).join('; ');
      io.stderr(`${paint('red', 'gate failed')}: ${gate.text}${detail ? `: ${detail}` : ''}\n`);
    }
  }
  return failed ? 1 : 0;
}

/** Rows of the client-call metrics (`wiretap.*` metrics file lines), shaped like the span-based ones. */
function statsFromMetrics(files: string[]): { rows: StatsRow[]; relativeError: number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readMetricRows } = require('../metrics/read') as typeof import('../metrics/read');
  const rows: StatsRow[] = [];
  let relativeError = 0;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of readMetricRows(text)) {
      if (m.metric !== 'rpc.client.call.duration' && m.metric !== 'http.client.request.duration') continue;
      const slash = m.operation.indexOf('/');
      const peer = slash > 0 ? m.operation.slice(0, slash) : m.peer;
      const operation = slash > 0 ? m.operation.slice(slash + 1) : m.operation;
      const msOf = (sec: number | undefined) => (sec === undefined ? NaN : sec * 1000);
      relativeError = Math.max(relativeError, m.relativeError ?? 0);
      rows.push({ service: m.service, peer, operation, resource: '', key: `${peer}.${operation}`, count: m.count, errors: m.errors, errorRate: m.count ? m.errors / m.count : 0, retried: 0, unfinished: 0, p50: msOf(m.p50), p95: msOf(m.p95), p99: msOf(m.p99), max: msOf(m.max), totalMs: NaN });
    }
  }
  return { rows: rows.sort((a, b) => a.service.localeCompare(b.service) || a.peer.localeCompare(b.peer) || a.operation.localeCompare(b.operation)), relativeError };
}

function metricText(gate: Gate, value: number): string {
  if (['p50', 'p95', 'p99', 'max', 'total'].includes(gate.metric)) return formatMs(value);
  if (gate.metric === 'error%') return `${value.toFixed(1)}%`;
  return String(value);
}

const percent = (r: number) => `${(r * 100).toFixed(1)}%`;
const ms3 = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 1000) / 1000) : '');

function resourceHeader(by: StatsBy): string {
  return by === 'table' ? 'TABLE' : by === 'queue' ? 'QUEUE' : by === 'route' ? 'ROUTE' : '';
}

function render(rows: StatsRow[], format: Format, options: { by: StatsBy; color: boolean; width?: number; comparison?: { deltas: StatsDelta[]; gone: StatsRow[] } }): string {
  const withResource = options.by !== 'operation';
  const deltas = options.comparison?.deltas;
  if (format === 'json') {
    const out = rows.map((r, i) => {
      const d = deltas?.[i];
      const row: Record<string, unknown> = { ...r };
      if (!withResource) delete row.resource;
      if (d) row.baseline = d.baseline ? { count: d.baseline.count, errorRate: d.baseline.errorRate, p50: d.baseline.p50, p95: d.baseline.p95, p99: d.baseline.p99 } : null;
      return row;
    });
    return JSON.stringify(options.comparison ? { rows: out, gone: options.comparison.gone } : out, null, 2) + '\n';
  }
  const header = ['SERVICE', 'PEER', 'OPERATION', ...(withResource ? [resourceHeader(options.by)] : []), 'COUNT', 'ERRORS', 'ERROR%', 'RETRIED', 'P50', 'P95', 'P99', 'MAX', 'TOTAL'];
  if (deltas) header.push('ΔCOUNT', 'ΔP50', 'ΔP95', 'ΔP99');
  if (format === 'csv') {
    const csvHeader = ['service', 'peer', 'operation', ...(withResource ? [options.by] : []), 'count', 'errors', 'error_rate', 'retried', 'unfinished', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'total_ms', ...(deltas ? ['count_delta', 'p50_delta_ms', 'p95_delta_ms', 'p99_delta_ms'] : [])];
    const lines = [csvHeader.join(',')];
    rows.forEach((r, i) => {
      const d = deltas?.[i];
      const cells = [r.service, r.peer, r.operation, ...(withResource ? [r.resource] : []), r.count, r.errors, ms3(r.errorRate), r.retried, r.unfinished, ms3(r.p50), ms3(r.p95), ms3(r.p99), ms3(r.max), ms3(r.totalMs), ...(d ? [d.countDelta, ms3(d.p50Delta), ms3(d.p95Delta), ms3(d.p99Delta)] : [])];
      lines.push(cells.map((c) => csvCell(String(c))).join(','));
    });
    return lines.join('\n') + '\n';
  }
  const paint = painter(options.color && format === 'table');
  const cells = rows.map((r, i) => {
    const d = deltas?.[i];
    const base = [
      r.service,
      r.peer,
      r.operation,
      ...(withResource ? [r.resource || '–'] : []),
      String(r.count),
      r.errors ? paint('red', String(r.errors)) : '0',
      r.errors ? paint('red', percent(r.errorRate)) : percent(r.errorRate),
      r.retried ? paint('yellow', String(r.retried)) : '0',
      formatMs(r.p50),
      formatMs(r.p95),
      formatMs(r.p99),
      formatMs(r.max),
      formatMs(r.totalMs),
    ];
    if (d) {
      if (!d.baseline) base.push('new', '', '', '');
      else base.push(`${d.countDelta >= 0 ? '+' : ''}${d.countDelta}`, paintDelta(paint, d.p50Delta), paintDelta(paint, d.p95Delta), paintDelta(paint, d.p99Delta));
    }
    return base;
  });
  const gone = options.comparison?.gone ?? [];
  if (format === 'markdown') {
    const numeric = header.map((h) => !['SERVICE', 'PEER', 'OPERATION', 'TABLE', 'QUEUE', 'ROUTE'].includes(h));
    const esc = (c: string) => c.replace(/\|/g, '\\|');
    const lines = [`| ${header.join(' | ')} |`, `|${numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`, ...cells.map((c) => `| ${c.map(esc).join(' | ')} |`)];
    if (gone.length) lines.push('', `Gone since the baseline: ${gone.map((r) => `${r.key}${r.resource ? ` ${r.resource}` : ''}`).join(', ')}`);
    return lines.join('\n') + '\n';
  }
  const right = header.map((h) => !['SERVICE', 'PEER', 'OPERATION', 'TABLE', 'QUEUE', 'ROUTE'].includes(h));
  // The table is never cut: the widest columns are the names, and a CI log wraps rather than loses them.
  // Columns left out first when the table does not fit: totals and extremes before the tail percentiles.
  const droppable = ['TOTAL', 'MAX', 'P50', 'ΔCOUNT', 'ΔP50', 'RETRIED', 'ERRORS'];
  const keep = header.map(() => true);
  const draw = () => table(header.filter((_, i) => keep[i]), cells.map((c) => c.filter((_, i) => keep[i])), { right: right.filter((_, i) => keep[i]) });
  let out = draw();
  const widest = (text: string) => Math.max(...text.split('\n').map((l) => visibleLength(l)));
  const dropped: string[] = [];
  for (const name of droppable) {
    if (!options.width || widest(out) <= options.width) break;
    const i = header.indexOf(name);
    if (i < 0) continue;
    keep[i] = false;
    dropped.push(name);
    out = draw();
  }
  if (dropped.length) {
    const note = `(fitted to ${options.width} columns without ${dropped.join(', ')}; -F csv or json has all)`;
    out += (visibleLength(note) <= options.width! ? note : note.replace('; ', '\n ')) + '\n';
  }
  if (gone.length) out += `\ngone since the baseline: ${gone.map((r) => `${r.key}${r.resource ? ` ${r.resource}` : ''} (${r.count})`).join(', ')}\n`;
  return out;
}

function paintDelta(paint: ReturnType<typeof painter>, ms: number): string {
  const text = formatDelta(ms);
  return ms > 0 ? paint('red', text) : ms < 0 ? paint('green', text) : text;
}

function csvCell(c: string): string {
  return /[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
}
