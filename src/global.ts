// One agent per process, whichever copy of wiretap loaded first: the preload and the app's own
// `require('wiretap')` may be different copies, so they meet on a global symbol.
import type { Agent } from './agent';
import type { Decoder } from './decoders/decoder';

const KEY = Symbol.for('wiretap.agent.v1');

interface Slot {
  agent?: Agent;
  /** Decoders registered before an agent started (the app imported wiretap without the preload). */
  pending: Decoder[];
}

export function slot(): Slot {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  return (g[KEY] ??= { pending: [] });
}
