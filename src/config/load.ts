// The one place the environment is read. Every module receives the slice of Config it needs.
// A bad value logs a warning and falls back to its default: a preload never throws.
import { ENV } from './env-names';
import { diag, setLogLevel, type LogLevel } from '../diag/log';

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

/** The app's log lines: correlation ids in JSON logger records, and (opt-in) capture as OTel log records. */
export interface LogsConfig {
  /** Add `trace_id`/`span_id`/`trace_flags` to pino, winston and bunyan records (never to plain text). */
  correlation: boolean;
  /** Capture log lines (console, stdout/stderr writes, pino/winston/bunyan) as log records. */
  capture: boolean;
  exporters: ExporterName[];
  otlpProtocol: OtlpProtocol;
  /** Longest body kept per record (UTF-8 bytes); the rest is cut and marked. */
  maxRecordBytes: number;
  /** Records kept per trace; beyond that a transaction's lines are dropped and counted. */
  maxPerTrace: number;
  queue: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMillis: number; exportTimeoutMillis: number };
}

export type MetricsExporterName = 'otlp' | 'console' | 'file' | 'emf';

export interface MetricsConfig {
  /** Empty: metrics off (unless the app registered its own global MeterProvider and no `none` was asked for). */
  exporters: MetricsExporterName[];
  /** OTEL_METRICS_EXPORTER=none: never record, even into the app's MeterProvider. */
  disabled: boolean;
  intervalMs: number;
  temporality: 'delta' | 'cumulative';
  otlpProtocol: OtlpProtocol;
  /** Explicit bucket bounds in seconds (WIRETAP_METRICS_BUCKETS); exponential histograms when undefined. */
  buckets?: number[];
  cardinalityLimit: number;
  /** The opt-in `url.template` attribute from the Stripe/Algolia route tables. */
  urlTemplate: boolean;
  emfNamespace: string;
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
  logs: LogsConfig;
  metrics: MetricsConfig;
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
  /**
   * What of the first call's work happens in init, right after the handler loads: `all` (load and build
   * the SDK provider, exporters, decoders and redactor), `compile` (only load wiretap's code, which V8
   * compiles; the objects are built by the first invocation) or `none` (everything on the first call).
   */
  initLoad: 'all' | 'compile' | 'none';
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

function exporters(env: Env, variable: string = ENV.OTEL_TRACES_EXPORTER, fallback: ExporterName[] = ['file']): ExporterName[] {
  const names = list(env[variable]?.toLowerCase());
  if (names.length === 0) return fallback;
  const known: ExporterName[] = [];
  for (const n of names) {
    if (n === 'file' || n === 'otlp' || n === 'console' || n === 'none') known.push(n);
    else diag.warn(`${variable}: unknown exporter "${n}" ignored (supported: otlp, console, file, none)`);
  }
  if (known.includes('none')) return [];
  return known.length ? known : fallback;
}

function logsConfig(env: Env, traceExporters: ExporterName[], traceProtocol: OtlpProtocol): LogsConfig {
  const rawProtocol = env[ENV.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL]?.trim();
  const maxQueueSize = positiveInt(env, ENV.OTEL_BLRP_MAX_QUEUE_SIZE, 2048) || 2048;
  return {
    correlation: bool(env, ENV.WIRETAP_LOG_CORRELATION, true),
    capture: bool(env, ENV.WIRETAP_CAPTURE_LOGS, false),
    // Unset: the logs go where the traces go, so one file holds a transaction's spans and its lines.
    exporters: exporters(env, ENV.OTEL_LOGS_EXPORTER, traceExporters),
    otlpProtocol: rawProtocol === 'http/json' ? 'http/json' : rawProtocol === 'http/protobuf' ? 'http/protobuf' : traceProtocol,
    maxRecordBytes: positiveInt(env, ENV.WIRETAP_MAX_LOG_BYTES, 4096) || 4096,
    maxPerTrace: positiveInt(env, ENV.WIRETAP_MAX_LOGS_PER_TRACE, 1000),
    queue: {
      maxQueueSize,
      maxExportBatchSize: Math.min(maxQueueSize, positiveInt(env, ENV.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, 512) || 512),
      scheduledDelayMillis: positiveInt(env, ENV.OTEL_BLRP_SCHEDULE_DELAY, 1000) || 1000,
      exportTimeoutMillis: positiveInt(env, ENV.OTEL_BLRP_EXPORT_TIMEOUT, 30000) || 30000,
    },
  };
}

function otlpProtocol(env: Env, signalVariable: string = ENV.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL): OtlpProtocol {
  const raw = (env[signalVariable] ?? env[ENV.OTEL_EXPORTER_OTLP_PROTOCOL] ?? '').trim();
  if (raw === '' || raw === 'http/protobuf') return 'http/protobuf';
  if (raw === 'http/json') return 'http/json';
  diag.warn(`OTLP protocol "${raw}" is not supported by wiretap (grpc would add a large dependency); using http/protobuf`);
  return 'http/protobuf';
}

function metricsExporters(env: Env): { exporters: MetricsExporterName[]; disabled: boolean } {
  const names = list(env[ENV.OTEL_METRICS_EXPORTER]?.toLowerCase());
  if (names.includes('none')) return { exporters: [], disabled: true };
  const known: MetricsExporterName[] = [];
  for (const n of names) {
    if (n === 'otlp' || n === 'console' || n === 'file' || n === 'emf') known.push(n);
    else diag.warn(`${ENV.OTEL_METRICS_EXPORTER}: unknown exporter "${n}" ignored (supported: otlp, console, file, emf, none)`);
  }
  return { exporters: known, disabled: false };
}

function metricsTemporality(env: Env): 'delta' | 'cumulative' {
  const inLambda = !!env[ENV.AWS_LAMBDA_FUNCTION_NAME]?.trim();
  const fallback = inLambda ? 'delta' : 'cumulative';
  // lowmemory is delta for synchronous counters and histograms, which is all wiretap records.
  const v = oneOf(env, ENV.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, ['cumulative', 'delta', 'lowmemory'] as const, fallback);
  return v === 'cumulative' ? 'cumulative' : 'delta';
}

function bucketBounds(env: Env): number[] | undefined {
  const raw = list(env[ENV.WIRETAP_METRICS_BUCKETS]);
  if (raw.length === 0) return undefined;
  const bounds = raw.map(Number);
  if (bounds.every((b, i) => Number.isFinite(b) && b >= 0 && (i === 0 || b > bounds[i - 1]))) return bounds;
  diag.warn(`${ENV.WIRETAP_METRICS_BUCKETS}=${env[ENV.WIRETAP_METRICS_BUCKETS]} is not an increasing list of seconds; using exponential histograms`);
  return undefined;
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
    initLoad: initLoad(env),
  };
}

