// The one place the environment is read. Every module receives the slice of Config it needs.
// A bad value logs a warning and falls back to its default: a preload never throws.
import { ENV } from './env-names';
import { diag, type LogLevel } from '../diag/log';

export type CaptureBodies = 'all' | 'decoded' | 'off';
/** Which headers become `http.request.header.*` / `http.response.header.*` attributes. */
export type CaptureHeaders = 'all' | readonly string[];
export type ExporterName = 'file' | 'otlp' | 'console' | 'none';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface RedactionConfig {
  /** Extra body-key patterns (case-insensitive substrings or /regex/). */
  keys: string[];
  /** Extra header names to mask. */
  headers: string[];
  /** Exact paths per service, e.g. `dynamodb:Item.profile.S`, `stripe:metadata.internal_ref`. */
  paths: string[];
  /** Explicit opt-out of named default rules (documented as dangerous). */
  disableDefaults: string[];
}

export interface Config {
  enabled: boolean;
  exporters: ExporterName[];
  filePath: string;
  otlp: { protocol: OtlpProtocol };
  logLevel: LogLevel;
  decoderModules: string[];
  captureBodies: CaptureBodies;
  /**
   * Headers put on spans. The semantic conventions make header attributes opt-in, and they are most of a
   * span's size: none by default, a list of names, or `all`. Decoders still see every header.
   */
  captureHeaders: CaptureHeaders;
  maxBodyBytes: number;
  maxErrorBodyBytes: number;
  maxInflight: number;
  /** Inject W3C trace context (and service headers such as X-Amzn-Trace-Id) into outgoing requests. */
  propagate: boolean;
  /** SERVER spans for incoming HTTP requests, continuing an incoming traceparent. */
  serverSpans: boolean;
  redaction: RedactionConfig;
  /** Folder to write every exchange to as a fixture file (record mode), or undefined. */
  recordDir?: string;
  lambda?: LambdaConfig;
}

/** Lambda mode: set when the preload runs inside a Lambda environment (src/lambda). */
export interface LambdaConfig {
  functionName: string;
  functionVersion?: string;
  memoryMb?: number;
  logStreamName?: string;
  region?: string;
  /** `_HANDLER`, e.g. `index.handler` or `src/api/orders.handler`. */
  handler?: string;
  taskRoot?: string;
  /** `host:port` of the Runtime API: the runtime's own calls there are not recorded. */
  runtimeApi?: string;
  /** Longest wait for the per-invocation flush; undefined: a small fraction of the remaining time. */
  flushTimeoutMs?: number;
  /** The timeout watchdog fires this long before the deadline. */
  timeoutBufferMs: number;
  /** Load the SDK, exporters and decoders during init instead of in the first invocation. */
  eager: boolean;
}

export type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['none', 'error', 'warn', 'info', 'debug'];

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  diag.warn(`${name}=${raw} is not a boolean; using ${fallback}`);
  return fallback;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  diag.warn(`${name}=${raw} is not a whole number; using ${fallback}`);
  return fallback;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  diag.warn(`${name}=${env[name]} is not one of ${allowed.join('|')}; using ${fallback}`);
  return fallback;
}

function exporters(env: Env): ExporterName[] {
  const names = list(env[ENV.OTEL_TRACES_EXPORTER]?.toLowerCase());
  if (names.length === 0) return ['file'];
  const known: ExporterName[] = [];
  for (const n of names) {
    if (n === 'file' || n === 'otlp' || n === 'console' || n === 'none') known.push(n);
    else diag.warn(`${ENV.OTEL_TRACES_EXPORTER}: unknown exporter "${n}" ignored (supported: otlp, console, file, none)`);
  }
  if (known.includes('none')) return [];
  return known.length ? known : ['file'];
}

function otlpProtocol(env: Env): OtlpProtocol {
  const raw = (env[ENV.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL] ?? env[ENV.OTEL_EXPORTER_OTLP_PROTOCOL] ?? '').trim();
  if (raw === '' || raw === 'http/protobuf') return 'http/protobuf';
  if (raw === 'http/json') return 'http/json';
  diag.warn(`OTLP protocol "${raw}" is not supported by wiretap (grpc would add a large dependency); using http/protobuf`);
  return 'http/protobuf';
}

function captureHeaders(value: string | undefined): CaptureHeaders {
  const names = list(value?.toLowerCase());
  if (names.includes('all') || names.includes('*')) return 'all';
  return Object.freeze(names.filter((n) => n !== 'none'));
}

