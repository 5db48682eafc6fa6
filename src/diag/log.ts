// wiretap's own diagnostic log: stderr, prefixed, off by default above `warn`. Never the app's console.
// The level comes from the config (`WIRETAP_LOG_LEVEL`, read by src/config/load.ts, which sets it as soon
// as it has read it); until then, `warn`.

export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';
const ORDER: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

let threshold = ORDER.warn;
const reportedOnce = new Set<string>();

export function setLogLevel(level: LogLevel): void {
  threshold = ORDER[level];
}

function write(level: LogLevel, message: string): void {
  if (ORDER[level] > threshold) return;
  try {
    process.stderr.write(`[wiretap] ${level}: ${message}\n`);
  } catch {
    // stderr closed: nothing more to do, and never the app's problem
  }
}

export const diag = {
  error: (m: string) => write('error', m),
  warn: (m: string) => write('warn', m),
  info: (m: string) => write('info', m),
  debug: (m: string) => write('debug', m),
  /** Logs a problem once per key, so a failing hot path cannot flood stderr. */
  once(level: LogLevel, key: string, message: string): void {
    if (reportedOnce.has(key)) return;
    reportedOnce.add(key);
    write(level, message);
  },
};

/** Wraps a function on the app's path: any throw is logged once under `where` and swallowed. */
export function guard<A extends unknown[], R>(where: string, fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (err) {
      guardFailed(where, err);
      return undefined;
    }
  };
}

/** Runs `fn` once, guarded (for one-off calls on the app's path). */
export function safely<R>(where: string, fn: () => R): R | undefined {
  try {
    return fn();
  } catch (err) {
    guardFailed(where, err);
    return undefined;
  }
}

/** What guard() and safely() report when the code they guard throws; for hot paths that inline their try/catch. */
export function guardFailed(where: string, err: unknown): void {
  diag.once('error', `guard:${where}`, `${where} failed; the app is unaffected: ${describe(err)}`);
}

export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
