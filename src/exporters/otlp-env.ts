// The standard OTLP/HTTP endpoint and header variables, per signal (traces, metrics, logs): the signal's
// own variable wins, else the base endpoint plus `/v1/<signal>`; headers of both, the signal's last.
import type { Env } from '../config/load';

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

const PER_SIGNAL = {
  traces: { endpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', headers: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS' },
  metrics: { endpoint: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', headers: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS' },
  logs: { endpoint: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', headers: 'OTEL_EXPORTER_OTLP_LOGS_HEADERS' },
} as const;

export function otlpSignalUrl(env: Env, signal: OtlpSignal): string {
  const own = env[PER_SIGNAL[signal].endpoint]?.trim();
  if (own) return own;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/** The traces endpoint: both the exporter and the list of export targets (which must not load the exporter) read it. */
export const otlpTracesUrl = (env: Env): string => otlpSignalUrl(env, 'traces');

export function otlpSignalHeaders(env: Env, signal: OtlpSignal): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [env.OTEL_EXPORTER_OTLP_HEADERS, env[PER_SIGNAL[signal].headers]]) {
    for (const pair of (source ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      try {
        out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
      } catch {
        /* a malformed pair is skipped, as the official exporters do */
      }
    }
  }
  return out;
}
