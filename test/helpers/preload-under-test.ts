// Which preload the client tests run apps under: `dist/register.js` (what `npm test` builds), or another
// build of it named by WIRETAP_TEST_REGISTER (e.g. a private `tsc --outDir` while dist is being rebuilt).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIST, type RunOptions } from './run-app';

export const REGISTER = process.env.WIRETAP_TEST_REGISTER ? path.resolve(process.env.WIRETAP_TEST_REGISTER) : path.join(DIST, 'register.js');

/** runApp options that preload REGISTER; throws a clear error when it has not been built. */
export function underPreload(env: Record<string, string>): Pick<RunOptions, 'preload' | 'env'> {
  if (!fs.existsSync(REGISTER)) throw new Error(`${REGISTER} is missing: run \`npm run build\` first (or set WIRETAP_TEST_REGISTER)`);
  if (!process.env.WIRETAP_TEST_REGISTER) return { preload: 'cjs', env: { OTEL_TRACES_EXPORTER: 'file', ...env } };
  return { preload: 'none', env: { OTEL_TRACES_EXPORTER: 'file', NODE_OPTIONS: `--require ${REGISTER}`, ...env } };
}
