// Client-call metrics: recorded once per exchange at its end, before sampling (the pipeline's onEnd hook
// fires for sampled and unsampled calls alike), aggregated by wiretap's own store, exported on an
// unref'd interval and synchronously at exit with the spans. When the app registered its own global
// MeterProvider, the same measurements go through it instead and wiretap adds no provider of its own.
// Nothing here loads unless metrics are on; the SDK data types and exporters load on the first export.
import type { Attributes, Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { Env, MetricsConfig } from '../config/load';
import type { Decoder } from '../decoders/decoder';
import type { Exchange } from '../exchange/types';
import type { SpanDescription } from '../spans/describe';
import { diag, describe } from '../diag/log';
import { callFacts } from './facts';
import { appMeterProvider } from './app-provider';

export { appMeterProvider };
import { measurementsOf, OVERFLOWED, ATTR_METRIC_NAME, type Measurement } from './instruments';
import { MetricStore, type Instrument, type InstrumentSpec } from './store';
import { createMetricsExporters, otlpMetricsUrl, type MetricsExporter } from './exporters';

export interface MetricsOptions {
  config: MetricsConfig;
  /** WIRETAP_FILE: metric lines go into the same file as the spans. */
  filePath: string;
  env: Env;
  resource: () => Resource;
  /** The app's own global MeterProvider, when it registered one. */
  appProvider?: MeterProvider;
  /** Exporters (tests); from the config when omitted. */
  exporters?: MetricsExporter[];
  now?: () => number;
}

/** Where measurements go: wiretap's own store, or the app's MeterProvider. */
interface Sink {
  record(m: Measurement, value: number): void;
}

class StoreSink implements Sink {
  private readonly byName = new Map<string, Instrument>();
  constructor(private readonly store: MetricStore) {}
  record(m: Measurement, value: number): void {
    let i = this.byName.get(m.spec.name);
    if (!i) this.byName.set(m.spec.name, (i = this.store.instrument(m.spec)));
    i.record(m.key, m.attributes, value);
  }
}

/** Records through the app's MeterProvider: its views, readers and exporters decide the rest. */
class ApiSink implements Sink {
  private readonly instruments = new Map<string, Histogram | Counter>();
  private readonly attributes = new Map<string, Attributes>();
  constructor(
    private readonly provider: MeterProvider,
    private readonly config: MetricsConfig,
  ) {}
  private instrument(spec: InstrumentSpec): Histogram | Counter {
    let i = this.instruments.get(spec.name);
    if (i) return i;
    const meter = this.provider.getMeter('wiretap', '0.1.0');
    i =
      spec.kind === 'counter'
        ? meter.createCounter(spec.name, { unit: spec.unit, description: spec.description })
        : meter.createHistogram(spec.name, { unit: spec.unit, description: spec.description, advice: this.config.buckets ? { explicitBucketBoundaries: this.config.buckets } : undefined });
    this.instruments.set(spec.name, i);
    return i;
  }
  record(m: Measurement, value: number): void {
    const key = `${m.spec.name}\u0002${m.key}`;
    let attrs = this.attributes.get(key);
    if (!attrs) {
      attrs = m.attributes();
      // The app's SDK applies its own cardinality limit; this cache only saves rebuilding the objects.
      if (this.attributes.size < this.config.cardinalityLimit * 8) this.attributes.set(key, attrs);
    }
    const i = this.instrument(m.spec);
    if ('add' in i) i.add(value, attrs);
    else i.record(value, attrs);
  }
}

export class Metrics {
  readonly store?: MetricStore;
  readonly exporters: MetricsExporter[];
  private readonly sink: Sink;
  private timer?: ReturnType<typeof setInterval>;
  private exporting?: Promise<void>;
  private overflowed?: Instrument;

  constructor(private readonly options: MetricsOptions) {
    if (options.appProvider) {
      this.sink = new ApiSink(options.appProvider, options.config);
      this.exporters = [];
      return;
    }
    this.store = new MetricStore({ cardinalityLimit: options.config.cardinalityLimit, buckets: options.config.buckets, now: options.now });
    this.sink = new StoreSink(this.store);
    this.exporters = options.exporters ?? createMetricsExporters(options.config, options.filePath, options.env, options.resource);
    if (this.exporters.length > 0) {
      this.timer = setInterval(() => void this.collectAndExport(), options.config.intervalMs);
      this.timer.unref(); // never keeps the app alive; exit flushes what is left
    }
  }

  /** The pipeline's onEnd hook: one exchange, sampled (`d`) or not. Never throws. */
  readonly onEnd = (x: Exchange, d: SpanDescription | undefined, decoder: Decoder): void => {
    try {
      const facts = callFacts(x, d, decoder, this.options.config.urlTemplate);
      const seconds = Math.max(0, ((x.timings.end ?? x.timings.start) - x.timings.start) / 1000);
      for (const m of measurementsOf(facts)) this.sink.record(m, m.spec.kind === 'counter' ? 1 : seconds);
    } catch (err) {
      diag.once('error', 'metrics.record', `could not record metrics for a call: ${describe(err)}`);
    }
  };

  private collect(): { delta: ReturnType<MetricStore['collect']>['delta']; cumulative: ReturnType<MetricStore['collect']>['cumulative'] } | undefined {
    const store = this.store;
    if (!store || !store.dirty) return undefined;
    for (const i of store.instruments) {
      if (i.folded === 0 || i.spec === OVERFLOWED) continue;
      this.overflowed ??= store.instrument(OVERFLOWED);
      this.overflowed.record(i.spec.name, () => ({ [ATTR_METRIC_NAME]: i.spec.name }), i.folded);
      i.folded = 0;
    }
    return store.collect(this.exporters.some((e) => e.temporality === 'cumulative'));
  }

  /** Synchronous collection and export to every exporter (exit, crash, Lambda invocation end). */
  flushSync(): void {
    const c = this.collect();
    if (!c) return;
    for (const e of this.exporters) {
      try {
        e.exportSync(e.temporality === 'delta' ? c.delta : c.cumulative);
      } catch (err) {
        diag.once('warn', `metrics.export:${e.name}`, `metrics export (${e.name}) failed: ${describe(err)}`);
      }
    }
  }

  /**
   * Collects and exports asynchronously (the interval; Lambda mode at each invocation end). Resolves by
   * `deadline` (epoch ms) at the latest: an export still running then carries on in the background.
   */
  collectAndExport(deadline?: number): Promise<void> {
    const c = this.collect();
    if (!c) return this.exporting ?? Promise.resolve();
    const run = Promise.all(
      this.exporters.map(async (e) => {
        const points = e.temporality === 'delta' ? c.delta : c.cumulative;
        try {
          if (e.export) await e.export(points);
          else e.exportSync(points);
        } catch (err) {
          diag.once('warn', `metrics.export:${e.name}`, `metrics export (${e.name}) failed: ${describe(err)}`);
        }
      }),
    ).then(() => undefined);
    this.exporting = run;
    if (deadline === undefined) return run;
    const wait = Math.max(0, deadline - Date.now());
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, wait);
      t.unref();
      void run.then(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.collectAndExport();
    for (const e of this.exporters) await e.shutdown?.();
  }
}

/** Metrics for this config, or undefined when they are off (nothing else of src/metrics is loaded then). */
export function createMetrics(config: MetricsConfig, filePath: string, env: Env, resource: () => Resource): Metrics | undefined {
  if (config.disabled) return undefined;
  const appProvider = appMeterProvider();
  if (!appProvider && config.exporters.length === 0) return undefined;
  if (appProvider) diag.info('metrics: recording into the app\'s global MeterProvider');
  return new Metrics({ config, filePath, env, resource, appProvider });
}

/** Where the OTLP metrics exporter posts: wiretap's own requests, never recorded. */
export function metricsExportTargets(config: MetricsConfig, env: Env): { host: string; port: number; path: string }[] {
  if (config.disabled || !config.exporters.includes('otlp')) return [];
  try {
    const u = new URL(otlpMetricsUrl(env));
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return [{ host: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port, path: u.pathname || '/' }];
  } catch {
    return [];
  }
}
