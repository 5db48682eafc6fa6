#!/usr/bin/env node
// The `wiretap` command: view, stats, diff, replay and report over trace files. The entry reads the
// environment once (through src/config/load.ts) and hands every command the same io.
import { loadCliEnv } from '../config/load';
import { runCli } from './main';

const env = loadCliEnv();
const stdoutIsTTY = !!process.stdout.isTTY;
let interrupt: () => void = () => {};
const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
process.once('SIGINT', () => interrupt());

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  defaultFile: env.traceFile,
  color: !env.noColor && (env.forceColor || stdoutIsTTY),
  width: env.columns ?? (stdoutIsTTY && process.stdout.columns ? process.stdout.columns : 100),
  stderrIsTTY: !!process.stderr.isTTY,
  interrupted,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`wiretap: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
