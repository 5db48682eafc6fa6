// SQS over both wire protocols: AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Op>`, SDK v3 ≥ 3.446, v2 ≥ 2.1491)
// and the older awsQuery (`Action=SendMessage` form body, XML responses). Messaging conventions on top of
// the AWS core: queue, message ids, batch counts and failures, and links from received messages to the
// producers named in their `AWSTraceHeader` system attribute or `traceparent` message attribute.
import type { Attributes, Link } from '@opentelemetry/api';
import type { Decoder, DecodedKind, DecodedSpan } from '../decoder';
import type { RequestHead } from '../../exchange/types';
import * as A from '../../semconv';
import { credentialScope } from './identify';
import { awsSpan, decodeAws, type AwsCall, type KnownService } from './common';
import {
  MAX_IDS,
  MAX_LINKS,
  XRAY_HEADER,
  at,
  formList,
  injectXray,
  isObj,
  messageLink,
  objList,
  parseTraceparent,
  parseXray,
  queryResult,
  str,
  type Obj,
} from './messaging';

const TARGET_PREFIX = 'AmazonSQS';
const SERVICE: KnownService = { name: 'SQS', targetPrefix: TARGET_PREFIX };

interface OperationSpec {
  kind: DecodedKind;
  /** `messaging.operation.name` / `.type`; absent for queue management calls. */
  name?: string;
  type?: 'send' | 'receive' | 'settle';
  /** Request list of a batch call: JSON member, and its awsQuery flattened prefix. */
  entries?: readonly [json: string, query: string];
  /** Batch result lists: successful entries (JSON member, awsQuery element) and failed ones. */
  results?: { ok: readonly [string, string]; failed: readonly [string, string] };
  /** The X-Ray header is added to this operation's request (SQS turns it into AWSTraceHeader). */
  propagates?: boolean;
}

const OPERATIONS: Record<string, OperationSpec> = {
  SendMessage: { kind: 'producer', name: 'send', type: 'send', propagates: true },
  SendMessageBatch: {
    kind: 'producer',
    name: 'send',
    type: 'send',
    entries: ['Entries', 'SendMessageBatchRequestEntry'],
    results: { ok: ['Successful', 'SendMessageBatchResultEntry'], failed: ['Failed', 'BatchResultErrorEntry'] },
    propagates: true,
  },
  ReceiveMessage: { kind: 'client', name: 'receive', type: 'receive' },
  DeleteMessage: { kind: 'client', name: 'delete', type: 'settle' },
  DeleteMessageBatch: {
    kind: 'client',
    name: 'delete',
    type: 'settle',
    entries: ['Entries', 'DeleteMessageBatchRequestEntry'],
    results: { ok: ['Successful', 'DeleteMessageBatchResultEntry'], failed: ['Failed', 'BatchResultErrorEntry'] },
  },
  ChangeMessageVisibility: { kind: 'client', name: 'change_visibility', type: 'settle' },
  ChangeMessageVisibilityBatch: {
    kind: 'client',
    name: 'change_visibility',
    type: 'settle',
    entries: ['Entries', 'ChangeMessageVisibilityBatchRequestEntry'],
    results: { ok: ['Successful', 'ChangeMessageVisibilityBatchResultEntry'], failed: ['Failed', 'BatchResultErrorEntry'] },
  },
};

/** `https://sqs.us-east-1.amazonaws.com/123456789012/orders` → `orders`. */
export function queueName(queueUrl: string): string | undefined {
  const path = queueUrl.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const slash = path.lastIndexOf('/');
  const name = slash < 0 ? path : path.slice(slash + 1);
  return name && !name.includes(':') ? name : undefined;
}

function target(head: RequestHead): string | undefined {
  const t = head.headers['x-amz-target'];
  return t !== undefined && t.startsWith(TARGET_PREFIX) && t.charCodeAt(TARGET_PREFIX.length) === 46 /* . */ ? t.slice(TARGET_PREFIX.length + 1) : undefined;
}

function isQuery(head: RequestHead): boolean {
  const type = head.headers['content-type'];
  return head.headers['x-amz-target'] === undefined && head.method === 'POST' && type !== undefined && type.startsWith('application/x-www-form-urlencoded');
}

/** The response's result object in JSON shape: the JSON body itself, or the awsQuery `<Op>Result` element. */
function resultOf(call: AwsCall): Obj | undefined {
  const out = call.output();
  if (!out) return undefined;
  return call.protocol === 'query' ? queryResult(out, call.operation) : out;
}

function entriesOf(call: AwsCall, spec: OperationSpec): Obj[] {
  if (!spec.entries) return [];
  const input = call.input;
  return call.protocol === 'query' ? formList(input, spec.entries[1]) : objList(input?.[spec.entries[0]]);
}

/** Message system attributes of a received message: JSON `Attributes{K:V}` or XML `<Attribute><Name/><Value/>`. */
function systemAttribute(message: Obj, name: string): string | undefined {
  const attrs = message.Attributes;
  if (isObj(attrs) && !('Name' in attrs)) return str(attrs[name]);
  for (const a of objList(message.Attribute ?? attrs)) if (a.Name === name) return str(a.Value);
  return undefined;
}

/** A string message attribute: JSON `MessageAttributes{K:{StringValue}}` or XML `<MessageAttribute><Name/><Value><StringValue/>`. */
function messageAttribute(message: Obj, name: string): string | undefined {
  const attrs = message.MessageAttributes;
  if (isObj(attrs) && !('Name' in attrs)) return str(at(attrs, name, 'StringValue'));
  for (const a of objList(message.MessageAttribute ?? attrs)) if (a.Name === name) return str(at(a, 'Value', 'StringValue'));
  return undefined;
}

