import type { Decoder } from './decoder';

// Placeholder until the Stripe decoder lands.
export const stripeDecoder: Decoder = { name: 'stripe', match: () => false, decode: () => ({ name: 'Stripe', attributes: {} }) };
