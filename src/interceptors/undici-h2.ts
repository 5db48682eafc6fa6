// undici with `allowH2` drives node:http2 itself: it calls http2.connect and session.request for each
// request it already published on its own channels. Without this hand-off the http2 interceptor would
// record every such exchange a second time (issue 15). undici publishes `undici:client:sendHeaders`
// synchronously right before its `session.request(headers)`; the undici interceptor claims that one
// stream here and the http2 interceptor leaves a claimed stream alone.
import type { OutgoingHttpHeaders } from 'node:http2';

interface Claim {
  method: string;
  path: string;
}
let pending: Claim | undefined;

/** Called by the undici interceptor when undici is about to open an HTTP/2 stream for its own request. */
export function claimNextStream(method: string, path: string): void {
  pending = { method: method.toUpperCase(), path };
}

/** Called by the http2 interceptor for each session.request(): true when undici's request is this stream. */
export function takeClaim(headers: OutgoingHttpHeaders | undefined): boolean {
  const claim = pending;
  if (!claim) return false;
  pending = undefined;
  const method = String(headers?.[':method'] ?? 'GET').toUpperCase();
  return claim.method === method && claim.path === String(headers?.[':path'] ?? '/');
}
