// `wiretap diff`: two transactions compared structurally (service, decoded name, parent path), so two
// runs of the same request can be compared although every span id differs.
import { parseArgs } from 'node:util';
import { spanLabel } from '../views/model/describe';
import { diffTransactions } from '../views/model/diff';
import { buildTransactions, findTransaction } from '../views/model/transactions';
import type { Transaction } from '../views/model/types';
import { inputFiles, loadSpans } from './common';
import { type CliIo, formatDelta, formatMs, painter, table } from './io';
import { UsageError } from './io';

export const DIFF_USAGE = `usage: wiretap diff A.jsonl B.jsonl            the first transaction of each file
       wiretap diff [files…] --a ID --b ID     two transactions by id (a trace id or a prefix will do)

Compares two transactions structurally: calls are matched by service, decoded name and the path of
their parents, never by span id. Lists calls added and removed, attempts and errors that changed, and
duration deltas.

  -a, --a ID        the first transaction (default: the first in the first file)
  -b, --b ID        the second transaction (default: the first in the second file)
      --all         also list the calls that did not change
      --json        machine-readable output
  -h, --help        this help

Exit codes: 0 compared (whatever the differences), 1 a transaction was not found, 2 usage error.
`;

export async function runDiff(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      a: { type: 'string', short: 'a' },
      b: { type: 'string', short: 'b' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(DIFF_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give two trace files, or files and --a/--b ids');
  const files = inputFiles(positionals, io);
  let a: Transaction | undefined;
  let b: Transaction | undefined;
  if (values.a || values.b) {
    if (!values.a || !values.b) throw new UsageError('--a and --b go together');
    const all = buildTransactions(await loadSpans(files, io));
    a = findTransaction(all, values.a);
    b = findTransaction(all, values.b);
    if (!a || !b) {
      io.stderr(`no transaction with id ${!a ? values.a : values.b} in ${files.join(', ')}\n`);
      return 1;
    }
  } else {
    if (files.length !== 2) throw new UsageError('without --a/--b, give exactly two files (the first transaction of each is compared)');
    [a] = buildTransactions(await loadSpans([files[0]], io));
    [b] = buildTransactions(await loadSpans([files[1]], io));
    if (!a || !b) {
      io.stderr(`no spans in ${!a ? files[0] : files[1]}\n`);
      return 1;
    }
  }
  const diff = diffTransactions(a, b);
  if (values.json) {
    io.stdout(JSON.stringify({ a: a.id, b: b.id, ...diff }, null, 2) + '\n');
    return 0;
  }
  const paint = painter(io.color);
  const head = (t: Transaction) => `${t.id} (${t.root.span.service}: ${spanLabel(t.root.span)}, ${formatMs(t.durationMs)})`;
  io.stdout(`A ${head(a)}\nB ${head(b)}\n${formatDelta(diff.durationDeltaMs)} end to end; ${diff.added} call${diff.added === 1 ? '' : 's'} added, ${diff.removed} removed, ${diff.changed} changed\n\n`);
  const rows = diff.entries
    .filter((e) => values.all || e.change !== 'same' || e.depth === 0 || Math.abs(e.durationDeltaMs ?? 0) >= 1)
    .map((e) => {
      const mark = e.change === 'added' ? paint('green', '+') : e.change === 'removed' ? paint('red', '-') : e.change === 'changed' ? paint('yellow', '~') : ' ';
      const label = '  '.repeat(e.depth) + (e.b ?? e.a)!.label + (e.notes.length ? `  (${e.notes.join(', ')})` : '');
      return [mark, e.a ? formatMs(e.a.durationMs) : '–', e.b ? formatMs(e.b.durationMs) : '–', e.durationDeltaMs !== undefined ? formatDelta(e.durationDeltaMs) : '', label];
    });
  io.stdout(table(['', 'A', 'B', 'Δ', 'CALL'], rows, { right: [false, true, true, true, false], width: io.width }));
  return 0;
}
