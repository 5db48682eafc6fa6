// Whether the app registered its own global MeterProvider: apart from OTEL_METRICS_EXPORTER, the one reason
// to turn metrics on. Its own small module, so checking costs nothing of the metrics code.
import type { MeterProvider } from '@opentelemetry/api';

/** The app's global MeterProvider, or undefined when only the API's no-op one is there. */
export function appMeterProvider(): MeterProvider | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { metrics } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const p = metrics.getMeterProvider();
  return p && p.constructor?.name !== 'NoopMeterProvider' ? p : undefined;
}