function lambdaConfig(env: Env): LambdaConfig | undefined {
  const functionName = env[ENV.AWS_LAMBDA_FUNCTION_NAME]?.trim();
  // Lambda mode needs a function name and a handler or task root (a plain script with the name set, e.g.
  // a local test of a function, gets it too); WIRETAP_LAMBDA=false turns it off.
  if (!functionName || !(env[ENV.LAMBDA_HANDLER] || env[ENV.LAMBDA_TASK_ROOT]) || !bool(env, ENV.WIRETAP_LAMBDA, true)) return undefined;
  const memory = Number(env[ENV.AWS_LAMBDA_FUNCTION_MEMORY_SIZE]);
  const flush = env[ENV.WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS]?.trim();
  return {
    functionName,
    functionVersion: env[ENV.AWS_LAMBDA_FUNCTION_VERSION] || undefined,
    memoryMb: Number.isFinite(memory) && memory > 0 ? memory : undefined,
    logStreamName: env[ENV.AWS_LAMBDA_LOG_STREAM_NAME] || undefined,
    region: env[ENV.AWS_REGION] || undefined,
    handler: env[ENV.LAMBDA_HANDLER] || undefined,
    taskRoot: env[ENV.LAMBDA_TASK_ROOT] || undefined,
    runtimeApi: env[ENV.AWS_LAMBDA_RUNTIME_API] || undefined,
    flushTimeoutMs: flush ? positiveInt(env, ENV.WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS, 0) : undefined,
    timeoutBufferMs: positiveInt(env, ENV.WIRETAP_LAMBDA_TIMEOUT_BUFFER_MS, 500),
    eager: bool(env, ENV.WIRETAP_LAMBDA_EAGER, true),
  };
}

/**
 * The X-Ray trace header of the current invocation. The runtime sets `_X_AMZN_TRACE_ID` anew for each
 * invocation (nodejs22.x); read here so that this file stays the only reader of the environment.
 */
export function lambdaTraceHeader(env: Env = process.env): string | undefined {
  return env[ENV.X_AMZN_TRACE_ID] || undefined;
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const logLevel = oneOf(env, ENV.WIRETAP_LOG_LEVEL, LOG_LEVELS, 'warn');
  const maxBodyBytes = positiveInt(env, ENV.WIRETAP_MAX_BODY_BYTES, 2048);
  const lambda = lambdaConfig(env);
  const config: Config = {
    enabled: !bool(env, ENV.OTEL_SDK_DISABLED, false) && !bool(env, ENV.WIRETAP_DISABLED, false),
    exporters: exporters(env),
    // In Lambda the default file is stdout: a file in /tmp is lost with the environment, stdout lands in
    // CloudWatch Logs as OTLP-JSON lines that `wiretap view` reads back (docs/design.md, Lambda mode).
    filePath: env[ENV.WIRETAP_FILE]?.trim() || (lambda ? '/dev/stdout' : 'wiretap-traces.jsonl'),
    otlp: { protocol: otlpProtocol(env) },
    logLevel,
    decoderModules: list(env[ENV.WIRETAP_DECODERS]),
    captureBodies: oneOf(env, ENV.WIRETAP_CAPTURE_BODIES, ['all', 'decoded', 'off'] as const, 'all'),
    captureHeaders: captureHeaders(env[ENV.WIRETAP_CAPTURE_HEADERS]),
    maxBodyBytes,
    maxErrorBodyBytes: Math.max(maxBodyBytes, positiveInt(env, ENV.WIRETAP_MAX_ERROR_BODY_BYTES, 8192)),
    maxInflight: positiveInt(env, ENV.WIRETAP_MAX_INFLIGHT, 10000),
    propagate: bool(env, ENV.WIRETAP_PROPAGATE, true),
    serverSpans: bool(env, ENV.WIRETAP_SERVER_SPANS, true),
    redaction: {
      keys: list(env[ENV.WIRETAP_REDACT_KEYS]),
      headers: list(env[ENV.WIRETAP_REDACT_HEADERS]).map((h) => h.toLowerCase()),
      paths: list(env[ENV.WIRETAP_REDACT_PATHS]),
      disableDefaults: list(env[ENV.WIRETAP_REDACT_DISABLE_DEFAULTS]),
    },
    recordDir: env[ENV.WIRETAP_RECORD]?.trim() || undefined,
    lambda,
  };
  return Object.freeze(config);
}
