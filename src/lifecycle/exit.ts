// Nothing lost at exit: finished spans are flushed and calls still in flight are reported as unfinished,
// on beforeExit, process.exit(), SIGTERM/SIGINT and an uncaught exception — while the app's own signal
// handlers, exit code and crash output stay exactly as they would be without wiretap.
import { diag } from '../diag/log';
// Loaded with the exit hooks, at preload: captures the real timers and clocks before the app can fake them.
import '../spans/clock';

export interface ExitHooks {
  /** Ends every in-flight call as unfinished; returns how many. */
  reportInflight(reason: string): number;
  /**
   * Synchronous write of everything queued (file exporter; OTLP through a child process). `final`: the
   * process ends now, so an export still in flight is counted as not delivered.
   */
  flushSync(final?: boolean): void;
  /**
   * At the natural end: keep the loop alive, bounded (about a second), for an export already in flight
   * so a healthy collector can answer. Returns true if it waits; beforeExit comes again after.
   */
  holdForExport?(): boolean;
  /** The natural end's flush: like flushSync, but an exporter that can may send asynchronously (then held by holdForExport). */
  flushAtNaturalEnd?(): void;
  /** Spans queued and not yet exported. */
  pending(): number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function installExitHooks(hooks: ExitHooks): () => void {

  const syncAll = (reason: string) => {
    try {
      const n = hooks.reportInflight(reason);
      if (n > 0) diag.info(`${n} calls still in flight at ${reason}; reported as unfinished`);
      hooks.flushSync(true);
    } catch (err) {
      diag.once('error', `exit:${reason}`, `flushing at ${reason} failed: ${String(err)}`);
    }
  };

  // The event loop is empty: write what is queued now, synchronously. An asynchronous flush would keep
  // the process alive for as long as the exporter retries, seconds when the collector is down; the app
  // would end late. Work the app starts from its own beforeExit brings us here again. An export already
  // in flight gets a bounded grace (the export sockets are unref'd, so they alone never hold the loop).
  const onBeforeExit = () => {
    try {
      if (hooks.pending() > 0) (hooks.flushAtNaturalEnd ?? hooks.flushSync)();
      hooks.holdForExport?.();
    } catch (err) {
      diag.once('error', 'exit:beforeExit', `flushing at beforeExit failed: ${String(err)}`);
    }
  };

  // process.exit() and the natural end: only synchronous work runs here.
  const onExit = () => syncAll('exit');

  // Observes an uncaught exception without handling it: Node still prints it and exits with code 1. If
  // the app (or its test runner: mocha, ava) handles 'uncaughtException' itself, the process goes on and
  // the calls in flight finish normally: nothing is cut here (a later exit reports what is left).
  const onUncaught = (_err: unknown, origin: string) => {
    if (process.listenerCount('uncaughtException') > 0) return;
    syncAll(origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception');
  };

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
