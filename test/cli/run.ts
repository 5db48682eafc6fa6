// Runs the built `wiretap` bin in test/cli/traces with NO_COLOR and COLUMNS=100 (overridable), without
// the caller's WIRETAP_FILE / FORCE_COLOR.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
export const tracesDir = path.join(root, 'test', 'cli', 'traces');
export const bin = path.join(root, 'dist', 'cli', 'index.js');

export function runWiretap(args: string[], env: Record<string, string> = {}) {
  const { WIRETAP_FILE: _ignored, FORCE_COLOR: _force, ...rest } = process.env;
  const r = spawnSync(process.env.WIRETAP_TEST_NODE || process.execPath, [bin, ...args], { cwd: tracesDir, encoding: 'utf8', env: { ...rest, NO_COLOR: '1', COLUMNS: '100', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

