// The decoder registry: user decoders first, then the built-in service decoders, then generic HTTP.
import type { RequestHead } from '../exchange/types';
import type { Decoder } from './decoder';
import { httpDecoder } from './http';
import { diag, describe } from '../diag/log';
import { loadedDecoder } from './index';

export class DecoderRegistry {
  private readonly user: Decoder[] = [];
  private ordered: Decoder[];
  private readonly states = new Map<string, Map<string, unknown>>();

  constructor(private readonly builtIn: readonly Decoder[] = []) {
    this.ordered = [...builtIn];
  }

  /** Adds a user decoder. Later registrations are tried before earlier ones; all before the built-ins. */
  register(decoder: Decoder): void {
    if (!decoder || typeof decoder.name !== 'string' || typeof decoder.match !== 'function' || typeof decoder.decode !== 'function') {
      diag.warn(`registerDecoder: ignored a decoder without name/match/decode`);
      return;
    }
    const existing = this.user.findIndex((d) => d.name === decoder.name);
    if (existing >= 0) this.user.splice(existing, 1);
    this.user.unshift(decoder);
    this.ordered = [...this.user, ...this.builtIn];
  }

  get decoders(): readonly Decoder[] {
    return this.ordered;
  }

  /** The first decoder whose cheap head check matches, or the generic HTTP decoder. Never throws. */
  match(head: RequestHead): Decoder {
    const list = this.ordered;
    for (let i = 0; i < list.length; i++) {
      const d = list[i];
      try {
        if (d.match(head)) return loadedDecoder(d);
      } catch (err) {
        diag.once('error', `match:${d.name}`, `decoder ${d.name}: match threw (${describe(err)}); skipping it for this call`);
      }
    }
    return httpDecoder;
  }

  /** Per-decoder state (e.g. retry windows), created on first use. */
  stateOf(decoder: Decoder): Map<string, unknown> {
    let s = this.states.get(decoder.name);
    if (!s) {
      s = new Map();
      this.states.set(decoder.name, s);
    }
    return s;
  }
}
