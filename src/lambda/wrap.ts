// The handler wrapper. The handler gets exactly the event, context and callback it would get without
// wiretap, and its result or error goes back unchanged — only later by the flush. The wrapper keeps the
// handler's `length` (nodejs24.x rejects callback-style handlers by it) and its streaming marks.
import { diag, describe } from '../diag/log';
import type { Invocation, LambdaHost } from './invocation';

/* eslint-disable @typescript-eslint/no-require-imports */
// The invocation code (and the OpenTelemetry API under it) loads on the first invocation, not in init.
let InvocationClass: typeof Invocation | undefined;
const loadInvocation = (): typeof Invocation => (InvocationClass ??= (require('./invocation') as typeof import('./invocation')).Invocation);

const WRAPPED = Symbol.for('wiretap.lambda.wrapped');
/** Set by `awslambda.streamifyResponse` on the handler (both runtime majors). */
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

type Handler = (...args: unknown[]) => unknown;

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * aws-lambda-ric 3.x's slot for its `beforeExit` listener: set before each invocation to answer `null`
 * when the event loop empties (a plain handler that returned without calling back), replaced by the
 * callback's own listener when the handler calls back.
 */
const RIC3_BEFORE_EXIT = Symbol.for('aws.lambda.beforeExit');

/** What the runtime makes of a call to one of the context's methods (aws-lambda-ric 3.x `CallbackContext`). */
function contextOutcome(method: 'succeed' | 'fail' | 'done', args: unknown[]): [error: unknown, result: unknown, failed: boolean] {
  if (method === 'succeed') return [undefined, args[0], false];
  if (method === 'fail') return args[0] === undefined || args[0] === null ? ['handled', undefined, true] : [args[0], undefined, true];
  const err = args[0];
  return err === undefined || err === null ? [undefined, args[1], false] : [err, undefined, true];
}

/**
 * 3.x gives the handler a context with `succeed`, `fail` and `done`, which answer the runtime at once.
 * Each is replaced on the same context object by a function that ends the span, delivers, and then calls
 * the runtime's own with the same arguments (so the first call still wins, with the same result).
 */
function observeContextMethods(lambdaContext: unknown, inv: Invocation, outcome: () => void): void {
  if (typeof lambdaContext !== 'object' || lambdaContext === null) return;
  const ctx = lambdaContext as Record<string, unknown>;
  for (const method of ['succeed', 'fail', 'done'] as const) {
    const original = ctx[method];
    if (typeof original !== 'function' || !Object.prototype.hasOwnProperty.call(ctx, method)) continue;
    const observed = function (this: unknown, ...args: unknown[]) {
      outcome();
      const [err, value, failed] = contextOutcome(method, args);
      void inv.end(err, value, failed).then(() => (original as Handler).apply(this, args));
    };
    try {
      Object.defineProperty(observed, 'length', { value: original.length });
      Object.defineProperty(observed, 'name', { value: original.name });
      ctx[method] = observed;
    } catch {
      /* a frozen context: its methods stay the runtime's own (the span then ends with the event loop or the watchdog) */
    }
  }
}

/**
 * 3.x answers `null` when the event loop empties before the handler gives an outcome (a plain handler that
 * returned a value: the value is ignored; a promise that never settles). The runtime's listener for that
 * moment is wrapped so that the span ends (with `null`) and is delivered first. When the handler calls
 * back, the runtime replaces the listener with its own; whatever is in the slot then is what runs.
 */
function endWhenEventLoopEmpties(inv: Invocation): void {
  // The flush holds the event loop (its wait is a ref'd timer), so the runtime answers right after it.
  runFirstInBeforeExitSlot(() => inv.end(undefined, null, false));
}

/**
 * Puts `work` before the listener in 3.x's beforeExit slot: when the loop empties, `work` runs, then
 * whatever is in the slot by then (the runtime's listener, or the one it put there meanwhile).
 */
function runFirstInBeforeExitSlot(work: () => Promise<void>, unless?: unknown): void {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const ricListener = g[RIC3_BEFORE_EXIT];
  if (typeof ricListener !== 'function' || ricListener === unless) return;
  const listener = function (this: unknown, ...args: unknown[]) {
    void work().then(() => {
      const current = g[RIC3_BEFORE_EXIT];
      const next = current === listener ? ricListener : current;
      if (typeof next === 'function') (next as Handler).apply(this, args);
    });
  };
  g[RIC3_BEFORE_EXIT] = listener;
}

/**
 * 3.x, a callback handler that waits for the empty event loop (the default): its callback puts the
 * runtime's answer into the beforeExit slot, to run once the work the handler left behind has finished.
 * That listener is wrapped so that the calls which ended in the meantime are delivered first (bounded by
 * the flush wait), before the runtime answers and the environment may freeze.
 */
function deliverLateWorkFirst(inv: Invocation, before: unknown): void {
  runFirstInBeforeExitSlot(() => inv.flushLate(), before);
}

