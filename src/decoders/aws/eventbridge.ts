// EventBridge (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Op>`). PutEvents is a producer span: buses, sources,
// detail types, the event ids returned and failed entries. No semantic convention exists for EventBridge,
// so everything beyond the common AWS set is under `wiretap.aws.eventbridge.*`.
import type { Decoder, DecodedSpan } from '../decoder';
import * as A from '../../semconv';
import { credentialScope } from './identify';
import { awsSpan, decodeAws, type KnownService } from './common';
import { MAX_IDS, XRAY_HEADER, distinct, injectXray, objList, str } from './messaging';

const TARGET_PREFIX = 'AWSEvents';
const SERVICE: KnownService = { name: 'EventBridge', targetPrefix: TARGET_PREFIX };

/** Operations that send events: producer spans that carry the X-Ray header to the targets. */
const PRODUCERS: ReadonlySet<string> = new Set(['PutEvents', 'PutPartnerEvents']);

/** A bus given by ARN (`arn:aws:events:r:acct:event-bus/orders`) is named by its last segment. */
function busName(v: unknown): string {
  const s = str(v);
  if (!s) return 'default';
  const at = s.indexOf(':event-bus/');
  return at >= 0 ? s.slice(at + 11) : s;
}

function operationOf(target: string | undefined): string | undefined {
  return target !== undefined && target.startsWith(TARGET_PREFIX) && target.charCodeAt(TARGET_PREFIX.length) === 46 ? target.slice(TARGET_PREFIX.length + 1) : undefined;
}

export const eventbridgeDecoder: Decoder = {
  name: 'aws.eventbridge',
  match(head) {
    return operationOf(head.headers['x-amz-target']) !== undefined && credentialScope(head) !== undefined;
  },
  kindHint: (head) => (PRODUCERS.has(operationOf(head.headers['x-amz-target']) ?? '') ? 'producer' : undefined),
  inject: (head, ids) => (PRODUCERS.has(operationOf(head.headers['x-amz-target']) ?? '') ? injectXray(head, ids) : undefined),
  decode(x, ctx) {
    const call = decodeAws(x, ctx, SERVICE);
    if (!PRODUCERS.has(call.operation)) return awsSpan(call);
    const attrs = call.attributes;
    const input = call.input ?? {};
    const entries = objList(input.Entries);
    const buses = distinct(entries.map((e) => busName(e.EventBusName)));
    attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_ENTRY_COUNT] = entries.length;
    if (buses.length) attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_EVENT_BUS_NAMES] = buses;
    if (buses.length === 1) attrs[A.ATTR_MESSAGING_DESTINATION_NAME] = buses[0];
    if (entries.length >= 2) attrs[A.ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = entries.length;
    const sources = distinct(entries.map((e) => e.Source));
    if (sources.length) attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_SOURCES] = sources;
    const detailTypes = distinct(entries.map((e) => e.DetailType));
    if (detailTypes.length) attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_DETAIL_TYPES] = detailTypes;
    const endpoint = str(input.EndpointId);
    if (endpoint) attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_ENDPOINT_ID] = endpoint;
    const traceHeader = x.request.headers[XRAY_HEADER];
    if (traceHeader) attrs[A.ATTR_WIRETAP_AWS_TRACE_HEADER] = traceHeader;

    let error: DecodedSpan['error'];
    if (x.response && x.response.status < 300) {
      const out = call.output();
      const results = objList(out?.Entries);
      const ids = results.map((e) => str(e.EventId)).filter((v): v is string => !!v).slice(0, MAX_IDS);
      if (ids.length) attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_EVENT_IDS] = ids;
      if (ids.length === 1 && entries.length === 1) attrs[A.ATTR_MESSAGING_MESSAGE_ID] = ids[0];
      const failedCount = typeof out?.FailedEntryCount === 'number' ? out.FailedEntryCount : results.filter((e) => e.ErrorCode !== undefined).length;
      attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_FAILED_ENTRY_COUNT] = failedCount;
      if (failedCount > 0) {
        const codes = results.map((e) => str(e.ErrorCode)).filter((v): v is string => !!v).slice(0, MAX_IDS);
        if (codes.length) attrs[A.ATTR_WIRETAP_AWS_EVENTBRIDGE_ERROR_CODES] = codes;
        const type = codes[0] ?? 'FailedEntries';
        attrs[A.ATTR_ERROR_TYPE] = type;
        error = { type, message: `${failedCount} of ${entries.length || results.length} entries failed` };
      }
    }
    const span = awsSpan(call, 'producer');
    if (error && !span.error) span.error = error;
    return span;
  },
};
