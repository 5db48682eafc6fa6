// The only module that knows both transports and services: it wires interceptors → pipeline → decoders
// → redactor → spans → exporters, and the exit hooks.
//
// Start-up is kept small: the preload installs the interceptors and exit hooks only. The OpenTelemetry
// API, the decoders, the redactor and the SDK load on the first outgoing call; the server-span
// instrumentation on the first server that listens. A process that makes no call pays almost nothing.
import * as path from 'node:path';
import http = require('node:http');
import https = require('node:https');
import type { Config, Env } from './config/load';
import type { DecoderRegistry } from './decoders/registry';
import type { Decoder } from './decoders/decoder';
import { interceptors } from './interceptors';
import type { Pipeline } from './spans/pipeline';
import type { Tracing } from './spans/tracing';
import { installExitHooks } from './lifecycle/exit';
import { exportTargets } from './exporters/targets';
import { diag, describe, setLogLevel } from './diag/log';
import type { Exchange, RequestHead } from './exchange/types';
import type { SpanDescription } from './spans/describe';
import type { Recorder } from './interceptors/interceptor';

/* eslint-disable @typescript-eslint/no-require-imports */

export interface Agent {
  readonly config: Readonly<Config>;
  readonly registry: DecoderRegistry;
  readonly pipeline: Pipeline;
  readonly tracing: Tracing;
  registerDecoder(decoder: Decoder): void;
  flush(): Promise<void>;
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

/** SERVER spans for incoming requests, continuing an incoming traceparent (instrumentation-http, incoming side only). */
function startServerSpans(tracing: Tracing): (() => void) | undefined {
  try {
    const { propagation } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
    const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
    // Only if the app has none yet; an app that registers its own later is refused by the API (logged there).
    if (propagation.fields().length === 0) {
      propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    }
    const instrumentation = new HttpInstrumentation({ disableOutgoingRequestInstrumentation: true, enabled: false });
    instrumentation.setTracerProvider(tracing.realClockProvider);
    instrumentation.enable();
    // The hooks patch on require(): require the modules once more so ESM-only apps get server spans too.
    require('node:http');
    require('node:https');
    return () => instrumentation.disable();
  } catch (err) {
    diag.warn(`server spans unavailable: ${describe(err)}`);
    return undefined;
  }
}

function ensureContextManager(): void {
  const { context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  // Returns false (and changes nothing) when the app registered one already.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
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

export function createAgent(config: Readonly<Config>, env: Env = process.env): Agent {
  setLogLevel(config.logLevel);
  const pendingDecoders: Decoder[] = [];
  let registry: DecoderRegistry | undefined;
  let tracing: Tracing | undefined;
  let pipeline: Pipeline | undefined;
  let contextManagerReady = false;

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
      tracing = new Tracing(config, env);
    }
    return tracing;
  };
  const readyContext = () => {
    if (contextManagerReady) return;
    contextManagerReady = true;
    ensureContextManager();
  };
  const getPipeline = (): Pipeline => {
    if (!pipeline) {
      readyContext();
      const { Pipeline } = require('./spans/pipeline') as typeof import('./spans/pipeline');
      const { createRedactor } = require('./redaction/redact') as typeof import('./redaction/redact');
      const redactor = createRedactor(config.redaction);
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
      pipeline = new Pipeline({ config, registry: getRegistry(), redactor, tracer: t.tracer, onExchange, ignore: exportTargets(config, env) });
    }
    return pipeline;
  };
  const start = (head: RequestHead): Recorder | undefined => getPipeline().start(head);
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
    registerDecoder: (d) => {
      if (registry) registry.register(d);
      else pendingDecoders.push(d);
    },
    flush: () => (tracing ? tracing.forceFlush() : Promise.resolve()),
    async stop() {
      for (const u of undo.splice(0).reverse()) {
        try {
          u();
        } catch {
          /* best effort */
        }
      }
      pipeline?.reportInflight('shutdown');
      await tracing?.shutdown();
    },
  };

  if (!config.enabled) return agent;
  if (config.serverSpans) {
    undo.push(
      onFirstListen(() => {
        readyContext();
        const stopServer = startServerSpans(getTracing());
        if (stopServer) undo.push(stopServer);
      }),
    );
  }
  for (const interceptor of interceptors) {
    try {
      undo.push(interceptor.install(start));
    } catch (err) {
      diag.warn(`interceptor ${interceptor.name} not installed: ${describe(err)}`);
    }
  }
  undo.push(
    installExitHooks({
      reportInflight: (reason) => pipeline?.reportInflight(reason) ?? 0,
      flushSync: (final) => tracing?.flushSync(final),
      holdForExport: () => tracing?.holdForInflightExport() ?? false,
      pending: () => tracing?.pending ?? 0,
    }),
  );
  return agent;
}
