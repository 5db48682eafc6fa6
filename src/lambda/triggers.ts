// What started an invocation, read from the event's shape: a pure function of the event (no span, no
// env), so that each fixture under fixtures/lambda/ is a complete test of it.
import * as A from '../semconv';

export type TriggerKind = 'server' | 'consumer';
type Attributes = Record<string, string | number | boolean | string[]>;

export interface Trigger {
  /** `faas.trigger`: http, pubsub, datasource, timer, other. */
  trigger: 'http' | 'pubsub' | 'datasource' | 'timer' | 'other';
  /** Short name of the event source, for tests and views: apigateway-v1, sqs, ... */
  source: string;
  kind: TriggerKind;
  /** Span name, or undefined: the function's name. */
  name?: string;
  attributes: Attributes;
  /** An HTTP event's headers (lower-cased names), to continue an incoming traceparent. */
  headers?: Record<string, string>;
  /** X-Ray trace headers the event carries (SQS `attributes.AWSTraceHeader`), one per record. */
  traceHeaders: string[];
  /** The event's HTTP headers live under these keys (masked like real headers in the captured event). */
  headerKeys?: readonly string[];
}

type Rec = Record<string, unknown>;
const isObject = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The resource name in an ARN: `arn:aws:sqs:us-east-1:123:orders` → `orders`; `…:stream/name/…` → `name`. */
export function arnResourceName(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const parts = arn.split(':');
  const resource = parts.slice(5).join(':');
  if (!resource) return undefined;
  const slash = resource.split('/');
  return slash.length > 1 ? slash[1] : resource;
}

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(h)) return out;
  for (const [k, v] of Object.entries(h)) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

function http(event: Rec, source: string, method: string | undefined, route: string | undefined, path: string | undefined): Trigger {
  const attributes: Attributes = {};
  if (method) attributes[A.ATTR_HTTP_REQUEST_METHOD] = method.toUpperCase();
  if (route) attributes[A.ATTR_HTTP_ROUTE] = route;
  if (path) attributes[A.ATTR_URL_PATH] = path;
  const headers = lowerHeaders(event.headers);
  const name = method ? (route ? `${method.toUpperCase()} ${route}` : method.toUpperCase()) : undefined;
  return { trigger: 'http', source, kind: 'server', name, attributes, headers, traceHeaders: [], headerKeys: ['headers', 'multiValueHeaders'] };
}

/** Route of an API Gateway v2 / function URL event: the route key without its method (`GET /orders/{id}` → `/orders/{id}`). */
function routeOfKey(routeKey: string | undefined): string | undefined {
  if (!routeKey || routeKey === '$default') return undefined;
  const space = routeKey.indexOf(' ');
  return space > 0 ? routeKey.slice(space + 1) : routeKey;
}

function records(event: Rec): Rec[] | undefined {
  const r = event.Records;
  return Array.isArray(r) && r.length > 0 && r.every(isObject) ? (r as Rec[]) : undefined;
}

