// The public API of `wiretap`.
import { slot } from './global';
import type { Decoder } from './decoders/decoder';

export type { Decoder, DecodedSpan, DecodeContext, DecodedKind } from './decoders/decoder';
export type { Exchange, RequestHead, ResponseHead, CapturedBody, Headers } from './exchange/types';
export type { Redactor } from './redaction/redactor';
export { loadConfig, type Config } from './config/load';

/**
 * Adds a decoder for your own service. User decoders are tried before the built-in ones, the latest
 * first. Works before or after the preload started the agent.
 */
export function registerDecoder(decoder: Decoder): void {
  const s = slot();
  if (s.agent) s.agent.registerDecoder(decoder);
  else s.pending.push(decoder);
}

/** Exports every finished span now (e.g. at the end of a Lambda invocation). */
export async function flush(): Promise<void> {
  await slot().agent?.flush();
}

/** Whether the wiretap agent is running in this process. */
export function isActive(): boolean {
  return slot().agent !== undefined;
}

/**
 * Wraps a Lambda handler: one invocation span per invocation, flushed before the result goes back to the
 * runtime. For bundled functions or without the preload; under the preload the handler is wrapped already
 * (wrapping twice is harmless). Outside Lambda (no `AWS_LAMBDA_FUNCTION_NAME`) the handler is returned as is.
 */
export function wrapHandler<T>(handler: T): T {
  try {
    const s = slot();
    if (!s.agent) {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { loadConfig: load } = require('./config/load') as typeof import('./config/load');
      const config = load(process.env);
      if (!config.enabled || !config.lambda) return handler;
      const { createAgent } = require('./agent') as typeof import('./agent');
      s.agent = createAgent(config, process.env);
      for (const d of s.pending.splice(0)) s.agent.registerDecoder(d);
    }
    if (!s.agent.lambda) return handler;
    const { wrapLambdaHandler } = require('./lambda/wrap') as typeof import('./lambda/wrap');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return wrapLambdaHandler(handler, () => slot().agent?.lambda);
  } catch {
    return handler;
  }
}
