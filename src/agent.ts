// The only module that knows both transports and services: it wires interceptors → pipeline → decoders
// → redactor → spans → exporters, and the exit hooks.
//
// Start-up is kept small: the preload installs the interceptors and exit hooks only. The OpenTelemetry
// API, the decoders, the redactor and the SDK load on the first outgoing call; the server-span
// instrumentation on the first server that listens. A process that makes no call pays almost nothing.
import * as path from 'node:path';
import http = require('node:http');
import https = require('node:https');
import { lambdaTraceHeader, type Config, type Env } from './config/load';
import type { DecoderRegistry } from './decoders/registry';
import type { Decoder } from './decoders/decoder';
import { interceptors } from './interceptors';
import type { Pipeline } from './spans/pipeline';
import type { Tracing } from './spans/tracing';
import { installExitHooks } from './lifecycle/exit';
import { diag, describe, setLogLevel } from './diag/log';
import type { Exchange, RequestHead } from './exchange/types';
import type { SpanDescription } from './spans/describe';
import type { Recorder } from './interceptors/interceptor';
import type { Redactor } from './redaction/redactor';
import type { Logs, ActiveIds } from './logs';
import type { Metrics } from './metrics';
import type { LambdaHost } from './lambda/invocation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';
import type { EnterContext } from './spans/server';

/* eslint-disable @typescript-eslint/no-require-imports */

export interface Agent {
  readonly config: Readonly<Config>;
  readonly registry: DecoderRegistry;
  readonly pipeline: Pipeline;
  readonly tracing: Tracing;
  /** Client-call metrics, once the first call made them (undefined when metrics are off). */
  readonly metrics: Metrics | undefined;
  registerDecoder(decoder: Decoder): void;
  flush(): Promise<void>;
  /**
   * The end of a Lambda invocation: delivers every finished span (and, later, metrics and logs), waiting
   * at most `waitMs`. Resolves to how many spans were not delivered in time; never rejects.
   */
  flushInvocation(waitMs: number): Promise<number>;
  /** Lambda mode (config.lambda): what the invocation wrapper needs; undefined outside Lambda. */
  readonly lambda: LambdaHost | undefined;
  stop(): Promise<void>;
}

function loadUserDecoders(registry: DecoderRegistry, modules: readonly string[]): void {
  for (const spec of modules) {
    try {
      const resolved = spec.startsWith('.') || spec.startsWith('/') ? path.resolve(spec) : require.resolve(spec, { paths: [process.cwd()] });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(resolved) as { default?: unknown; decoders?: unknown } | unknown;
      const m = mod as { default?: unknown; decoders?: unknown };
      const found = [m.default ?? mod].flat().concat(Array.isArray(m.decoders) ? m.decoders : []);
      let n = 0;
      for (const d of found) {
        if (d && typeof d === 'object' && 'match' in d && 'decode' in d) {
          registry.register(d as Decoder);
          n++;
        }
      }
      if (n === 0) diag.warn(`WIRETAP_DECODERS: ${spec} exports no decoder (an object with name, match and decode)`);
    } catch (err) {
      diag.warn(`WIRETAP_DECODERS: could not load ${spec}: ${describe(err)}`);
    }
  }
}

/** SERVER spans for incoming requests, continuing an incoming traceparent (src/spans/server.ts). */
function startServerSpans(tracing: Tracing, enter: EnterContext | undefined): import('./spans/server').ServerSpans | undefined {
  try {
    const { propagation } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
    const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
    // Only if the app has none yet; an app that registers its own later is refused by the API (logged there).
    if (propagation.fields().length === 0) {
      propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    }
    const server = require('./spans/server') as typeof import('./spans/server');
    return server.startServerSpans(tracing.tracer, enter);
  } catch (err) {
    diag.warn(`server spans unavailable: ${describe(err)}`);
    return undefined;
  }
}

/**
 * Registers wiretap's context manager unless the app registered one. Returns how to enter a context
 * without a wrapper frame (AsyncLocalStorage.enterWith), or undefined when the app's manager is in charge.
 */
