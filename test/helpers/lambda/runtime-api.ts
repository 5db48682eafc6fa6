// A fake AWS Lambda Runtime API on 127.0.0.1, and a launcher that starts the real runtime interface
// client (aws-lambda-ric 3.x as in nodejs22.x, 4.x as in nodejs24.x) against it the way the managed
// bootstrap does. Like Lambda, it freezes the process (SIGSTOP) when the runtime asks for the next event
// and nothing is queued, thaws it (SIGCONT) for the next invocation, and SIGKILLs it at the deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { REPO, runtimePath } from '../run-app';
import { flattenRequest, type FlatSpan } from '../otlp';

export const RIC_DIR = path.join(REPO, 'test', 'helpers', 'lambda', 'ric', 'node_modules');
export type RicMajor = 3 | 4;
export type NodeMajor = 22 | 24;

/** The node binary for a major from .runtimes/, or undefined when not installed. */
export function nodeBinary(major: NodeMajor): string | undefined {
  const bin = runtimePath(major);
  return fs.existsSync(bin) ? bin : undefined;
}

/** Why the real runtime cannot run here, or undefined when it can. */
export function ricMissing(major: RicMajor): string | undefined {
  const native = major === 3 ? path.join(RIC_DIR, 'aws-lambda-ric-3', 'dist', 'rapid-client.node') : path.join(RIC_DIR, 'aws-lambda-ric-4', 'rapid-client.node');
  return fs.existsSync(native) ? undefined : `aws-lambda-ric ${major}.x is not built (${native} missing): run bash scripts/ci/lambda.sh`;
}

export interface Outcome {
  /** `exited`: the runtime died before answering (an init failure, a crash): see its stderr. */
  kind: 'response' | 'error' | 'killed' | 'exited';
  body: string;
  /** The response was streamed (Lambda-Runtime-Function-Response-Mode: streaming). */
  streamed: boolean;
  headers: http.IncomingHttpHeaders;
  /** Date.now() when the outcome arrived (response complete, or the kill). */
  at: number;
}

export interface InvokeOptions {
  requestId?: string;
  timeoutMs?: number;
  traceId?: string;
  functionArn?: string;
}

interface Pending {
  id: string;
  event: unknown;
  deadline: number;
  options: InvokeOptions;
  resolve: (o: Outcome) => void;
  killTimer?: NodeJS.Timeout;
}

export interface FreezeRecord {
  /** Date.now() when the process was stopped. */
  at: number;
}

