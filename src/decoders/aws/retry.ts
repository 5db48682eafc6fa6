// Retries. SDKs that send `amz-sdk-request: attempt=N; max=M` (JS v3, botocore) say so; for clients that
// do not (JS v2), the same signed payload sent again to the same target soon after a failure is a resend.
// Earlier attempts' error codes are remembered in the decoder's state so the last attempt tells it all.
import { createHash } from 'node:crypto';
import type { Exchange } from '../../exchange/types';

/** How long after a failed attempt an identical payload still counts as its retry (JS v2 backs off < 20 s). */
export const RETRY_WINDOW_MS = 20_000;
/** Calls remembered at once per decoder; the oldest are dropped first. */
export const MAX_TRACKED_CALLS = 512;

export interface RetryInfo {
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts?: number;
  invocationId?: string;
  /** Error codes of the earlier attempts, oldest first. */
  previousErrors: string[];
  /** True when the attempt number was inferred from a repeated payload. */
  inferred: boolean;
}

interface TrackedCall {
  attempt: number;
  errors: string[];
  end: number;
}

/** `attempt=2; max=4` or botocore's `ttl=...; attempt=2; max=4`. */
export function parseSdkRequest(value: string | undefined): { attempt: number; max?: number } | undefined {
  if (!value) return undefined;
  const a = /(?:^|[;\s])attempt=(\d+)/.exec(value);
  if (!a) return undefined;
  const m = /(?:^|[;\s])max=(\d+)/.exec(value);
  return { attempt: Number(a[1]), max: m ? Number(m[1]) : undefined };
}

// The header takes a handful of values (`attempt=1; max=3`): parsed once each, bounded.
const SDK_REQUEST_CACHE_MAX = 64;
const sdkRequests = new Map<string, Readonly<{ attempt: number; max?: number }> | null>();

function sdkRequestOf(value: string | undefined): Readonly<{ attempt: number; max?: number }> | undefined {
  if (!value) return undefined;
  let parsed = sdkRequests.get(value);
  if (parsed === undefined) {
    parsed = parseSdkRequest(value) ?? null;
    if (value.length <= 64) {
      if (sdkRequests.size >= SDK_REQUEST_CACHE_MAX) sdkRequests.clear();
      sdkRequests.set(value, parsed);
    }
  }
  return parsed ?? undefined;
}

function remember(state: Map<string, unknown>, key: string, call: TrackedCall): void {
  state.delete(key); // re-inserting moves it to the young end of the Map's order
  state.set(key, call);
  let excess = 0;
  for (const k of state.keys()) if (k.startsWith('retry:')) excess++;
  excess -= MAX_TRACKED_CALLS;
  if (excess <= 0) return;
  for (const k of state.keys()) {
    if (excess <= 0) break;
    if (k.startsWith('retry:')) {
      state.delete(k);
      excess--;
    }
  }
}

function payloadKey(x: Exchange, operation: string): string {
  const req = x.request;
  let hash = req.headers['x-amz-content-sha256'];
  if (!hash || hash.startsWith('UNSIGNED') || hash.startsWith('STREAMING')) {
    hash = x.requestBody ? createHash('sha1').update(x.requestBody.bytes).digest('base64') : 'empty';
  }
  return `retry:p:${req.method} ${req.host}:${req.port}${req.path}?${req.query} ${operation} ${hash}`;
}

/**
 * Works out which attempt this exchange is and remembers its outcome. `errorCode` is this attempt's error
 * (AWS code, HTTP status or transport error), undefined when it succeeded.
 */
export function trackAttempt(x: Exchange, state: Map<string, unknown>, operation: string, errorCode: string | undefined): RetryInfo {
  const sdk = sdkRequestOf(x.request.headers['amz-sdk-request']);
  const invocationId = x.request.headers['amz-sdk-invocation-id'];
  const end = x.timings.end ?? x.timings.responseStart ?? x.timings.start;
  if (sdk) {
    // Only a failed attempt adds to the state: while it is empty (calls succeed), there is nothing to look up
    // or forget, and no key to build.
    const key = invocationId && (errorCode !== undefined || state.size > 0) ? `retry:i:${invocationId}` : undefined;
    const earlier = key && sdk.attempt > 1 ? (state.get(key) as TrackedCall | undefined) : undefined;
    const previousErrors = earlier ? earlier.errors.slice() : [];
    if (key && !x.incomplete) {
      if (errorCode !== undefined && (sdk.max === undefined || sdk.attempt < sdk.max)) {
        remember(state, key, { attempt: sdk.attempt, errors: [...previousErrors, errorCode], end });
      } else {
        state.delete(key); // the call is over: success, or the last attempt allowed
      }
    }
    return { attempt: sdk.attempt, maxAttempts: sdk.max, invocationId, previousErrors, inferred: false };
  }
  const key = payloadKey(x, operation);
  const earlier = state.get(key) as TrackedCall | undefined;
  const isRetry = earlier !== undefined && x.timings.start >= earlier.end - 1 && x.timings.start - earlier.end <= RETRY_WINDOW_MS;
  const attempt = isRetry ? earlier.attempt + 1 : 1;
  const previousErrors = isRetry ? earlier.errors.slice() : [];
  if (!x.incomplete) {
    if (errorCode !== undefined) remember(state, key, { attempt, errors: [...previousErrors, errorCode], end });
    else if (earlier) state.delete(key);
  }
  return { attempt, previousErrors, inferred: attempt > 1 };
}