function ensureContextManager(): EnterContext | undefined {
  const { context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const manager = new AsyncLocalStorageContextManager();
  // Returns false (and changes nothing) when the app registered one already.
  if (!context.setGlobalContextManager(manager.enable())) return undefined;
  const storage = (manager as unknown as { _asyncLocalStorage?: { enterWith?: (ctx: unknown) => void } })._asyncLocalStorage;
  return typeof storage?.enterWith === 'function' ? (ctx) => storage.enterWith!(ctx) : undefined;
}

/** Runs `fn` the first time any http(s) server starts listening, then gets out of the way. */
function onFirstListen(fn: () => void): () => void {
  const protos = [http.Server.prototype, https.Server.prototype] as unknown as Record<string, (...args: unknown[]) => unknown>[];
  const saved = protos.map((p) => (Object.prototype.hasOwnProperty.call(p, 'listen') ? p.listen : undefined));
  let done = false;
  const restore = () => {
    protos.forEach((p, i) => {
      if (saved[i]) p.listen = saved[i]!;
      else delete p.listen;
    });
  };
  for (const proto of protos) {
    const inherited = proto.listen;
    proto.listen = function listen(this: unknown, ...args: unknown[]) {
      if (!done) {
        done = true;
        restore();
        try {
          fn();
        } catch (err) {
          diag.once('warn', 'first-listen', `server spans not started: ${describe(err)}`);
        }
      }
      return inherited.apply(this, args);
    };
  }
  return () => {
    if (!done) restore();
  };
}

/** The Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`, host:port): any path there is the runtime's own. */
function runtimeApiTarget(config: Readonly<Config>): { host: string; port: number }[] {
  const api = config.lambda?.runtimeApi;
  if (!api) return [];
  const colon = api.lastIndexOf(':');
  const port = colon > 0 ? Number(api.slice(colon + 1)) : 80;
  return Number.isFinite(port) ? [{ host: (colon > 0 ? api.slice(0, colon) : api).toLowerCase(), port }] : [];
}

export function createAgent(config: Readonly<Config>, env: Env = process.env): Agent {
  setLogLevel(config.logLevel);
  const pendingDecoders: Decoder[] = [];
  let registry: DecoderRegistry | undefined;
  let tracing: Tracing | undefined;
  let pipeline: Pipeline | undefined;
  let serverSpans: import('./spans/server').ServerSpans | undefined;
  let metrics: Metrics | undefined;
  let contextManagerReady = false;
  let redactor: Redactor | undefined;
  let logs: Logs | undefined;

  const getRedactor = (): Redactor => {
    if (!redactor) {
      const { createRedactor } = require('./redaction/redact') as typeof import('./redaction/redact');
      redactor = createRedactor(config.redaction);
    }
    return redactor;
  };
  let resource: Resource | undefined;
  // One resource for spans, metrics and logs, redacted by the agent's redactor; built (and with it the
  // OpenTelemetry API loaded) on the first export, not at preload.
  const getResource = (): Resource =>
    (resource ??= (require('./spans/tracing') as typeof import('./spans/tracing')).wiretapResource(env, config, getRedactor()));
  let enterContext: EnterContext | undefined;

  const getRegistry = (): DecoderRegistry => {
    if (!registry) {
      const { DecoderRegistry } = require('./decoders/registry') as typeof import('./decoders/registry');
      const { builtInDecoders } = require('./decoders') as typeof import('./decoders');
      registry = new DecoderRegistry(builtInDecoders);
      loadUserDecoders(registry, config.decoderModules);
      for (const d of pendingDecoders.splice(0)) registry.register(d);
    }
    return registry;
  };
  const getTracing = (): Tracing => {
    if (!tracing) {
      const { Tracing } = require('./spans/tracing') as typeof import('./spans/tracing');
      let retryStore: (() => import('./exporters/queue').RetryStore<import('./exporters/queue').Queued>) | undefined;
      if (config.lambda) {
        // Lambda: failed batches wait (bounded) for the next invocation's flush instead of being dropped.
        const { RetryBuffer } = require('./lambda/retry') as typeof import('./lambda/retry');
        retryStore = () => new RetryBuffer((q) => ('bytes' in q ? q.bytes.length : 1024));
      }
      tracing = new Tracing(config, env, { retryStore, resource: getResource });
    }
    return tracing;
  };
  const readyContext = () => {
    if (contextManagerReady) return;
    contextManagerReady = true;
    enterContext = ensureContextManager();
  };
  const getPipeline = (): Pipeline => {
    if (!pipeline) {
      readyContext();
      const { Pipeline } = require('./spans/pipeline') as typeof import('./spans/pipeline');
      const redactor = getRedactor();
      let onExchange: ((x: Exchange, d: SpanDescription) => void) | undefined;
      if (config.recordDir) {
        try {
          const { createExchangeRecorder } = require('./fixture/record') as { createExchangeRecorder: (dir: string, r: typeof redactor) => typeof onExchange };
          onExchange = createExchangeRecorder(config.recordDir, redactor);
        } catch (err) {
          diag.warn(`record mode unavailable: ${describe(err)}`);
        }
      }
      const t = getTracing();
      // In Lambda the runtime's own calls to the Runtime API (responses, streamed responses) are not the app's.
      // Required here, not imported: the OTLP exporter's module (child_process, zlib) stays out of the preload.
      const { exportTargets } = require('./exporters/targets') as typeof import('./exporters/targets');
      let ignore = [...exportTargets(config, env), ...runtimeApiTarget(config)];
      // Off unless exporters are set or the app has a MeterProvider: then nothing of src/metrics loads.
      const { appMeterProvider } = require('./metrics/app-provider') as typeof import('./metrics/app-provider');
      if (!config.metrics.disabled && (config.metrics.exporters.length > 0 || appMeterProvider())) {
        try {
          const m = require('./metrics') as typeof import('./metrics');
          metrics = m.createMetrics(config.metrics, config.filePath, env, getResource);
          ignore = ignore.concat(m.metricsExportTargets(config.metrics, env));
        } catch (err) {
          diag.warn(`metrics unavailable: ${describe(err)}`);
        }
      }
      pipeline = new Pipeline({ config, registry: getRegistry(), redactor, tracer: t.tracer, onExchange, ignore, onEnd: metrics?.onEnd });
    }
    return pipeline;
  };
  const flushInvocation = async (waitMs: number): Promise<number> => {
    if (!tracing && !metrics && !logs?.pending) return 0;
    let timer: NodeJS.Timeout | undefined;
    // Spans, the invocation's metrics (delta) and its log lines, all before the result goes back.
    const flushed = Promise.all([tracing?.forceFlush(), metrics?.collectAndExport(), logs?.flush()]).then(
      () => true,
      () => true,
    );
    // Not unref'd: the runtime waits for this promise; cleared right after, so no timer survives into the freeze.
    const waited = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
    const ok = await Promise.race([flushed, waited]);
    clearTimeout(timer);
    // Not delivered: what is still queued when the wait ran out, plus what failed and waits for the next flush.
    return (ok ? 0 : Math.max(1, tracing?.pending ?? 0)) + (tracing?.retrying ?? 0);
  };
  let coldstart = true;
  const lambdaHost: LambdaHost | undefined = config.lambda
    ? {
        config,
        tracer: () => {
          readyContext();
          return getTracing().tracer();
        },
        redactor: getRedactor,
        flushInvocation,
        flushSync: () => {
          tracing?.flushSync();
          metrics?.flushSync();
          logs?.flushSync();
        },
        reportTimeout: (partials: ReadableSpan[], traceId?: string) => {
          let n = 0;
          if (pipeline) {
            const { ATTR_WIRETAP_INCOMPLETE_REASON } = require('./semconv') as typeof import('./semconv');
            // With other invocations in flight (multi-concurrency), only this invocation's calls.
            const mine = traceId ? (r: { span: { spanContext(): { traceId: string } } }) => r.span.spanContext().traceId === traceId : () => true;
            for (const r of pipeline.inflight) if (mine(r)) r.span.setAttribute(ATTR_WIRETAP_INCOMPLETE_REASON, 'timeout');
            n = pipeline.reportInflight('timeout', mine);
          }
          getTracing().exportPartial(partials);
          getTracing().flushSync();
          // What the function measured and logged up to the timeout goes out with its partial trace.
          metrics?.flushSync();
          logs?.flushSync();
          return n;
        },
        traceHeader: () => lambdaTraceHeader(env),
        takeColdstart: () => {
          const first = coldstart;
          coldstart = false;
          return first;
        },
      }
    : undefined;
  const start = (head: RequestHead, previousHop?: unknown): Recorder | undefined => getPipeline().start(head, previousHop);

  // The span active now, for log lines. Nothing is loaded for it: until wiretap or the app has loaded the
  // OpenTelemetry API and a context manager, no span can be active.
  let api: typeof import('@opentelemetry/api') | undefined;
  const activeIds: ActiveIds = () => {
    if (!api) {
      if (!contextManagerReady && !(globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')]) return undefined;
      api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
    }
    const sc = api.trace.getSpanContext(api.context.active());
    return sc && api.isSpanContextValid(sc) ? { traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags } : undefined;
  };
  const undo: (() => void)[] = [];

  const agent: Agent = {
    config,
    get registry() {
      return getRegistry();
    },
    get pipeline() {
      return getPipeline();
    },
    get tracing() {
      return getTracing();
    },
    get metrics() {
      return metrics;
    },
    registerDecoder: (d) => {
      if (registry) registry.register(d);
      else pendingDecoders.push(d);
    },
    flush: async () => {
      await metrics?.collectAndExport();
      await Promise.all([tracing?.forceFlush(), logs?.flush()]);
    },
    flushInvocation,
    lambda: lambdaHost,
    async stop() {
      for (const u of undo.splice(0).reverse()) {
        try {
          u();
        } catch {
          /* best effort */
        }
      }
      pipeline?.reportInflight('shutdown');
      logs?.flushSync();
      logs?.stop();
      await metrics?.shutdown();
      await tracing?.shutdown();
    },
  };

  if (!config.enabled) return agent;
  if (config.serverSpans) {
    undo.push(
      onFirstListen(() => {
        readyContext();
        serverSpans = startServerSpans(getTracing(), enterContext);
        if (serverSpans) undo.push(serverSpans.stop);
      }),
    );
  }
  try {
    const { startLogs } = require('./logs') as typeof import('./logs');
    logs = startLogs(config, env, { activeIds, resource: getResource, redactor: getRedactor });
  } catch (err) {
    diag.warn(`log correlation unavailable: ${describe(err)}`);
  }
  for (const interceptor of interceptors) {
    try {
      undo.push(interceptor.install(start));
    } catch (err) {
      diag.warn(`interceptor ${interceptor.name} not installed: ${describe(err)}`);
    }
  }
  if (config.lambda && lambdaHost) {
    try {
      const { installHandlerHooks } = require('./lambda/hooks') as typeof import('./lambda/hooks');
      const { wrapLambdaHandler } = require('./lambda/wrap') as typeof import('./lambda/wrap');
      // Right after the runtime has loaded the handler, still in init, load what the first call would load,
      // and (initLoad 'all') build it: SDK provider, exporters, decoders, redactor (see LambdaConfig.initLoad).
      // Synchronously there: ric 4.x blocks the event loop in its native wait for the first event.
      let warmed = config.lambda.initLoad === 'none';
      const warmUp = () => {
        if (warmed || !config.lambda) return;
        warmed = true;
        try {
          if (config.lambda.initLoad === 'all') {
            getPipeline();
            getTracing().tracer();
            require('./lambda/invocation');
          } else {
            // Two modules the first invocation needs and that build nothing: bundled, each loads (and V8
            // compiles) the whole bundle it is part of, the runtime's and Lambda mode's.
            require('./exporters/targets');
            require('./lambda/retry');
          }
        } catch (err) {
          diag.debug(`Lambda warm-up: ${describe(err)}`);
        }
      };
      undo.push(
        installHandlerHooks(config.lambda, (fn) => {
          const wrapped = wrapLambdaHandler(fn, () => lambdaHost);
          warmUp();
          return wrapped;
        }),
      );
    } catch (err) {
      diag.warn(`Lambda handler not wrapped: ${describe(err)}`);
    }
  }
  // Metrics and log lines go out even when the span flush failed.
  const flushSpansThenRest = (flushSpans: () => void) => {
    try {
      flushSpans();
    } finally {
      try {
        metrics?.flushSync();
      } finally {
        logs?.flushSync();
      }
    }
  };
  undo.push(
    installExitHooks({
      reportInflight: (reason) => (pipeline?.reportInflight(reason) ?? 0) + (serverSpans?.reportInflight(reason) ?? 0),
      flushSync: (final) => flushSpansThenRest(() => tracing?.flushSync(final)),
      // In Lambda the event loop empties inside invocations (aws-lambda-ric 3.x answers a handler that waits
      // for it from its own beforeExit listener), and every invocation's end flushes before its result: a
      // flush here would be a second, synchronous one (under OTLP a child process) per such invocation. What
      // is still queued when the process really ends goes out on 'exit'.
      flushAtNaturalEnd: config.lambda ? () => undefined : () => flushSpansThenRest(() => tracing?.flushAtNaturalEnd()),
      holdForExport: () => tracing?.holdForInflightExport() ?? false,
      pending: () => (tracing?.pending ?? 0) + (logs?.pending ?? 0),
    }),
  );
  return agent;
}
