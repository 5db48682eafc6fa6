// Chooses exporters from the standard environment: OTEL_TRACES_EXPORTER=otlp|console|none, plus `file`
// (wiretap's default when nothing is configured).
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config, Env } from '../config/load';
import { FileSpanExporter } from './file';
import type { SyncExporter } from './types';

export function createExporters(config: Config, env: Env): (SpanExporter & Partial<SyncExporter>)[] {
  return config.exporters.map((name) => {
    switch (name) {
      case 'otlp': {
        // Required here: the OTLP exporter's module (child_process, zlib, https) loads only where it is configured.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { OtlpSpanExporter } = require('./otlp') as typeof import('./otlp');
        return new OtlpSpanExporter(config.otlp.protocol, env);
      }
      case 'console':
        return new ConsoleSpanExporter();
      case 'file':
      default:
        return new FileSpanExporter(config.filePath);
    }
  });
}