/**
 * WIRETAP_LAMBDA_EAGER=true: everything in init, =false: nothing. Unset: everything where init runs before
 * any request waits for it (provisioned concurrency, SnapStart); on demand, where a cold request waits for
 * init and the first invocation alike, only the loading, so that init stays close to the function's own.
 */
function initLoad(env: Env): LambdaConfig['initLoad'] {
  const raw = env[ENV.WIRETAP_LAMBDA_EAGER];
  if (raw !== undefined && raw.trim() !== '') return bool(env, ENV.WIRETAP_LAMBDA_EAGER, true) ? 'all' : 'none';
  const type = env[ENV.AWS_LAMBDA_INITIALIZATION_TYPE];
  return type === 'provisioned-concurrency' || type === 'snap-start' ? 'all' : 'compile';
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
  // The diagnostic log has no environment of its own: its level is set here, so the warnings below follow it.
  setLogLevel(logLevel);
  const maxBodyBytes = positiveInt(env, ENV.WIRETAP_MAX_BODY_BYTES, 2048);
  const lambda = lambdaConfig(env);
  const traceExporters = exporters(env);
  const config: Config = {
    enabled: !bool(env, ENV.OTEL_SDK_DISABLED, false) && !bool(env, ENV.WIRETAP_DISABLED, false),
    exporters: traceExporters,
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
    logs: logsConfig(env, traceExporters, otlpProtocol(env)),
    metrics: {
      ...metricsExporters(env),
      intervalMs: Math.max(1, positiveInt(env, ENV.OTEL_METRIC_EXPORT_INTERVAL, 60000)),
      temporality: metricsTemporality(env),
      otlpProtocol: otlpProtocol(env, ENV.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL),
      buckets: bucketBounds(env),
      cardinalityLimit: Math.max(1, positiveInt(env, ENV.WIRETAP_METRICS_CARDINALITY_LIMIT, 2000)),
      urlTemplate: bool(env, ENV.WIRETAP_METRICS_URL_TEMPLATE, false),
      emfNamespace: env[ENV.WIRETAP_METRICS_EMF_NAMESPACE]?.trim() || 'wiretap',
    },
    lambda,
  };
  return Object.freeze(config);
}

/** What the `wiretap` CLI takes from the environment: the default trace file and terminal conventions. */
export interface CliEnv {
  traceFile: string;
  /** NO_COLOR set to anything non-empty (no-color.org). */
  noColor: boolean;
  /** FORCE_COLOR set and not "0"/"false" (force-color.org); NO_COLOR wins. */
  forceColor: boolean;
  /** COLUMNS, when a positive integer. */
  columns?: number;
}

export function loadCliEnv(env: Env = process.env): CliEnv {
  const force = env[ENV.FORCE_COLOR];
  const columns = Number(env[ENV.COLUMNS]);
  return {
    traceFile: env[ENV.WIRETAP_FILE]?.trim() || 'wiretap-traces.jsonl',
    noColor: !!env[ENV.NO_COLOR],
    forceColor: force !== undefined && force !== '0' && force.toLowerCase() !== 'false',
    ...(Number.isInteger(columns) && columns > 0 ? { columns } : {}),
  };
}
