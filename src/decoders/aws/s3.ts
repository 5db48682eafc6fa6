// S3 (REST XML). The core resolves the operation from method, path, query and headers (the table's
// discriminators, or JS v3's `?x-id=`), and the bucket from a virtual host or the first path segment.
// Here: the object attributes of the S3 conventions, the object size and ETag. Object bodies are left to
// the pipeline's caps; binary content never becomes text (bodyText gives nothing for non-text types).
import type { Attributes } from '@opentelemetry/api';
import type { Decoder } from '../decoder';
import type { Headers } from '../../exchange/types';
import * as A from '../../semconv';
import { credentialScope } from './identify';
import { awsSpan, decodeAws, type KnownService } from './common';

const SERVICE: KnownService = { name: 'S3' };
const SIGNING_NAMES: ReadonlySet<string> = new Set(['s3', 's3express']);

/** Where an operation's object size is read: the request (uploads) or the response (downloads). */
const OBJECT_SIZE: Record<string, 'request' | 'response'> = {
  PutObject: 'request',
  UploadPart: 'request',
  GetObject: 'response',
  HeadObject: 'response',
};

/** Query parameters copied onto the span: name → [attribute, integer?]. */
const QUERY_MEMBERS: readonly (readonly [param: string, attribute: string, int: boolean])[] = [
  ['uploadId', A.ATTR_AWS_S3_UPLOAD_ID, false],
  ['partNumber', A.ATTR_AWS_S3_PART_NUMBER, true],
  ['versionId', A.ATTR_WIRETAP_AWS_S3_VERSION_ID, false],
];

function queryParams(query: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!query) return out;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    try {
      out.set(decodeURIComponent(k), eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' ')));
    } catch {
      out.set(k, eq < 0 ? '' : pair.slice(eq + 1));
    }
  }
  return out;
}

function size(headers: Headers | undefined, decoded: boolean): number | undefined {
  if (!headers) return undefined;
  // aws-chunked uploads: the wire length includes chunk framing; the object is x-amz-decoded-content-length
  const v = (decoded ? headers['x-amz-decoded-content-length'] : undefined) ?? headers['content-length'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function decodePercent(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function addObject(operation: string, req: Headers, res: Headers | undefined, status: number | undefined, attrs: Attributes): void {
  const side = OBJECT_SIZE[operation];
  if (side === 'request') {
    const n = size(req, true);
    if (n !== undefined) attrs[A.ATTR_WIRETAP_AWS_S3_OBJECT_SIZE] = n;
  } else if (side === 'response' && status !== undefined && status < 300) {
    const n = size(res, false);
    if (n !== undefined) attrs[A.ATTR_WIRETAP_AWS_S3_OBJECT_SIZE] = n;
  }
  if (res && status !== undefined && status < 300) {
    const etag = res['etag'];
    if (etag) attrs[A.ATTR_WIRETAP_AWS_S3_ETAG] = etag.replace(/^"|"$/g, '');
    const version = res['x-amz-version-id'];
    if (version && attrs[A.ATTR_WIRETAP_AWS_S3_VERSION_ID] === undefined) attrs[A.ATTR_WIRETAP_AWS_S3_VERSION_ID] = version;
  }
}

export const s3Decoder: Decoder = {
  name: 'aws.s3',
  match: (head) => {
    const scope = credentialScope(head);
    return scope !== undefined && SIGNING_NAMES.has(scope.signingName);
  },
  decode(x, ctx) {
    const call = decodeAws(x, ctx, SERVICE);
    const attrs = call.attributes;
    const bucket = call.labels?.Bucket;
    const key = call.labels?.Key;
    if (bucket) attrs[A.ATTR_AWS_S3_BUCKET] = bucket;
    if (key) attrs[A.ATTR_AWS_S3_KEY] = key;
    const req = x.request.headers;
    const copySource = req['x-amz-copy-source'];
    if (copySource) attrs[A.ATTR_AWS_S3_COPY_SOURCE] = decodePercent(copySource).replace(/^\//, '');
    const params = queryParams(x.request.query);
    for (const [param, attribute, isInt] of QUERY_MEMBERS) {
      const v = params.get(param);
      if (v === undefined || v === '') continue;
      if (!isInt) attrs[attribute] = v;
      else if (/^\d{1,6}$/.test(v)) attrs[attribute] = Number(v);
    }
    if (call.operation === 'CreateMultipartUpload' && x.response && x.response.status < 300) {
      const out = call.output();
      const uploadId = (out?.InitiateMultipartUploadResult as Record<string, unknown> | undefined)?.UploadId;
      if (typeof uploadId === 'string') attrs[A.ATTR_AWS_S3_UPLOAD_ID] = uploadId;
    }
    addObject(call.operation, req, x.response?.headers, x.response?.status, attrs);
    return awsSpan(call);
  },
};
