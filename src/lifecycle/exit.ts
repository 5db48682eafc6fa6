// Nothing lost at exit: finished spans are flushed and calls still in flight are reported as unfinished,
// on beforeExit, process.exit(), SIGTERM/SIGINT and an uncaught exception — while the app's own signal
// handlers, exit code and crash output stay exactly as they would be without wiretap.
import { diag } from '../diag/log';

export interface ExitHooks {
  /** Ends every in-flight call as unfinished; returns how many. */
  reportInflight(reason: string): number;
  /** Synchronous write of everything queued (file exporter; OTLP through a child process). */
  flushSync(): void;
  /** Spans queued and not yet exported. */
  pending(): number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function installExitHooks(hooks: ExitHooks): () => void {

  const syncAll = (reason: string) => {
    try {
      const n = hooks.reportInflight(reason);
      if (n > 0) diag.info(`${n} calls still in flight at ${reason}; reported as unfinished`);
      hooks.flushSync();
    } catch (err) {
      diag.once('error', `exit:${reason}`, `flushing at ${reason} failed: ${String(err)}`);
    }
  };

  // The event loop is empty: write what is queued now, synchronously. An asynchronous flush would keep
  // the process alive for as long as the exporter retries, seconds when the collector is down; the app
  // would end late. Work the app starts from its own beforeExit brings us here again.
  const onBeforeExit = () => {
    if (hooks.pending() === 0) return;
    try {
      hooks.flushSync();
    } catch (err) {
      diag.once('error', 'exit:beforeExit', `flushing at beforeExit failed: ${String(err)}`);
    }
  };

  // process.exit() and the natural end: only synchronous work runs here.
  const onExit = () => syncAll('exit');

  // Observes an uncaught exception without handling it: Node still prints it and exits with code 1.
  const onUncaught = (_err: unknown, origin: string) => syncAll(origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception');

  const signalHandlers = new Map<string, () => void>();
  for (const signal of SIGNALS) {
    const handler = () => {
      // The app handles the signal itself: it decides when to exit, and the exit hook reports then.
      if (process.listenerCount(signal) > 1) return;
      syncAll(signal);
      // Die exactly as Node would have without our listener: default action of the same signal.
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }

  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaught);

  return () => {
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
    process.removeListener('uncaughtExceptionMonitor', onUncaught);
    for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
  };
}
