// Recognising AWS traffic from the request head: the SigV4 credential scope names the signing service
// and region; the host only narrows it down (custom endpoints and emulators carry any host).
import type { RequestHead } from '../../exchange/types';

export interface AwsScope {
  /** SigV4 signing name, e.g. `dynamodb`, `monitoring`, `s3`. Not the service: several share one. */
  signingName: string;
  /** Region from the scope, or from `x-amz-region-set` for SigV4a; empty when unknown. */
  region: string;
  /** True when the scope came from a presigned URL (`X-Amz-Credential`). */
  presigned: boolean;
}

const MAX_CACHED_SCOPES = 256;
const scopeCache = new Map<string, AwsScope>();
/** The last header credential found in the cache, and its scope (see credentialScope). */
let lastCredential = '';
let lastScope: AwsScope | undefined;

function remember(key: string, scope: AwsScope): AwsScope {
  if (scopeCache.size >= MAX_CACHED_SCOPES) scopeCache.clear(); // scopes change daily; a rare full reset is fine
  scopeCache.set(key, scope);
  return scope;
}

/** `AKID/20240101/us-east-1/dynamodb/aws4_request` (SigV4) or `AKID/20240101/s3/aws4_request` (SigV4a). */
function parseCredential(credential: string, presigned: boolean, regionSet: string | undefined): AwsScope | undefined {
  const key = presigned ? `p:${credential}` : credential;
  const cached = scopeCache.get(key);
  if (cached !== undefined && regionSet === undefined) return cached;
  const parts = credential.split('/');
  if (parts.length === 5 && parts[4] === 'aws4_request') {
    return remember(key, { signingName: parts[3], region: parts[2], presigned });
  }
  if (parts.length === 4 && parts[3] === 'aws4_request') {
    // SigV4a has no region in the scope; the region set header lists where the signature is valid
    const region = regionSet && !regionSet.includes(',') && !regionSet.includes('*') ? regionSet.trim() : '';
    return { signingName: parts[2], region, presigned };
  }
  return undefined;
}

/** The credential scope of a SigV4/SigV4a-signed request (header or presigned URL), cached. */
export function credentialScope(head: RequestHead): AwsScope | undefined {
  const auth = head.headers['authorization'];
  if (auth !== undefined) {
    if (!auth.startsWith('AWS4-')) return undefined;
    const at = auth.indexOf('Credential=');
    if (at < 0) return undefined;
    let end = auth.indexOf(',', at);
    if (end < 0) end = auth.length;
    const from = at + 11;
    const regionSet = head.headers['x-amz-region-set'];
    // The credential of the last signed call again (a client signs every call with the same scope):
    // one string compare instead of the trim and the hash of the cache lookup (startsWith(x, at) and a
    // charCodeAt loop both measured slower than the slice).
    const sliced = auth.slice(from, end);
    if (regionSet === undefined && sliced === lastCredential) return lastScope;
    const credential = sliced.trim();
    const scope = parseCredential(credential, false, regionSet);
    if (scope !== undefined && regionSet === undefined && scopeCache.get(credential) === scope) {
      lastCredential = credential;
      lastScope = scope;
    }
    return scope;
  }
  const query = head.query;
  if (query.length === 0) return undefined;
  const at = query.indexOf('X-Amz-Credential=');
  if (at < 0 || (at > 0 && query[at - 1] !== '&')) return undefined;
  let end = query.indexOf('&', at);
  if (end < 0) end = query.length;
  let credential: string;
  try {
    credential = decodeURIComponent(query.slice(at + 17, end));
  } catch {
    return undefined;
  }
  let regionSet: string | undefined;
  const rs = query.indexOf('X-Amz-Region-Set=');
  if (rs >= 0) regionSet = decodeURIComponent(query.slice(rs + 17, (query.indexOf('&', rs) + 1 || query.length + 1) - 1));
  return parseCredential(credential, true, regionSet);
}

/** Whether a request is SigV4-signed at all: the generic AWS decoder's match. */
export function isAwsSigned(head: RequestHead): boolean {
  return credentialScope(head) !== undefined;
}

/** The service part of `X-Amz-Target: DynamoDB_20120810.GetItem`, i.e. `DynamoDB_20120810`. */
export function targetPrefix(target: string): string {
  const dot = target.lastIndexOf('.');
  return dot < 0 ? target : target.slice(0, dot);
}

const AWS_DNS_SUFFIXES = [
  '.amazonaws.com',
  '.api.aws',
  '.amazonaws.com.cn',
  '.api.amazonwebservices.com.cn',
  '.amazonaws.eu',
  '.c2s.ic.gov',
  '.sc2s.sgov.gov',
  '.cloud.adc-e.uk',
  '.csp.hci.ic.gov',
];

// Host labels that name a service differently from its endpoint prefix.
const HOST_ALIASES: Record<string, string> = { ddb: 'dynamodb' };

/**
 * Endpoint-prefix candidates from an AWS hostname, most specific first: `streams.dynamodb.us-east-1.amazonaws.com`
 * → [`streams.dynamodb`, `dynamodb`]. Handles -fips, dualstack, VPC endpoints and account-prefixed hosts
 * (`123456789012.ddb.us-east-1.amazonaws.com`). Empty for non-AWS hosts (emulators, custom endpoints).
 */
export function endpointPrefixes(host: string, region: string): string[] {
  const h = host.toLowerCase();
  let suffix = '';
  for (const s of AWS_DNS_SUFFIXES) {
    if (h.endsWith(s)) {
      suffix = s;
      break;
    }
  }
  if (!suffix) return [];
  let labels = h.slice(0, h.length - suffix.length).split('.');
  // `<svc>.<region>.vpce` for interface endpoints: the region sits before the vpce label
  if (labels[labels.length - 1] === 'vpce') labels = labels.slice(0, -1);
  const at = region ? labels.lastIndexOf(region) : -1;
  if (at >= 0) labels = labels.slice(0, at);
  else if (labels.length > 1 && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(labels[labels.length - 1])) labels = labels.slice(0, -1);
  labels = labels
    .filter((l) => l !== 'dualstack' && !l.startsWith('vpce-') && !/^\d{12}$/.test(l))
    .map((l) => {
      const bare = l.endsWith('-fips') ? l.slice(0, -5) : l;
      return HOST_ALIASES[bare] ?? bare;
    });
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++) out.push(labels.slice(i).join('.'));
  return out;
}
