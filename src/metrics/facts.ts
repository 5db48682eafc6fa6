// What a finished call tells its metrics, in bounded values only: no ids, no raw URLs, no message ids.
// A sampled call brings the decoder's description; an unsampled one ran no decoder and captured no body,
// so its facts come from the request head alone (method, host, X-Amz-Target, SigV4 scope, route tables)
// and the response head (status, `x-amzn-errortype`). What that cannot know: the DynamoDB table and the
// queue/topic/bus (they are in the body), the operation of a query-protocol POST (SNS, older SQS: the
// `Action` is in the body), resends of clients without `amz-sdk-request`, and Stripe/Algolia error codes.
import type { Attributes } from '@opentelemetry/api';
import type { Decoder } from '../decoders/decoder';
import type { Exchange, RequestHead } from '../exchange/types';
import type { SpanDescription } from '../spans/describe';
import * as A from '../semconv';

/** The rpc.method / operation value for a method the tables do not know (semantic conventions). */
export const OTHER = '_OTHER';

export interface CallFacts {
  method: string;
  host: string;
  port: number;
  status?: number;
  errorType?: string;
  /** Route template from the Stripe/Algolia tables, e.g. `/v1/customers/{customer}`. */
  urlTemplate?: string;
  aws?: { service: string; operation: string };
  db?: { system: string; operation: string; collection?: string };
  messaging?: { system: string; operationName: string; operationType: string; destination?: string };
  /** This attempt is a resend of an earlier one (SDK retry). */
  resend: boolean;
  /** Still in flight when reported (exit, crash, timeout): no duration recorded. */
  incomplete: boolean;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

const AWS_DECODERS: Record<string, string> = {
  'aws.dynamodb': 'DynamoDB',
  'aws.sqs': 'SQS',
  'aws.sns': 'SNS',
  'aws.eventbridge': 'EventBridge',
  'aws.kinesis': 'Kinesis',
  'aws.lambda': 'Lambda',
  'aws.s3': 'S3',
};

type MessagingOp = readonly [name: string, type: string];
const MESSAGING: Record<string, { system: string; ops: Record<string, MessagingOp> }> = {
  SQS: {
    system: A.MESSAGING_SYSTEM_VALUE_AWS_SQS,
    ops: {
      SendMessage: ['send', 'send'],
      SendMessageBatch: ['send', 'send'],
      ReceiveMessage: ['receive', 'receive'],
      DeleteMessage: ['delete', 'settle'],
      DeleteMessageBatch: ['delete', 'settle'],
      ChangeMessageVisibility: ['change_visibility', 'settle'],
      ChangeMessageVisibilityBatch: ['change_visibility', 'settle'],
    },
  },
  SNS: { system: A.MESSAGING_SYSTEM_VALUE_AWS_SNS, ops: { Publish: ['publish', 'send'], PublishBatch: ['publish', 'send'] } },
  // No convention exists for these two: the custom values the research notes recommend.
  EventBridge: { system: 'aws.eventbridge', ops: { PutEvents: ['send', 'send'] } },
  Kinesis: { system: 'aws.kinesis', ops: { PutRecord: ['send', 'send'], PutRecords: ['send', 'send'], GetRecords: ['receive', 'receive'] } },
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** `ResourceNotFoundException:http://internal.amazon.com/...` → `ResourceNotFoundException`. */
function awsErrorHeader(x: Exchange): string | undefined {
  const h = x.response?.headers['x-amzn-errortype'] ?? x.response?.headers['x-amzn-query-error'];
  if (!h) return undefined;
  const code = h.split(/[:;]/)[0].trim();
  return code || undefined;
}

/** `/v1/customers/cus_1` and `[['customer', 'cus_1']]` → `/v1/customers/{customer}`. */
export function templateOf(path: string, params: readonly (readonly [string, string])[]): string {
  const parts = path.split('/');
  let p = 0;
  for (let i = 0; i < parts.length && p < params.length; i++) {
    if (parts[i] === '') continue;
    let decoded = parts[i];
    try {
      decoded = decodeURIComponent(parts[i]);
    } catch {
      /* keep it raw */
    }
    if (decoded === params[p][1]) parts[i] = `{${params[p++][0]}}`;
  }
  return parts.join('/');
}

/* eslint-disable @typescript-eslint/no-require-imports */
// Loaded on first use, once: the decoders' head helpers (AWS table ~1 MB only when a call needs it).
let detect: typeof import('../decoders/aws/protocol/detect') | undefined;
let identify: typeof import('../decoders/aws/identify') | undefined;
let awsTable: typeof import('../decoders/aws/table') | undefined;
let routeTable: typeof import('../decoders/route-table') | undefined;

/** The AWS service and operation from the head only (unsampled calls). */
function awsFromHead(head: RequestHead, decoder: Decoder): { service: string; operation: string } | undefined {
  const known = AWS_DECODERS[decoder.name];
  if (!known && decoder.name !== 'aws') return undefined;
  const shape = (detect ??= require('../decoders/aws/protocol/detect') as typeof import('../decoders/aws/protocol/detect')).requestShape(head);
  if (known && (shape.kind === 'json' || shape.kind === 'rpc-v2-cbor')) return { service: known, operation: shape.operation };
  const { credentialScope, endpointPrefixes } = (identify ??= require('../decoders/aws/identify') as typeof import('../decoders/aws/identify'));
  const table = (awsTable ??= require('../decoders/aws/table') as typeof import('../decoders/aws/table'));
  const scope = credentialScope(head);
  const signingName = scope?.signingName ?? '';
  const hostPrefixes = scope ? endpointPrefixes(head.host, scope.region) : [];
  if (shape.kind === 'json' || shape.kind === 'rpc-v2-cbor') {
    const prefix = shape.kind === 'json' ? shape.targetPrefix : shape.service;
    const spec = table.candidateServices({ signingName, hostPrefixes, targetPrefix: prefix, operation: shape.operation })[0];
    return { service: spec?.name ?? prefix.replace(/_\d{8}$/, ''), operation: spec ? shape.operation : OTHER };
  }
  if (shape.kind === 'form') {
    const action = head.method === 'GET' ? /(?:^|&)Action=([^&]*)/.exec(head.query)?.[1] : undefined;
    const spec = table.candidateServices({ signingName, hostPrefixes, operation: action })[0];
    const service = known ?? spec?.name ?? (signingName || 'AWS');
    return { service, operation: action && spec && table.operationOf(spec, action) ? action : OTHER };
  }
  const services = table.candidateServices({ signingName, hostPrefixes, rest: true });
  const route = table.matchRestRoute(head, services);
  return { service: known ?? route?.service.name ?? services[0]?.name ?? (signingName || 'AWS'), operation: route?.operation.name ?? OTHER };
}

function urlTemplateOf(head: RequestHead, decoder: Decoder): string | undefined {
  if (decoder.name !== 'stripe' && decoder.name !== 'algolia') return undefined;
  const { resolveRoute } = (routeTable ??= require('../decoders/route-table') as typeof import('../decoders/route-table'));
  const routes = decoder.name === 'stripe' ? (require('../decoders/stripe') as typeof import('../decoders/stripe')).STRIPE_ROUTES : (require('../decoders/algolia') as typeof import('../decoders/algolia')).ALGOLIA_ROUTES;
  const route = resolveRoute(routes, head.method, head.path);
  return route ? templateOf(head.path, route.params) : undefined;
}

function resendFromHead(head: RequestHead): boolean {
  const v = head.headers['amz-sdk-request'];
  if (!v) return false;
  const m = /(?:^|[;\s])attempt=(\d+)/.exec(v);
  return m !== null && Number(m[1]) > 1;
}

export function callFacts(x: Exchange, d: SpanDescription | undefined, decoder: Decoder, withUrlTemplate: boolean): CallFacts {
  const head = x.request;
  const method = KNOWN_METHODS.has(head.method) ? head.method : OTHER;
  const status = x.response?.status;
  const attrs: Attributes | undefined = d?.attributes;
  let errorType = x.error?.type ?? (status !== undefined && status >= 400 ? String(status) : undefined);
  if (x.incomplete) errorType = 'incomplete';
  const facts: CallFacts = {
    method,
    host: head.host.toLowerCase(),
    port: head.port,
    status,
    errorType,
    resend: attrs ? Number(attrs[A.ATTR_HTTP_REQUEST_RESEND_COUNT] ?? 0) > 0 : resendFromHead(head),
    incomplete: x.incomplete === true,
  };
  if (withUrlTemplate) facts.urlTemplate = urlTemplateOf(head, decoder);

  let aws: CallFacts['aws'];
  if (attrs && attrs[A.ATTR_RPC_SYSTEM] === A.RPC_SYSTEM_VALUE_AWS_API) {
    aws = { service: str(attrs[A.ATTR_RPC_SERVICE]) ?? 'AWS', operation: str(attrs[A.ATTR_RPC_METHOD]) ?? OTHER };
  } else if (!attrs || decoder.name === 'aws' || AWS_DECODERS[decoder.name]) {
    aws = awsFromHead(head, decoder);
  }
  if (!aws) return facts;
  facts.aws = aws;
  // The AWS error code, when AWS said one (decoder: from the body; unsampled: the JSON protocols' header).
  const awsError = (attrs && str(attrs[A.ATTR_ERROR_TYPE])) ?? awsErrorHeader(x);
  if (awsError && !x.incomplete && !x.error) facts.errorType = awsError;

  if (aws.service === 'DynamoDB') {
    facts.db = { system: A.DB_SYSTEM_NAME_VALUE_AWS_DYNAMODB, operation: aws.operation, collection: attrs && str(attrs[A.ATTR_DB_COLLECTION_NAME]) };
  }
  const m = MESSAGING[aws.service];
  const op = m?.ops[aws.operation];
  if (m && op) {
    let destination: string | undefined;
    if (attrs) {
      // SNS names an SMS number (masked) or a device endpoint there too: only topics are bounded.
      if (aws.service !== 'SNS' || attrs[A.ATTR_AWS_SNS_TOPIC_ARN] !== undefined) destination = str(attrs[A.ATTR_MESSAGING_DESTINATION_NAME]);
      if (aws.service === 'Kinesis') destination = str(attrs[A.ATTR_AWS_KINESIS_STREAM_NAME]);
    }
    facts.messaging = { system: m.system, operationName: op[0], operationType: op[1], destination };
  }
  return facts;
}
