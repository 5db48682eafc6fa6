// `wiretap report`: one self-contained HTML file from the views model. Never loaded by the preload.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSpans } from '../model/read';
import { computeStats } from '../model/stats';
import { buildTransactions } from '../model/transactions';
import { logsByTransaction, readLogsSync } from '../model/logs';
import type { ReadOptions, StatsBy } from '../model/types';
import { buildReportHtml } from './html';
import { toReportData, type ReportData, type ReportDataOptions, type ReportInput } from './data';

export { embedJson } from './html';
export { toReportData, type ReportData, type ReportDataOptions, type ReportInput } from './data';

/** The report page for a model already computed (transactions and stats over every span). */
export function buildReport(input: ReportInput, options: ReportDataOptions = {}): string {
  return buildReportHtml(toReportData(input, options));
}

export interface WriteReportOptions extends ReportDataOptions {
  /** Extra grouping of the stats rows, as `wiretap stats --by`. */
  by?: StatsBy;
  onProgress?: ReadOptions['onProgress'];
  /** Write nothing when the files hold no span (the CLI then exits 1). */
  requireSpans?: boolean;
}

export interface WriteReportResult {
  outPath: string;
  bytes: number;
  data: Pick<ReportData, 'totals' | 'reduced'>;
}

/** Reads the trace files (every span feeds the stats) and writes the page to outPath. */
export async function writeReport(files: string[], outPath: string, options: WriteReportOptions = {}): Promise<WriteReportResult> {
  const spans = await readSpans(files, { onProgress: options.onProgress });
  const transactions = buildTransactions(spans);
  const stats = computeStats(spans, { by: options.by, keepDurations: true });
  const data = toReportData(
    { transactions, stats, spanCount: spans.length, files: files.map((f) => path.basename(f)), logs: logsByTransaction(transactions, readLogsSync(files)) },
    { title: options.title ?? `wiretap report: ${files.map((f) => path.basename(f)).join(', ')}`, ...options },
  );
  if (options.requireSpans && spans.length === 0) return { outPath, bytes: 0, data: { totals: data.totals, reduced: data.reduced } };
  const html = buildReportHtml(data);
  fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
  fs.writeFileSync(outPath, html);
  return { outPath, bytes: Buffer.byteLength(html), data: { totals: data.totals, reduced: data.reduced } };
}
