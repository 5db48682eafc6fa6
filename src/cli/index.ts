#!/usr/bin/env node
// The `wiretap` command: view, stats, diff, replay and report over trace files. The entry reads the
// environment once (through src/config/load.ts) and hands every command the same io.
import { loadCliEnv } from '../config/load';
import { runCli } from './main';

const env = loadCliEnv();
const stdoutIsTTY = !!process.stdout.isTTY;
// Ctrl-C ends --follow cleanly; the handler is installed only when a command waits for it, so Ctrl-C
// still stops any other command at once.
let interrupted: Promise<void> | undefined;
const waitForInterrupt = () => (interrupted ??= new Promise<void>((resolve) => process.once('SIGINT', () => resolve())));

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  defaultFile: env.traceFile,
  color: !env.noColor && (env.forceColor || stdoutIsTTY),
  width: env.columns ?? (stdoutIsTTY && process.stdout.columns ? process.stdout.columns : 100),
  widthIsKnown: env.columns !== undefined || (stdoutIsTTY && !!process.stdout.columns),
  stderrIsTTY: !!process.stderr.isTTY,
  get interrupted() {
    return waitForInterrupt();
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`wiretap: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
