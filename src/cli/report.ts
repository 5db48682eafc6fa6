// `wiretap report [files…] -o report.html`: writes the self-contained HTML report. The CLI's command
// table calls runReport(args); the report code itself lives in src/views/report.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { StatsBy } from '../views/model/types';
import { type CliIo, progressReporter } from './io';

export const REPORT_USAGE = `usage: wiretap report [files…] [-o report.html] [options]

Writes one self-contained HTML page (no network requests; opens from file://) with the stats per
integration, a service map, searchable transactions, waterfalls and a compare view.

  files               OTLP-JSON trace files (default: $WIRETAP_FILE or ./wiretap-traces.jsonl)
  -o, --output FILE   where to write the page (default: wiretap-report.html)
      --title TEXT    the page's title
      --by KEY        extra stats grouping: table, queue or route
      --max-spans N   embed every transaction while their spans total at most N (default 20000);
                      beyond, embed errors, unfinished, the slowest and a sample per operation
  -h, --help          this help

Exit codes: 0 written, 1 no spans in the files, 2 usage error.
`;

/** What the report needs of the CLI's io (a CliIo has all of it). */
export type ReportIo = Pick<CliIo, 'stdout' | 'stderr' | 'defaultFile'> & Partial<Pick<CliIo, 'stderrIsTTY'>>;

export async function runReport(args: string[], io: ReportIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        title: { type: 'string' },
        by: { type: 'string' },
        'max-spans': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr(`wiretap report: ${(err as Error).message}\n\n${REPORT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(REPORT_USAGE);
    return 0;
  }
  const by = values.by;
  if (by !== undefined && !['table', 'queue', 'route', 'operation'].includes(by)) {
    io.stderr(`wiretap report: --by takes table, queue or route (got "${by}")\n`);
    return 2;
  }
  const maxSpans = values['max-spans'] === undefined ? undefined : Number(values['max-spans']);
  if (maxSpans !== undefined && !(Number.isInteger(maxSpans) && maxSpans > 0)) {
    io.stderr(`wiretap report: --max-spans takes a positive integer (got "${values['max-spans']}")\n`);
    return 2;
  }
  const files = positionals.length ? positionals : [io.defaultFile];
  const out = values.output ?? 'wiretap-report.html';
  // Loaded here, not at the top: `wiretap --help` and the other commands never pay for it.
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length) {
    io.stderr(`wiretap report: no such file: ${missing.join(', ')}\n`);
    return 1;
  }
  const { writeReport } = await import('../views/report/index.js');
  // A progress line on stderr for big files, only on a terminal (the CLI's own reporter).
  const progress = progressReporter({ ...io, stderrIsTTY: !!io.stderrIsTTY } as CliIo);
  let result;
  try {
    result = await writeReport(files, out, { title: values.title, by: by as StatsBy | undefined, maxEmbeddedSpans: maxSpans, requireSpans: true, onProgress: progress.onProgress });
  } finally {
    progress.done();
  }
  if (result.data.totals.spans === 0) {
    io.stderr(`wiretap report: no spans in ${files.join(', ')} (nothing written)\n`);
    return 1;
  }
  const t = result.data.totals;
  io.stdout(
    `wrote ${out} (${(result.bytes / 1024).toFixed(0)} KiB): ${t.spans} spans, ${t.transactions} transactions` +
      (result.data.reduced ? `, ${t.embeddedTransactions} embedded (large input: errors, unfinished, slowest and a sample)` : '') +
      '\n',
  );
  return 0;
}