export class FakeRuntimeApi {
  private server!: http.Server;
  port = 0;
  child: ChildProcess | undefined;
  /** Removed on close (the runtime's entry file). */
  tempDir: string | undefined;
  readonly freezes: FreezeRecord[] = [];
  readonly initErrors: string[] = [];
  /** Date.now() when the runtime first asked for an event: the end of its init phase. */
  firstNextAt: number | undefined;
  /** Called just before the process is frozen (to snapshot what a receiver had by then). */
  onFreeze: (() => void) | undefined;
  /** Freeze the process when it waits for an event and none is queued (false: Lambda Managed Instances, which never freeze). */
  freeze = true;
  private queue: Pending[] = [];
  private waitingNext: http.ServerResponse | undefined;
  private current = new Map<string, Pending>();
  private frozen = false;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.route(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      this.firstNextAt ??= Date.now();
      this.waitingNext = res;
      this.dispatch();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (m) {
        const p = this.current.get(decodeURIComponent(m[1]!));
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"status":"OK"}');
        if (p) {
          this.current.delete(p.id);
          clearTimeout(p.killTimer);
          const streamed = req.headers['lambda-runtime-function-response-mode'] === 'streaming';
          const trailerError = req.trailers['lambda-runtime-function-error-type'];
          p.resolve({ kind: m[2] === 'error' || trailerError ? 'error' : 'response', body, streamed, headers: req.headers, at: Date.now() });
        }
        return;
      }
      if (url === '/2018-06-01/runtime/init/error') {
        this.initErrors.push(body);
        res.writeHead(202);
        res.end('{"status":"OK"}');
        return;
      }
      res.writeHead(404);
      res.end();
    });
  }

  /** Hands the next queued event to a waiting `/next`, or freezes the process when nothing is queued. */
  private dispatch(): void {
    const res = this.waitingNext;
    if (!res) return;
    const p = this.queue.shift();
    if (!p) {
      if (this.freeze && !this.frozen && this.child?.pid && this.child.exitCode === null) {
        this.frozen = true;
        this.onFreeze?.();
        this.freezes.push({ at: Date.now() });
        process.kill(this.child.pid, 'SIGSTOP');
      }
      return;
    }
    this.waitingNext = undefined;
    if (this.frozen && this.child?.pid) {
      this.frozen = false;
      process.kill(this.child.pid, 'SIGCONT');
    }
    this.current.set(p.id, p);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': p.id,
      'lambda-runtime-deadline-ms': String(p.deadline),
      'lambda-runtime-invoked-function-arn': p.options.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:wiretap-test',
    };
    if (p.options.traceId) headers['lambda-runtime-trace-id'] = p.options.traceId;
    res.writeHead(200, headers);
    res.end(JSON.stringify(p.event));
    // Like Lambda: the environment is killed at the deadline.
    p.killTimer = setTimeout(() => {
      if (!this.current.has(p.id)) return;
      this.current.delete(p.id);
      if (this.child?.pid && this.child.exitCode === null) {
        if (this.frozen) process.kill(this.child.pid, 'SIGCONT');
        this.child.kill('SIGKILL');
      }
      p.resolve({ kind: 'killed', body: '', streamed: false, headers: {}, at: Date.now() });
    }, Math.max(0, p.deadline - Date.now()));
  }

  /** The runtime process ended: every invocation still waiting gets `exited`. */
  childExited(): void {
    for (const p of [...this.queue, ...this.current.values()]) {
      clearTimeout(p.killTimer);
      p.resolve({ kind: 'exited', body: '', streamed: false, headers: {}, at: Date.now() });
    }
    this.queue = [];
    this.current.clear();
  }

  /** Queues one invocation; resolves with its response, error, or the kill at the deadline. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const id = options.requestId ?? randomUUID();
      this.queue.push({ id, event, options, deadline: Date.now() + (options.timeoutMs ?? 60_000), resolve });
      this.dispatch();
    });
  }

  /** Resolves once the process has been frozen `count` times in all. */
  async frozenTimes(count: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.freezes.length < count) {
      if (Date.now() > until) throw new Error(`the runtime did not ask for a next event ${count} times (stdout/stderr of the function tell why)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    const c = this.child;
    if (c?.pid && c.exitCode === null && c.signalCode === null) {
      if (this.frozen) process.kill(c.pid, 'SIGCONT');
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    }
    for (const p of this.current.values()) clearTimeout(p.killTimer);
    this.waitingNext?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}

export interface FunctionOptions {
  ric: RicMajor;
  node: string;
  taskRoot: string;
  handler: string;
  /** Function configuration (added to the managed runtime's own variables). */
  env?: Record<string, string>;
  /** Absolute path of an AWS_LAMBDA_EXEC_WRAPPER script. */
  execWrapper?: string;
  /** Preload wiretap with NODE_OPTIONS=--require <dist/register.js> (not with an exec wrapper). */
  preload?: boolean;
  /** false: never freeze (multi-concurrency, AWS_LAMBDA_MAX_CONCURRENCY, where invocations overlap). */
  freeze?: boolean;
}

export interface RunningFunction {
  api: FakeRuntimeApi;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Date.now() when the child was spawned. */
  spawnedAt: number;
  /** Everything the process wrote to stdout, once it has exited (what it wrote before a kill). */
  stdoutAfterExit(): Promise<string>;
}

/** The entry the managed runtime runs (`/var/runtime/index.mjs`), for one ric major. */
function entryFile(ric: RicMajor): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-ric-'));
  const file = path.join(dir, 'index.mjs');
  const src =
    ric === 3
      ? `import { run } from ${JSON.stringify(path.join(RIC_DIR, 'aws-lambda-ric-3', 'dist', 'index.mjs'))};\nawait run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);\n`
      : `import ${JSON.stringify(path.join(RIC_DIR, 'aws-lambda-ric-4', 'index.mjs'))};\n`;
  fs.writeFileSync(file, src);
  return file;
}

/** Starts the real runtime interface client for a function, the way the managed bootstrap does. */
export async function startFunction(options: FunctionOptions): Promise<RunningFunction> {
  const api = new FakeRuntimeApi();
  api.freeze = options.freeze ?? true;
  await api.start();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_LAMBDA_RUNTIME_API: api.address,
    _HANDLER: options.handler,
    LAMBDA_TASK_ROOT: options.taskRoot,
    LAMBDA_RUNTIME_DIR: path.dirname(RIC_DIR),
    AWS_LAMBDA_FUNCTION_NAME: 'wiretap-test',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/wiretap-test',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/01/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${options.ric === 3 ? 22 : 24}.x`,
    // Obviously fake role credentials: the tests check they never reach a span.
    AWS_ACCESS_KEY_ID: 'ASIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fakeSecretKeyfakeSecretKeyfakeSecretKey0',
    AWS_SESSION_TOKEN: 'FAKE-SESSION-TOKEN-wiretap-test-only',
    NODE_PATH: '/opt/nodejs/node_modules',
    ...options.env,
  };
  if (options.preload) env.NODE_OPTIONS = `--require ${path.join(REPO, 'dist', 'register.js')}`;
  if (options.execWrapper) env.AWS_LAMBDA_EXEC_WRAPPER = options.execWrapper;
  const entry = entryFile(options.ric);
  api.tempDir = path.dirname(entry);
  const nodeArgs = ['--expose-gc', '--max-http-header-size', '81920', entry];
  // The managed bootstrap: `exec $AWS_LAMBDA_EXEC_WRAPPER node <args> index.mjs` when a wrapper is set.
  const [cmd, args] = options.execWrapper ? [options.execWrapper, [options.node, ...nodeArgs]] : [options.node, nodeArgs];
  const child = spawn(cmd, args, { cwd: options.taskRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  api.child = child;
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const stdoutClosed = new Promise<void>((resolve) => child.stdout!.once('close', () => resolve()));
  child.once('exit', () => api.childExited());
  return { api, child, stdout: () => out, stderr: () => err, spawnedAt: Date.now(), stdoutAfterExit: async () => (await stdoutClosed, out) };
}

/** Spans in OTLP-JSON lines as they land in CloudWatch: any prefix before the first `{`, other lines skipped. */
export function spansFromLines(text: string): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('{"resourceSpans"');
    if (at < 0) continue;
    try {
      out.push(...flattenRequest(JSON.parse(line.slice(at))));
    } catch {
      /* not a whole JSON line */
    }
  }
  return out;
}
