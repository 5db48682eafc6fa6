import type { Decoder } from './decoder';

// Placeholder until the Algolia decoder lands.
export const algoliaDecoder: Decoder = { name: 'algolia', match: () => false, decode: () => ({ name: 'Algolia', attributes: {} }) };
