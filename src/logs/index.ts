// The app's log lines beside its spans: correlation ids in JSON logger records (on by default; plain text
// is never changed) and, with WIRETAP_CAPTURE_LOGS, capture as OpenTelemetry log records exported with the
// spans' paths: the batch timer, and synchronously at exit, crash and signals.
import type { Config, Env } from '../config/load';
import type { Redactor } from '../redaction/redactor';
import type { Resource } from '@opentelemetry/resources';
import { diag, describe } from '../diag/log';
import { installLoggerCorrelation, type ActiveIds } from './correlate';
import { installCapture, LogBuffer } from './capture';
import type { LogsExporter } from './export';

export type { ActiveIds, TraceIds } from './correlate';

export interface Logs {
  /** Records captured and not yet exported. */
  readonly pending: number;
  /** Writes every captured record now, synchronously (exit paths, Lambda invocation end). */
  flushSync(): void;
  flush(): Promise<void>;
  stats(): { exported: number; dropped: number; droppedOverTraceCap: number; lost: number };
  stop(): void;
}

export interface LogsDeps {
  activeIds: ActiveIds;
  resource: () => Resource;
  redactor: () => Redactor;
}

export function startLogs(config: Readonly<Config>, env: Env, deps: LogsDeps): Logs | undefined {
  const { correlation, capture } = config.logs;
  if (!correlation && !capture) return undefined;
  const undo: (() => void)[] = [];
  let buffer: LogBuffer | undefined;
  let exporter: LogsExporter | undefined;
  let exporting = false;
  let pinoLine: ((stream: unknown, line: string) => void) | undefined;

  const getExporter = (): LogsExporter => {
    if (!exporter) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { LogsExporter } = require('./export') as typeof import('./export');
      exporter = new LogsExporter({ config: config.logs, env, filePath: config.filePath, resource: deps.resource, redactor: deps.redactor, setExporting: (on) => (exporting = on) });
    }
    return exporter;
  };
  const exportBatch = () => {
    if (!buffer) return;
    const records = buffer.take(config.logs.queue.maxExportBatchSize);
    getExporter()
      .export(records)
      .catch((err) => diag.once('warn', 'logs:export', `log export failed: ${describe(err)}`));
  };

  if (capture) {
    buffer = new LogBuffer({ ...config.logs.queue, maxRecordBytes: config.logs.maxRecordBytes, maxPerTrace: config.logs.maxPerTrace }, exportBatch);
    const hooks = installCapture(buffer, deps.activeIds, () => exporting);
    undo.push(hooks.undo);
    pinoLine = hooks.pinoLine;
  }
  undo.push(installLoggerCorrelation(correlation ? deps.activeIds : () => undefined, { pinoLine }));

  return {
    get pending() {
      return buffer?.pending ?? 0;
    },
    flushSync() {
      if (!buffer || buffer.pending === 0) return;
      getExporter().exportSync(buffer.take());
    },
    async flush() {
      if (!buffer || buffer.pending === 0) return;
      await getExporter().export(buffer.take());
    },
    stats: () => ({ exported: exporter?.exported ?? 0, dropped: buffer?.dropped ?? 0, droppedOverTraceCap: buffer?.droppedOverTraceCap ?? 0, lost: exporter?.lost ?? 0 }),
    stop() {
      buffer?.stop();
      for (const u of undo.splice(0).reverse()) u();
      exporter?.close();
    },
  };
}
