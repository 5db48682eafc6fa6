// The built-in service decoders, in the order they are tried (user decoders come before all of them).
import type { Decoder } from './decoder';
import { awsDecoders } from './aws';
import { stripeDecoder } from './stripe';
import { algoliaDecoder } from './algolia';

export const builtInDecoders: readonly Decoder[] = [...awsDecoders, stripeDecoder, algoliaDecoder];
