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
