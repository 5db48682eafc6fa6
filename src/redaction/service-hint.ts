// The service of a request from its head alone, for the service-aware redaction rules when no decoder
// named one (no decoder for it, or the decoder threw and the span fell back to generic HTTP). The
// redaction of a Secrets Manager response must not depend on a decoder being healthy.
import type { RequestHead } from '../exchange/types';

const TARGET_PREFIXES: Record<string, string> = {
  secretsmanager: 'secretsmanager',
  amazonssm: 'ssm',
  trentservice: 'kms',
  dynamodb: 'dynamodb',
  awslambda: 'lambda',
};

const HOST_SERVICES: ReadonlyArray<[RegExp, string]> = [
  [/^secretsmanager(-fips)?\.[^.]+\.amazonaws\.com/, 'secretsmanager'],
  [/^ssm(-fips)?\.[^.]+\.amazonaws\.com/, 'ssm'],
  [/^kms(-fips)?\.[^.]+\.amazonaws\.com/, 'kms'],
  [/^sts(-fips)?\.([^.]+\.)?amazonaws\.com/, 'sts'],
  [/^dynamodb(-fips)?\.[^.]+\.amazonaws\.com/, 'dynamodb'],
  [/^lambda(-fips)?\.[^.]+\.amazonaws\.com/, 'lambda'],
  [/^(api|files|connect)\.stripe\.com$/, 'stripe'],
];

export function serviceHint(head: Pick<RequestHead, 'host' | 'headers'>): { service: string; operation?: string } | undefined {
  const target = head.headers['x-amz-target'];
  if (target) {
    const dot = target.indexOf('.');
    const prefix = target.slice(0, dot < 0 ? undefined : dot).toLowerCase().replace(/_\d+$/, '');
    const service = TARGET_PREFIXES[prefix];
    if (service) return { service, operation: dot < 0 ? undefined : target.slice(dot + 1) };
  }
  const host = head.host.toLowerCase();
  for (const [re, service] of HOST_SERVICES) if (re.test(host)) return { service };
  return undefined;
}

/**
 * The service and operation the body rules are chosen by: the decoder's `rpc.service`/`rpc.method` when it
 * set them, the request head otherwise. The span pipeline and record mode both use this, so a body is
 * redacted the same way wherever it is written.
 */
export function redactionService(
  attributes: Record<string, unknown>,
  head: Pick<RequestHead, 'host' | 'headers'>,
): { service?: string; operation?: string } {
  return redactionServiceOf(attributes['rpc.service'], attributes['rpc.method'], head);
}

/** redactionService from the two attribute values. */
export function redactionServiceOf(rpcService: unknown, rpcMethod: unknown, head: Pick<RequestHead, 'host' | 'headers'>): { service?: string; operation?: string } {
  const service = typeof rpcService === 'string' ? rpcService : undefined;
  const operation = typeof rpcMethod === 'string' ? rpcMethod : undefined;
  if (service !== undefined) return { service, operation };
  const hint = serviceHint(head);
  return { service: hint?.service, operation: operation ?? hint?.operation };
}
