// Where spans go. If the app registered its own global TracerProvider, wiretap's spans go through it and
// wiretap adds no second provider. Otherwise wiretap keeps a private SDK provider (never registered
// globally, so an app that registers one later still can) with its export queues.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trace, type Attributes, type AttributeValue, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { BasicTracerProvider, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';
import type { Config, Env } from '../config/load';
import type { ExportQueueProcessor, Queued, QueueOptions, RetryStore } from '../exporters/queue';
import type { Redactor } from '../redaction/redactor';
import { diag } from '../diag/log';

export const TRACER_NAME = 'wiretap';
export const VERSION: string = readVersion();

function readVersion(): string {
  try {
    // dist/spans/tracing.js → the package's own package.json
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0'; // compiled somewhere else (a test build): the version is only a label
  }
}

function numberFromEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (Number.isFinite(n) && n > 0) return n;
  diag.warn(`${name}=${raw} is not a positive number; using ${fallback}`);
  return fallback;
}

export function queueOptions(env: Env): QueueOptions {
  const maxQueueSize = numberFromEnv(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048);
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(maxQueueSize, numberFromEnv(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512)),
    scheduledDelayMillis: numberFromEnv(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
    exportTimeoutMillis: numberFromEnv(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30000),
  };
}

/** The app's package.json name, found from the entry script upwards, then from the working directory. */
export function packageName(): string | undefined {
  const starts = [process.argv[1] ? path.dirname(path.resolve(process.argv[1])) : undefined, process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (let i = 0; dir && i < 32; i++) {
      const file = path.join(dir, 'package.json');
      try {
        const name = (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name;
        if (typeof name === 'string' && name) return name;
      } catch {
        /* no package.json here */
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

export function buildResource(env: Env, lambda?: Config['lambda']): Resource {
  // Loaded with the provider, on the first span: a process that makes no call never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultResource, detectResources, envDetector, processDetector, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  let resource = defaultResource();
  const name = packageName();
  if (name) resource = resource.merge(resourceFromAttributes({ 'service.name': name }));
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the package name.
  resource = resource.merge(detectResources({ detectors: [processDetector, envDetector] }));
  if (env.OTEL_SERVICE_NAME) resource = resource.merge(resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME }));
  if (lambda) {
    // The function is the service unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise.
    const attrs: Record<string, string | number> = { 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda', 'faas.name': lambda.functionName };
    if (lambda.region) attrs['cloud.region'] = lambda.region;
    if (lambda.functionVersion) attrs['faas.version'] = lambda.functionVersion;
    if (lambda.logStreamName) attrs['faas.instance'] = lambda.logStreamName;
    if (lambda.memoryMb) attrs['faas.max_memory'] = lambda.memoryMb * 1024 * 1024; // bytes, as the convention says
    if (!env.OTEL_SERVICE_NAME && !/(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')) attrs['service.name'] = lambda.functionName;
    resource = resource.merge(resourceFromAttributes(attrs));
  }
  return resource;
}

/** A command-line argument that names an option: `--api-key`, `-p`, `--api-key=…`, `API_KEY=…`. */
const OPTION = /^(-{1,2}[^=\s]+|[A-Za-z_][\w.-]*)=([\s\S]*)$/;
const FLAG = /^-{1,2}([^=\s]+)$/;

/**
 * Command-line arguments with secrets masked by the redactor's own rules: the key rules on
 * `--name=value`, `--name value` and `NAME=value`, and the value detectors on every argument.
 */
export function redactArgs(args: readonly string[], redactor: Redactor): string[] {
  const out: string[] = [];
  let maskNext = false;
  for (const arg of args) {
    if (maskNext) {
      maskNext = false;
      if (!arg.startsWith('-')) {
        out.push(REDACTED_VALUE);
        continue;
      }
    }
    const option = OPTION.exec(arg);
    if (option) {
      const name = option[1]!.replace(/^-+/, '');
      out.push(`${option[1]}=${redactor.isSensitiveKey(name) ? REDACTED_VALUE : redactor.text(option[2]!)}`);
      continue;
    }
    const flag = FLAG.exec(arg);
    if (flag && redactor.isSensitiveKey(flag[1]!)) maskNext = true;
    out.push(redactor.text(arg));
  }
  return out;
}

const REDACTED_VALUE = '[REDACTED]';
const COMMAND_ARGS = 'process.command_args';
const COMMAND_LINE = 'process.command_line';

/** Resource attributes through the same redaction as everything else (the command line above all). */
export function redactResourceAttributes(attributes: Attributes, redactor: Redactor): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (key === COMMAND_ARGS && Array.isArray(value)) out[key] = redactArgs(value.map(String), redactor);
    else if (key === COMMAND_LINE && typeof value === 'string') out[key] = redactArgs(value.split(' '), redactor).join(' ');
    else if (redactor.isSensitiveKey(key)) out[key] = REDACTED_VALUE;
    else out[key] = redactValue(value, redactor);
  }
  return out;
}

function redactValue(value: AttributeValue, redactor: Redactor): AttributeValue {
  if (typeof value === 'string') return redactor.text(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? redactor.text(v) : v)) as AttributeValue;
  return value;
}

/**
 * The resource every signal of wiretap's own carries: detected, then redacted (command-line secrets) by the
 * redactor given, the agent's own (one redactor per process, with the same rules for everything).
 */
export function wiretapResource(env: Env, config: Config, redactor: Redactor): Resource {
  const resource = buildResource(env, config.lambda);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  return resourceFromAttributes(redactResourceAttributes(resource.attributes, redactor), { schemaUrl: resource.schemaUrl });
}

/** True when the app (or another agent) registered a real global TracerProvider. */
function appProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const delegate = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
  if (!delegate || delegate.constructor?.name === 'NoopTracerProvider') return undefined;
  return global;
}

export interface TracingOptions {
  /** The agent's resource (shared with metrics and logs); by default one of this instance's own. */
  resource?: () => Resource;
  /** Lambda mode: each export queue keeps its failed batches here for the next flush. */
  retryStore?: () => RetryStore<Queued>;
}

export class Tracing {
  private own: BasicTracerProvider | undefined;
  private ownTracer: Tracer | undefined;
  private appTracer: Tracer | undefined;
  private appTracerOf: TracerProvider | undefined;
  readonly processors: ExportQueueProcessor[] = [];

  constructor(
    private readonly config: Config,
    private readonly env: Env,
    private readonly options: TracingOptions = {},
  ) {}

  /** The provider wiretap's spans use now: the app's global one if registered, else wiretap's own. */
  provider(): TracerProvider {
    return appProvider() ?? this.lazyOwn;
  }

  // Instrumentations ask for a tracer when they are enabled, at preload: hand out one that builds the
  // SDK provider on its first span, so a process that never makes a call never loads the SDK.
  private readonly lazyOwn: TracerProvider = {
    getTracer: (name, version, options) => {
      let tracer: Tracer | undefined;
      const real = () => (tracer ??= this.ownProvider().getTracer(name, version, options));
      return {
        startSpan: (...args: Parameters<Tracer['startSpan']>) => real().startSpan(...args),
        startActiveSpan: ((...args: unknown[]) => (real().startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'],
      };
    },
  };

  ownProvider(): BasicTracerProvider {
    if (!this.own) {
      // The SDK, the exporters and their serializers load on the first span, not at preload (start-up time).
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
      const { createExporters } = require('../exporters') as typeof import('../exporters');
      const { ExportQueueProcessor } = require('../exporters/queue') as typeof import('../exporters/queue');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const options = queueOptions(this.env);
      for (const exporter of createExporters(this.config, this.env)) this.processors.push(new ExportQueueProcessor(exporter, { ...options, retry: this.options.retryStore?.() }));
      const resource = this.options.resource?.() ?? wiretapResource(this.env, this.config, (require('../redaction/redact') as typeof import('../redaction/redact')).createRedactor(this.config.redaction));
      this.own = new BasicTracerProvider({ resource, spanProcessors: this.processors });
    }
    return this.own;
  }

  readonly tracer = (): Tracer => {
    const app = appProvider();
    if (app) {
      if (this.appTracerOf !== app) {
        this.appTracer = app.getTracer(TRACER_NAME, VERSION);
        this.appTracerOf = app;
      }
      return this.appTracer!;
    }
    return (this.ownTracer ??= this.leanTracer(this.ownProvider().getTracer(TRACER_NAME, VERSION)));
  };

  /**
   * wiretap's own span record on the SDK tracer's settings (sampler, limits, ids, resource, scope), or the
   * SDK tracer itself where this SDK version keeps them elsewhere. Why: docs/design.md ("The span record").
   */
  private leanTracer(sdk: Tracer): Tracer {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OwnTracer, partsOf } = require('./own-span') as typeof import('./own-span');
    const parts = partsOf(sdk, this.processors);
    return parts ? new OwnTracer(parts) : sdk;
  }

  get pending(): number {
    return this.processors.reduce((n, p) => n + p.pending, 0);
  }

  /** Spans whose export failed and that wait for the next flush (Lambda mode). */
  get retrying(): number {
    return this.processors.reduce((n, p) => n + p.retrying, 0);
  }

  /** Writes queued spans synchronously where the exporter can (exit path); `final`: the process ends now. */
  flushSync(final = false): void {
    for (const p of this.processors) p.flushSync(final);
  }

  /** At the natural end (beforeExit): queued spans go out asynchronously where that is cheaper (OTLP). */
  flushAtNaturalEnd(): void {
    for (const p of this.processors) p.flushAtNaturalEnd();
  }

  /** At the natural end: a bounded wait for exports already in flight (true if any waits). */
  holdForInflightExport(): boolean {
    let holding = false;
    for (const p of this.processors) holding = p.holdForInflightExport() || holding;
    return holding;
  }

  /**
   * Hands span snapshots (the Lambda watchdog's partial records of spans still running) to wiretap's own
   * export queues, as if they had ended. Not possible through an app's own provider: skipped there.
   */
  exportPartial(spans: ReadableSpan[]): void {
    if (appProvider()) return;
    for (const s of spans) for (const p of this.processors) p.onEnd(s);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
    const app = appProvider() as (TracerProvider & { forceFlush?: () => Promise<void> }) | undefined;
    if (app?.forceFlush) await app.forceFlush();
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}
