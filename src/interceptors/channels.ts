// Diagnostics channel names, declared once.
export const UNDICI_CHANNELS = {
  create: 'undici:request:create',
  headers: 'undici:request:headers',
  bodyChunkSent: 'undici:request:bodyChunkSent',
  bodyChunkReceived: 'undici:request:bodyChunkReceived',
  trailers: 'undici:request:trailers',
  error: 'undici:request:error',
  sendHeaders: 'undici:client:sendHeaders',
} as const;
