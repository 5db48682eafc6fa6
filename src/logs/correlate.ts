// Log correlation without code changes: pino, winston and bunyan records get the current trace and span
// ids as `trace_id`, `span_id` and `trace_flags` — the field names OpenTelemetry's own logger
// instrumentations use — when the logger writes JSON. Plain-text output is never changed.
//
// The loggers are patched when the app loads them, through one hook on `Module._load` that costs a string
// comparison per `require` and returns the logger's own export object, patched in place where possible.
// (OpenTelemetry's instrumentation-pino/-winston/-bunyan do the same job, but loading them and
// @opentelemetry/instrumentation costs 80–200 ms at start-up, too much for a preload.)
import Module = require('node:module');
import * as path from 'node:path';
import { diag, describe } from '../diag/log';

export interface TraceIds {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** The ids of the span active now, or undefined (no span, or tracing not started yet). */
export type ActiveIds = () => TraceIds | undefined;

/** Sees each record a logger writes (capture). */
export interface LoggerTap {
  /** A line pino is about to write to `stream` (its destination). */
  pinoLine?(stream: unknown, line: string): void;
}

const PATCHED = Symbol.for('wiretap.logs.patched');

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

function fields(ids: TraceIds): { trace_id: string; span_id: string; trace_flags: string } {
  return { trace_id: ids.traceId, span_id: ids.spanId, trace_flags: `0${ids.traceFlags.toString(16)}`.slice(-2) };
}

/**
 * pino: every logger's prototype comes from `pino/lib/proto.js`, which pino.js requires with a relative
 * path — also when the app imports pino from an ES module, so this works for both. The prototype's JSON
 * builder gets the ids (as the first keys, like a mixin would) and tells capture about lines that go to a
 * destination other than the process streams (SonicBoom on a file or fd), which capture cannot see there.
 */
function patchPinoProto(protoFactory: unknown, activeIds: ActiveIds, tap: LoggerTap, symbols: Record<string, symbol> | undefined): void {
  if (typeof protoFactory !== 'function' || !symbols) return;
  const proto = Object.getPrototypeOf((protoFactory as () => object)()) as Record<symbol, unknown>;
  const { asJsonSym, streamSym } = symbols;
  if (!proto || proto[PATCHED] || !asJsonSym || typeof proto[asJsonSym] !== 'function') return;
  const asJson = proto[asJsonSym] as (this: Record<symbol, unknown>, obj: unknown, ...rest: unknown[]) => unknown;
  proto[asJsonSym] = function asJsonWithTraceIds(this: Record<symbol, unknown>, obj: unknown, ...rest: unknown[]) {
    let input = obj;
    try {
      if (input && typeof input === 'object' && !('trace_id' in input)) {
        const ids = activeIds();
        if (ids) {
          // A copy with the ids as first keys (as a mixin would put them); the app's object is not touched.
          const withIds: Record<string, unknown> = fields(ids);
          for (const key in input as object) if (Object.prototype.hasOwnProperty.call(input, key)) withIds[key] = (input as Record<string, unknown>)[key];
          input = withIds;
        }
      }
    } catch {
      input = obj;
    }
    const line = asJson.call(this, input, ...rest);
    if (tap.pinoLine && typeof line === 'string') {
      try {
        tap.pinoLine(streamSym ? this[streamSym] : undefined, line);
      } catch {
        /* never the app's problem */
      }
    }
    return line;
  };
  Object.defineProperty(proto, PATCHED, { value: true });
}

/** winston: ids go into the record only for loggers whose format writes JSON (found once per logger). */
function patchWinston(winston: unknown, activeIds: ActiveIds): unknown {
  const w = winston as { Logger?: { prototype: Record<string | symbol, unknown> } };
  const proto = w?.Logger?.prototype;
  if (!proto || proto[PATCHED] || typeof proto.write !== 'function') return winston;
  const MESSAGE = Symbol.for('message');
  const writesJson = new WeakMap<object, boolean>();
  const isJson = (logger: { format?: { transform?: (info: object, opts?: unknown) => unknown; options?: unknown } }): boolean => {
    let known = writesJson.get(logger);
    if (known === undefined) {
      known = false;
      try {
        const out = logger.format?.transform?.({ level: 'info', message: 'wiretap format probe' }, logger.format.options) as Record<symbol, unknown> | false | undefined;
        const text = out ? out[MESSAGE] : undefined;
        known = typeof text === 'string' && text.trimStart().startsWith('{');
      } catch {
        known = false;
      }
      writesJson.set(logger, known);
    }
    return known;
  };
  const write = proto.write as (this: object, ...args: unknown[]) => unknown;
  proto.write = function write_(this: object, info: unknown, ...rest: unknown[]) {
    try {
      if (info && typeof info === 'object' && !('trace_id' in info)) {
        const ids = activeIds();
        if (ids && isJson(this as never)) Object.assign(info, fields(ids));
      }
    } catch {
      /* never the app's problem */
    }
    return write.call(this, info, ...rest);
  };
  Object.defineProperty(proto, PATCHED, { value: true });
  return winston;
}

/** bunyan: records are JSON objects; the ids go in before they are serialised. */
function patchBunyan(bunyan: unknown, activeIds: ActiveIds): unknown {
  const proto = (bunyan as { prototype?: Record<string | symbol, unknown> })?.prototype;
  if (!proto || proto[PATCHED] || typeof proto._emit !== 'function') return bunyan;
  const emit = proto._emit as (this: unknown, ...args: unknown[]) => unknown;
  proto._emit = function _emit(this: unknown, rec: unknown, ...rest: unknown[]) {
    try {
      if (rec && typeof rec === 'object' && !('trace_id' in rec)) {
        const ids = activeIds();
        if (ids) Object.assign(rec, fields(ids));
      }
    } catch {
      /* never the app's problem */
    }
    return emit.call(this, rec, ...rest);
  };
  Object.defineProperty(proto, PATCHED, { value: true });
  return bunyan;
}

const sep = path.sep;
const PINO_MAIN = `${sep}pino${sep}pino.js`;
const WINSTON_MAIN = `${sep}winston${sep}lib${sep}winston.js`;

/**
 * Installs the load hook; returns its undo. Each logger is patched where its own main file requires a
 * part of itself, so `import` from an ES module (which loads the main file without `Module._load`) is
 * covered as well as `require`. bunyan defines its Logger in its main file: patched on `require('bunyan')`.
 */
export function installLoggerCorrelation(activeIds: ActiveIds, tap: LoggerTap = {}): () => void {
  const mod = Module as unknown as { _load: Loader };
  const original = mod._load;
  const hooked: Loader = function _load(this: unknown, request, parent, isMain) {
    const exported = original.call(this, request, parent, isMain);
    // One comparison per require on the common path.
    const first = request.charCodeAt(0);
    if (first !== 46 /* . */ && first !== 98 /* b */) return exported;
    try {
      if (request === 'bunyan') patchBunyan(exported, activeIds);
      else if (request === './lib/proto' || request === './winston/logger') {
        const from = parent as { filename?: string; require?: (id: string) => unknown } | undefined;
        const filename = from?.filename ?? '';
        if (request === './lib/proto' && filename.endsWith(PINO_MAIN) && from?.require) {
          // pino's own symbols module, from pino's own require (the same instance pino uses).
          patchPinoProto(exported, activeIds, tap, from.require('./lib/symbols') as Record<string, symbol>);
        } else if (request === './winston/logger' && filename.endsWith(WINSTON_MAIN)) {
          patchWinston({ Logger: exported }, activeIds);
        }
      }
    } catch (err) {
      diag.once('warn', `logs:${request}`, `log correlation unavailable for ${request}: ${describe(err)}`);
    }
    return exported;
  };
  mod._load = hooked;
  return () => {
    if (mod._load === hooked) mod._load = original;
  };
}
