// `wiretap report`: one self-contained HTML file from the views model. Never loaded by the preload.
import { buildReportHtml } from './html';
import { toReportData, type ReportDataOptions, type ReportInput } from './data';

export { embedJson } from './html';
export { toReportData, type ReportData, type ReportDataOptions, type ReportInput } from './data';

/** The report page for a model already computed (transactions and stats over every span). */
export function buildReport(input: ReportInput, options: ReportDataOptions = {}): string {
  return buildReportHtml(toReportData(input, options));
}
