// The command table of the `wiretap` bin. Each command parses its own arguments with node:util
// parseArgs and answers --help; usage errors print a message and the command's usage and exit 2.
import { WhereSyntaxError } from '../views/model/where';
import { runDiff } from './diff';
import { type CliIo, UsageError } from './io';
import { runReplay } from './replay';
import { runStats } from './stats';
import { runView } from './view';

export const USAGE = `usage: wiretap <command> [files…] [options]

Offline views of the trace files wiretap writes (OTLP-JSON lines; several files, several processes).

commands:
  view     the transactions, or one as a waterfall (--trace ID); search with --grep and --where
  stats    latency (exact p50/p95/p99), errors and retries per integration; a CI gate with --fail-if
  diff     two transactions compared call by call
  replay   send the spans to an OpenTelemetry backend (OTLP/HTTP)
  report   one self-contained HTML page of all of the above

Run \`wiretap <command> --help\` for a command's options. Files default to $WIRETAP_FILE, else
./wiretap-traces.jsonl. NO_COLOR turns colours off, FORCE_COLOR on; COLUMNS sets the width.
Exit codes: 0 ok, 1 a gate failed or nothing was found, 2 usage error.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

/** The report command lives with the report (src/cli/report.ts); loaded only when asked for. */
const runReportCommand: Command = async (args, io) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const report = require('./report') as { runReport: Command };
  return report.runReport(args, io);
};

const COMMANDS: Record<string, { run: Command }> = {
  view: { run: runView },
  stats: { run: runStats },
  diff: { run: runDiff },
  replay: { run: runReplay },
  report: { run: runReportCommand },
};

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(USAGE);
    return 2;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) return COMMANDS[topic].run(['--help'], io);
    io.stdout(USAGE);
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[first];
  // `wiretap file.jsonl` (no command) meant `wiretap view file.jsonl` before there were commands.
  const [name, args] = command ? [first, rest] : first.endsWith('.jsonl') || first.endsWith('.json') ? ['view', argv] : [first, rest];
  const chosen = COMMANDS[name];
  if (!chosen) {
    io.stderr(`wiretap: unknown command "${first}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await chosen.run(args, io);
  } catch (err) {
    const known = err instanceof UsageError || err instanceof WhereSyntaxError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    if (!known) throw err;
    io.stderr(`wiretap ${name}: ${(err as Error).message}\n(wiretap ${name} --help lists the options)\n`);
    return 2;
  }
}
