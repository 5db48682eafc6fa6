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
  let callbackUsed = false;
  if (typeof callback === 'function') {
    callArgs[2] = function wiretapCallback(this: unknown, ...cbArgs: unknown[]) {
      callbackUsed = true;
      const [err, value] = cbArgs;
      const failed = err !== undefined && err !== null;
      void inv.end(err, value, failed).then(() => (callback as Handler).apply(this, cbArgs));
    };
  }
  let result: unknown;
  try {
    result = inv.run(() => handler.apply(self, callArgs));
  } catch (err) {
    // The runtime reports a synchronous throw at once: deliver synchronously, then throw the same error.
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
        await inv.end(err, undefined, true);
        throw err;
      },
    );
  }
  // A callback handler finishes when it calls back (or already did, synchronously).
  if (typeof callback === 'function' || callbackUsed) return result;
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
