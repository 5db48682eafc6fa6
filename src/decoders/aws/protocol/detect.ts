// Which AWS wire protocol one request uses. Decided per request, never per service: CloudWatch speaks
// CBOR, JSON or query depending on the client, SQS JSON or query depending on its age.
import type { RequestHead } from '../../../exchange/types';

export type RequestShape =
  | { kind: 'rpc-v2-cbor'; service: string; operation: string }
  | { kind: 'json'; targetPrefix: string; operation: string }
  | { kind: 'form' }
  | { kind: 'rest' };

const CBOR_PATH = /\/service\/([^/]+)\/operation\/([^/]+)$/;

/** Head-only classification; `form` still needs the body to read `Action=`. */
export function requestShape(head: RequestHead): RequestShape {
  const h = head.headers;
  if (h['smithy-protocol'] === 'rpc-v2-cbor' || (head.method === 'POST' && head.path.includes('/operation/'))) {
    const m = CBOR_PATH.exec(head.path);
    if (m) return { kind: 'rpc-v2-cbor', service: m[1], operation: decodeURIComponent(m[2]) };
  }
  const target = h['x-amz-target'];
  if (target !== undefined) {
    const dot = target.lastIndexOf('.');
    if (dot > 0) return { kind: 'json', targetPrefix: target.slice(0, dot), operation: target.slice(dot + 1) };
  }
  const type = h['content-type'];
  if (head.method === 'POST' && type !== undefined && type.startsWith('application/x-www-form-urlencoded')) return { kind: 'form' };
  if (head.method === 'GET' && /(?:^|&)Action=/.test(head.query) && /(?:^|&)Version=/.test(head.query)) return { kind: 'form' };
  return { kind: 'rest' };
}

/** `Action` and `Version` of an awsQuery/ec2Query request, and the form's top-level members. */
export interface FormCall {
  action?: string;
  version?: string;
  params: Map<string, string>;
}

export function parseForm(text: string | undefined): FormCall {
  const params = new Map<string, string>();
  if (text) {
    for (const pair of text.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
      try {
        params.set(decodeURIComponent(rawKey.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' ')));
      } catch {
        params.set(rawKey, rawValue);
      }
    }
  }
  return { action: params.get('Action'), version: params.get('Version'), params };
}