function addReceived(result: Obj | undefined, attrs: Attributes): Link[] {
  const messages = objList(result?.Messages ?? result?.Message);
  attrs[A.ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = messages.length;
  const ids: string[] = [];
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    const id = str(m.MessageId);
    if (id && ids.length < MAX_IDS) ids.push(id);
    if (links.length >= MAX_LINKS) continue;
    const xray = systemAttribute(m, 'AWSTraceHeader');
    const tp = messageAttribute(m, 'traceparent');
    const ctx = (xray && parseXray(xray)) || (tp && parseTraceparent(tp)) || undefined;
    if (ctx && !seen.has(ctx.spanId)) {
      seen.add(ctx.spanId);
      links.push(messageLink(ctx, id));
    }
  }
  if (ids.length) attrs[A.ATTR_WIRETAP_MESSAGING_MESSAGE_IDS] = ids;
  if (messages.length === 1) {
    if (ids[0]) attrs[A.ATTR_MESSAGING_MESSAGE_ID] = ids[0];
    const body = str(messages[0].Body);
    if (body !== undefined) attrs[A.ATTR_MESSAGING_MESSAGE_BODY_SIZE] = Buffer.byteLength(body);
  }
  return links;
}

/** Successful and failed entries of a batch result; returns the failure to put on the span, if any. */
function addBatchResult(result: Obj | undefined, spec: OperationSpec, call: AwsCall, attrs: Attributes): DecodedSpan['error'] {
  if (!result || !spec.results) return undefined;
  const json = call.protocol !== 'query';
  const ok = objList(result[json ? spec.results.ok[0] : spec.results.ok[1]]);
  const failed = objList(result[json ? spec.results.failed[0] : spec.results.failed[1]]);
  if (spec.type === 'send') {
    const ids = ok.map((e) => str(e.MessageId)).filter((v): v is string => !!v).slice(0, MAX_IDS);
    if (ids.length) attrs[A.ATTR_WIRETAP_MESSAGING_MESSAGE_IDS] = ids;
  }
  if (failed.length === 0) return undefined;
  const codes = failed.map((e) => str(e.Code) ?? 'Unknown').slice(0, MAX_IDS);
  attrs[A.ATTR_WIRETAP_MESSAGING_FAILED_COUNT] = failed.length;
  attrs[A.ATTR_WIRETAP_MESSAGING_FAILED_CODES] = codes;
  attrs[A.ATTR_ERROR_TYPE] = codes[0];
  return { type: codes[0], message: `${failed.length} of ${failed.length + ok.length} entries failed` };
}

export const sqsDecoder: Decoder = {
  name: 'aws.sqs',
  // head only: JSON and query requests both sign as `sqs`
  match: (head) => credentialScope(head)?.signingName === 'sqs',
  kindHint(head) {
    const op = target(head);
    return op === undefined ? undefined : OPERATIONS[op]?.kind;
  },
  // JSON: only the sends. awsQuery: the Action is in the body, which is not known when headers go out, so
  // every query-protocol SQS request gets the header; SQS ignores it on other actions, as X-Ray's own SDK
  // instrumentation (which adds it to every AWS call) shows, and it is never part of the signature.
  inject(head, ids) {
    const op = target(head);
    if (op !== undefined ? OPERATIONS[op]?.propagates : isQuery(head)) return injectXray(head, ids);
    return undefined;
  },
  decode(x, ctx) {
    const call = decodeAws(x, ctx, SERVICE);
    const attrs = call.attributes;
    const spec = OPERATIONS[call.operation];
    attrs[A.ATTR_MESSAGING_SYSTEM] = A.MESSAGING_SYSTEM_VALUE_AWS_SQS;
    if (spec?.name) attrs[A.ATTR_MESSAGING_OPERATION_NAME] = spec.name;
    if (spec?.type) attrs[A.ATTR_MESSAGING_OPERATION_TYPE] = spec.type;
    const input = call.input;
    const queueUrl = str(input?.QueueUrl);
    if (queueUrl) {
      attrs[A.ATTR_AWS_SQS_QUEUE_URL] = queueUrl;
      const name = queueName(queueUrl);
      if (name) attrs[A.ATTR_MESSAGING_DESTINATION_NAME] = name;
    } else if (str(input?.QueueName)) {
      attrs[A.ATTR_MESSAGING_DESTINATION_NAME] = str(input?.QueueName)!;
    }
    const traceHeader = x.request.headers[XRAY_HEADER];
    if (traceHeader && spec?.propagates) attrs[A.ATTR_WIRETAP_AWS_TRACE_HEADER] = traceHeader;

    let error: DecodedSpan['error'];
    let links: Link[] | undefined;
    if (call.operation === 'SendMessage') {
      const body = str(input?.MessageBody);
      if (body !== undefined) attrs[A.ATTR_MESSAGING_MESSAGE_BODY_SIZE] = Buffer.byteLength(body);
    }
    if (spec?.entries) {
      const n = entriesOf(call, spec).length;
      if (n > 0) attrs[A.ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = n;
    }
    if (x.response && x.response.status < 300 && spec) {
      const result = resultOf(call);
      if (call.operation === 'SendMessage') {
        const id = str(result?.MessageId);
        if (id) attrs[A.ATTR_MESSAGING_MESSAGE_ID] = id;
      } else if (call.operation === 'ReceiveMessage') {
        links = addReceived(result, attrs);
      } else if (spec.results) {
        error = addBatchResult(result, spec, call, attrs);
      }
    }
    const span = awsSpan(call, spec?.kind ?? 'client');
    if (error && !span.error) span.error = error;
    if (links && links.length) span.links = links;
    return span;
  },
};