function invoke(host: LambdaHost, handler: Handler, wrapped: Handler, self: unknown, args: unknown[]): unknown {
  const streaming = (wrapped as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] === 'response';
  // Buffered: (event, context, callback); streaming: (event, responseStream, context).
  const lambdaContext = (streaming ? args[2] : args[1]) ?? {};
  let inv: Invocation;
  try {
    inv = new (loadInvocation())(host, args[0], lambdaContext as never);
  } catch (err) {
    diag.once('error', 'lambda.start', `invocation span not started: ${describe(err)}`);
    return handler.apply(self, args);
  }
  const callArgs = args.slice();
  const callback = streaming ? undefined : args[2];
  /** aws-lambda-ric 3.x's context (its own succeed/fail/done); 4.x's has none. */
  const ric3Context = !streaming && typeof lambdaContext === 'object' && lambdaContext !== null && typeof (lambdaContext as Record<string, unknown>).fail === 'function';
  let outcomeGiven = false;
  const given = () => {
    outcomeGiven = true;
  };
  if (typeof callback === 'function') {
    callArgs[2] = function wiretapCallback(this: unknown, ...cbArgs: unknown[]) {
      given();
      const [err, value] = cbArgs;
      const failed = err !== undefined && err !== null;
      void inv.end(err, value, failed).then(() => {
        const slot = (globalThis as unknown as Record<symbol, unknown>)[RIC3_BEFORE_EXIT];
        const answer = (callback as Handler).apply(this, cbArgs);
        const waits = (lambdaContext as { callbackWaitsForEmptyEventLoop?: unknown }).callbackWaitsForEmptyEventLoop !== false;
        if (!failed && waits) deliverLateWorkFirst(inv, slot);
        return answer;
      });
    };
  }
  if (!streaming) {
    try {
      observeContextMethods(lambdaContext, inv, given);
      if (typeof callback === 'function') endWhenEventLoopEmpties(inv);
    } catch (err) {
      diag.once('warn', 'lambda.context', `context methods not observed: ${describe(err)}`);
    }
  }
  // aws-lambda-ric 4.x (nodejs24.x) calls a buffered handler as `await handler(event, context)`: no callback,
  // no context methods. It awaits whatever comes back and catches a synchronous throw the same way, so a
  // promise settled after an asynchronous flush is the same answer to it, without the synchronous delivery
  // (under OTLP a child process) that a plain value or throw would otherwise need.
  const runtimeAwaits = !streaming && !ric3Context && callback === undefined;
  let result: unknown;
  try {
    result = inv.run(() => handler.apply(self, callArgs));
  } catch (err) {
    if (runtimeAwaits) {
      return inv.end(err, undefined, true).then(() => {
        throw err;
      });
    }
    // 3.x reports a synchronous throw at once: deliver synchronously, then throw the same error.
    inv.endSync(err, undefined, true);
    throw err;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      async (value) => {
        await inv.end(undefined, value, false);
        return value;
      },
      async (err: unknown) => {
        // 3.x hands a rejection to context.fail, which reports a missing reason as the string 'handled'.
        const reported = ric3Context ? contextOutcome('fail', [err])[0] : err;
        await inv.end(reported, undefined, true);
        throw err;
      },
    );
  }
  if (streaming) {
    // Both runtimes answer a non-promise from a streaming handler with this error.
    inv.endSync(new Error('Streaming does not support non-async handlers.'), undefined, true);
    return result;
  }
  // Called back (or a context method) already: that call ends the invocation.
  if (outcomeGiven) return result;
  // 3.x: the answer comes when the handler calls back, or else when the event loop empties. (Another caller
  // that passes a callback: the callback ends it, or the watchdog reports it.)
  if (typeof callback === 'function') return result;
  // 4.x: the value is the result, and the runtime awaits it.
  if (runtimeAwaits) return inv.end(undefined, result, false).then(() => result);
  // A caller that passes a callback that is not a function and uses the returned value at once.
  inv.endSync(undefined, result, false);
  return result;
}

/** Wraps a Lambda handler so that each invocation gets its span; an already wrapped one is returned as is. */
export function wrapLambdaHandler<T>(handler: T, host: () => LambdaHost | undefined): T {
  if (typeof handler !== 'function' || (handler as unknown as Record<symbol, unknown>)[WRAPPED]) return handler;
  const original = handler as unknown as Handler;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    let h: LambdaHost | undefined;
    try {
      h = host();
    } catch {
      h = undefined;
    }
    if (!h) return original.apply(this, args);
    return invoke(h, original, wrapped as Handler, this, args);
  };
  try {
    Object.defineProperty(wrapped, 'length', { value: original.length });
    Object.defineProperty(wrapped, 'name', { value: original.name });
    for (const key of Object.getOwnPropertySymbols(original)) (wrapped as unknown as Record<symbol, unknown>)[key] = (original as unknown as Record<symbol, unknown>)[key];
    Object.defineProperty(wrapped, WRAPPED, { value: true });
  } catch (err) {
    diag.once('warn', 'lambda.wrap', `handler not wrapped: ${describe(err)}`);
    return handler;
  }
  return wrapped as unknown as T;
}
