// Followed redirects: fetch (`redirect: 'follow'`), undici's redirect interceptor and follow-redirects each
// send the next hop as a new request, started from the same code path as the first, so without help each
// hop is its own root. When a response redirects (3xx with Location), the interceptor notes the target;
// the next request started for exactly that URL is taken to be the next hop and passed to start() with
// the previous hop's handle, so the pipeline can put it under the same parent and link it.
//
// Bounded: at most MAX_PENDING targets are remembered (oldest dropped), each used at most once. A redirect
// the app does not follow just ages out.
import type { Headers, RequestHead } from '../exchange/types';
import type { Recorder } from './interceptor';

const MAX_PENDING = 256;
const pending = new Map<string, unknown>();

const REDIRECT = new Set([301, 302, 303, 307, 308]);

function key(scheme: string, host: string, port: number, path: string, query: string): string {
  return `${scheme}://${host.toLowerCase()}:${port}${path}${query ? `?${query}` : ''}`;
}

/** After a response head: remember where a redirect points, with the hop it came from. */
export function noteRedirect(head: RequestHead, status: number, headers: Headers, rec: Recorder): void {
  if (!REDIRECT.has(status)) return;
  const location = headers['location'];
  if (!location) return;
  let target: URL;
  try {
    target = new URL(location, `${head.scheme}://${head.host.includes(':') ? `[${head.host}]` : head.host}:${head.port}${head.path}`);
  } catch {
    return;
  }
  const scheme = target.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return;
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const port = target.port ? Number(target.port) : scheme === 'https' ? 443 : 80;
  const handle = rec.asPreviousHop();
  if (handle === undefined) return;
  const k = key(scheme, host, port, target.pathname, target.search.slice(1));
  pending.delete(k);
  pending.set(k, handle);
  if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value as string);
}

/** Before start(): the previous hop's handle when this request follows a redirect, once. */
export function previousHop(head: RequestHead): unknown {
  if (pending.size === 0) return undefined;
  const k = key(head.scheme, head.host, head.port, head.path, head.query);
  const handle = pending.get(k);
  if (handle !== undefined) pending.delete(k);
  return handle;
}