function consumer(source: string, system: string, destination: string | undefined, ids: string[], extra: Attributes, traceHeaders: string[] = [], trigger: Trigger['trigger'] = 'pubsub'): Trigger {
  const attributes: Attributes = {
    [A.ATTR_MESSAGING_SYSTEM]: system,
    [A.ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [A.ATTR_MESSAGING_OPERATION_NAME]: 'process',
    ...extra,
  };
  if (destination) attributes[A.ATTR_MESSAGING_DESTINATION_NAME] = destination;
  if (ids.length > 0) attributes[A.ATTR_WIRETAP_MESSAGING_MESSAGE_IDS] = ids;
  if (ids.length === 1) attributes[A.ATTR_MESSAGING_MESSAGE_ID] = ids[0]!;
  if (ids.length > 1) attributes[A.ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = ids.length;
  return { trigger, source, kind: 'consumer', name: destination ? `process ${destination}` : 'process', attributes, traceHeaders };
}

const ids = (recs: Rec[], get: (r: Rec) => unknown): string[] => recs.map(get).filter((v): v is string => typeof v === 'string');

export function detectTrigger(event: unknown): Trigger {
  const other: Trigger = { trigger: 'other', source: 'direct', kind: 'server', attributes: {}, traceHeaders: [] };
  if (!isObject(event)) return other;
  const rc = isObject(event.requestContext) ? event.requestContext : undefined;

  // HTTP: ALB, API Gateway HTTP API v2 / function URL, API Gateway REST v1.
  if (rc && isObject(rc.elb)) return http(event, 'alb', str(event.httpMethod), undefined, str(event.path));
  if (event.version === '2.0' && rc && isObject(rc.http)) {
    const isUrl = typeof rc.domainName === 'string' && rc.domainName.includes('.lambda-url.');
    return http(event, isUrl ? 'function-url' : 'apigateway-v2', str(rc.http.method), routeOfKey(str(event.routeKey)), str(event.rawPath) ?? str(rc.http.path));
  }
  if (str(event.httpMethod) && rc) return http(event, 'apigateway-v1', str(event.httpMethod), str(event.resource), str(event.path));

  const recs = records(event);
  if (recs) {
    const src = str(recs[0]!.eventSource) ?? str(recs[0]!.EventSource);
    switch (src) {
      case 'aws:sqs': {
        const queue = arnResourceName(str(recs[0]!.eventSourceARN));
        const headers = recs.map((r) => (isObject(r.attributes) ? str(r.attributes.AWSTraceHeader) : undefined)).filter((h): h is string => !!h);
        return consumer('sqs', A.MESSAGING_SYSTEM_VALUE_AWS_SQS, queue, ids(recs, (r) => r.messageId), {}, headers);
      }
      case 'aws:sns': {
        const topicArn = isObject(recs[0]!.Sns) ? str(recs[0]!.Sns.TopicArn) : undefined;
        const extra: Attributes = topicArn ? { [A.ATTR_AWS_SNS_TOPIC_ARN]: topicArn } : {};
        return consumer('sns', A.MESSAGING_SYSTEM_VALUE_AWS_SNS, arnResourceName(topicArn), ids(recs, (r) => (isObject(r.Sns) ? r.Sns.MessageId : undefined)), extra);
      }
      case 'aws:kinesis': {
        const stream = arnResourceName(str(recs[0]!.eventSourceARN));
        // The same attributes as the producer's PutRecord(s) span, so that a viewer can join them.
        const seq = ids(recs, (r) => (isObject(r.kinesis) ? r.kinesis.sequenceNumber : undefined));
        const extra: Attributes = { [A.ATTR_WIRETAP_AWS_KINESIS_SEQUENCE_NUMBERS]: seq, [A.ATTR_WIRETAP_AWS_KINESIS_RECORD_COUNT]: recs.length };
        if (stream) extra[A.ATTR_AWS_KINESIS_STREAM_NAME] = stream;
        return consumer('kinesis', 'aws_kinesis', stream, ids(recs, (r) => r.eventID), extra);
      }
      case 'aws:dynamodb': {
        const table = arnResourceName(str(recs[0]!.eventSourceARN));
        const seq = ids(recs, (r) => (isObject(r.dynamodb) ? r.dynamodb.SequenceNumber : undefined));
        const extra: Attributes = { [A.ATTR_WIRETAP_AWS_DYNAMODB_SEQUENCE_NUMBERS]: seq };
        if (table) extra[A.ATTR_AWS_DYNAMODB_TABLE_NAMES] = [table];
        return consumer('dynamodb-streams', 'aws_dynamodb_streams', table, ids(recs, (r) => r.eventID), extra, [], 'datasource');
      }
      case 'aws:s3': {
        const s3 = (r: Rec): Rec | undefined => (isObject(r.s3) ? r.s3 : undefined);
        const bucket = (() => {
          const b = s3(recs[0]!)?.bucket;
          return isObject(b) ? str(b.name) : undefined;
        })();
        const keys = ids(recs, (r) => {
          const o = s3(r)?.object;
          return isObject(o) ? o.key : undefined;
        });
        const extra: Attributes = { [A.ATTR_WIRETAP_AWS_S3_KEYS]: keys };
        if (bucket) extra[A.ATTR_AWS_S3_BUCKET] = bucket;
        if (keys.length === 1) extra[A.ATTR_AWS_S3_KEY] = keys[0]!;
        const t = consumer('s3', 'aws_s3', bucket, ids(recs, (r) => (isObject(r.responseElements) ? r.responseElements['x-amz-request-id'] : undefined)), extra, [], 'datasource');
        return t;
      }
      default:
        return other;
    }
  }

  // EventBridge (and scheduled rules, which are EventBridge events from aws.events).
  if (str(event['detail-type']) && str(event.source) && str(event.id) && 'detail' in event) {
    const scheduled = event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
    const bus = str(event['event-bus-name']);
    const extra: Attributes = {
      [A.ATTR_WIRETAP_AWS_EVENTBRIDGE_EVENT_IDS]: [event.id as string],
      [A.ATTR_WIRETAP_AWS_EVENTBRIDGE_SOURCES]: [event.source as string],
      [A.ATTR_WIRETAP_AWS_EVENTBRIDGE_DETAIL_TYPES]: [event['detail-type'] as string],
    };
    if (bus) extra[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_EVENT_BUS_NAMES] = [bus];
    return consumer(scheduled ? 'schedule' : 'eventbridge', 'aws_eventbridge', bus ?? (event.source as string), [event.id as string], extra, [], scheduled ? 'timer' : 'pubsub');
  }
  return other;
}

/** The HTTP status of an HTTP-triggered invocation's result: `{ statusCode }`, or 200 for any other result (API Gateway's rule). */
export function httpStatusOf(result: unknown): number | undefined {
  if (isObject(result) && typeof result.statusCode === 'number') return result.statusCode;
  if (isObject(result) && typeof result.statusCode === 'string' && /^\d{3}$/.test(result.statusCode)) return Number(result.statusCode);
  return result === undefined ? undefined : 200;
}
