// The only module that knows both transports and services: it wires interceptors → pipeline → decoders
// → redactor → spans → exporters, and the exit hooks.
import * as path from 'node:path';
import { context, propagation } from '@opentelemetry/api';
import type { Config, Env } from './config/load';
import { DecoderRegistry } from './decoders/registry';
import { builtInDecoders } from './decoders';
import type { Decoder } from './decoders/decoder';
import { interceptors } from './interceptors';
import { createRedactor } from './redaction/redact';
import { Pipeline } from './spans/pipeline';
import { Tracing } from './spans/tracing';
import { installExitHooks } from './lifecycle/exit';
import { exportTargets } from './exporters/targets';
import { diag, describe, setLogLevel } from './diag/log';
import type { Exchange } from './exchange/types';
import type { SpanDescription } from './spans/describe';

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
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
    const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
    // Only if the app has none yet; an app that registers its own later is refused by the API (logged there).
    if (propagation.fields().length === 0) {
      propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    }
    const instrumentation = new HttpInstrumentation({ disableOutgoingRequestInstrumentation: true, enabled: false });
    instrumentation.setTracerProvider({ getTracer: (name, version, options) => tracing.provider().getTracer(name, version, options) });
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
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  // Returns false (and changes nothing) when the app registered one already.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

export function createAgent(config: Readonly<Config>, env: Env = process.env): Agent {
  setLogLevel(config.logLevel);
  const registry = new DecoderRegistry(builtInDecoders);
  const redactor = createRedactor(config.redaction);
  const tracing = new Tracing(config, env);
  let onExchange: ((x: Exchange, d: SpanDescription) => void) | undefined;
  if (config.recordDir) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createExchangeRecorder } = require('./fixture/record') as { createExchangeRecorder: (dir: string, r: typeof redactor) => typeof onExchange };
      onExchange = createExchangeRecorder(config.recordDir, redactor);
    } catch (err) {
      diag.warn(`record mode unavailable: ${describe(err)}`);
    }
  }
  const ignore = exportTargets(config, env);
  const pipeline = new Pipeline({ config, registry, redactor, tracer: tracing.tracer, onExchange, ignore });
  const undo: (() => void)[] = [];

  const agent: Agent = {
    config,
    registry,
    pipeline,
    tracing,
    registerDecoder: (d) => registry.register(d),
    flush: () => tracing.forceFlush(),
    async stop() {
      for (const u of undo.splice(0).reverse()) {
        try {
          u();
        } catch {
          /* best effort */
        }
      }
      pipeline.reportInflight('shutdown');
      await tracing.shutdown();
    },
  };

  if (!config.enabled) return agent;
  ensureContextManager();
  loadUserDecoders(registry, config.decoderModules);
  if (config.serverSpans) {
    const stopServer = startServerSpans(tracing);
    if (stopServer) undo.push(stopServer);
  }
  for (const interceptor of interceptors) {
    try {
      undo.push(interceptor.install(pipeline.start));
    } catch (err) {
      diag.warn(`interceptor ${interceptor.name} not installed: ${describe(err)}`);
    }
  }
  undo.push(
    installExitHooks({
      reportInflight: (reason) => pipeline.reportInflight(reason),
      flushSync: () => tracing.flushSync(),
      flush: () => tracing.forceFlush(),
      pending: () => tracing.pending,
    }),
  );
  return agent;
}
