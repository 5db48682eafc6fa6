// SNS (awsQuery 2010-03-31, XML responses): Publish and PublishBatch as producer spans with the topic,
// the message ids they produced and failed batch entries. An SMS target (`PhoneNumber=`) is masked.
import type { Attributes } from '@opentelemetry/api';
import type { Decoder, DecodedSpan, DecodeContext } from '../decoder';
import type { Exchange } from '../../exchange/types';
import * as A from '../../semconv';
import { credentialScope } from './identify';
import { awsSpan, decodeAws, type AwsCall, type KnownService } from './common';
import { MAX_IDS, XRAY_HEADER, formList, injectXray, objList, queryResult, str, type Obj } from './messaging';

const SERVICE: KnownService = { name: 'SNS' };

interface OperationSpec {
  /** Flattened awsQuery list of a batch call (`PublishBatchRequestEntries.member.N.*`) and its JSON member. */
  entries?: readonly [json: string, query: string];
}

const OPERATIONS: Record<string, OperationSpec> = {
  Publish: {},
  PublishBatch: { entries: ['PublishBatchRequestEntries', 'PublishBatchRequestEntries.member'] },
};

/** Digits kept at the end of a masked phone number. */
const PHONE_KEEP = 2;

/** `+15555550123` → `*********23` (length kept, last 2 digits shown). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  if (digits.length <= PHONE_KEEP) return '*'.repeat(phone.length);
  return '*'.repeat(Math.max(phone.length - PHONE_KEEP, 1)) + digits.slice(-PHONE_KEEP);
}

/** `arn:aws:sns:us-east-1:123456789012:orders` → `orders`; an endpoint ARN → its `endpoint/…` resource. */
function arnResource(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 6 ? parts.slice(5).join(':') : arn;
}

function destination(input: Obj, attrs: Attributes): void {
  const topic = str(input.TopicArn);
  const targetArn = str(input.TargetArn);
  const phone = str(input.PhoneNumber);
  if (topic) {
    attrs[A.ATTR_AWS_SNS_TOPIC_ARN] = topic;
    attrs[A.ATTR_MESSAGING_DESTINATION_NAME] = arnResource(topic);
  } else if (targetArn) {
    attrs[A.ATTR_WIRETAP_AWS_SNS_TARGET_ARN] = targetArn;
    attrs[A.ATTR_MESSAGING_DESTINATION_NAME] = arnResource(targetArn);
  } else if (phone) {
    const masked = maskPhone(phone);
    attrs[A.ATTR_WIRETAP_AWS_SNS_PHONE_NUMBER] = masked;
    attrs[A.ATTR_MESSAGING_DESTINATION_NAME] = masked;
  }
}

/** The request body with the phone number masked, redacted as the pipeline would: SMS publishes only. */
function maskedRequestBody(x: Exchange, ctx: DecodeContext, call: AwsCall, phone: string): string | undefined {
  const text = ctx.requestText();
  if (text === undefined) return undefined;
  const encoded = [encodeURIComponent(phone), encodeURIComponent(phone).replace(/%20/g, '+'), phone];
  let masked = text;
  for (const e of encoded) masked = masked.split(e).join(encodeURIComponent(maskPhone(phone)));
  return ctx.redactor.body(masked, {
    contentType: x.request.headers['content-type'],
    service: call.service,
    operation: call.operation,
    truncated: x.requestBody?.truncated ?? false,
    side: 'request',
  });
}

export const snsDecoder: Decoder = {
  name: 'aws.sns',
  match: (head) => credentialScope(head)?.signingName === 'sns',
  // awsQuery: the Action is in the body. Publish is the call on hot paths, so spans start as producers;
  // the pipeline corrects the kind of the other actions once `decode` has read the body.
  kindHint: (head) => (head.method === 'POST' ? 'producer' : undefined),
  // Every SNS request gets the X-Ray header: the Action is not known from the head, SNS ignores the header
  // on management actions, and it is never part of the signature.
  inject: (head, ids) => (head.method === 'POST' ? injectXray(head, ids) : undefined),
  decode(x, ctx) {
    const call = decodeAws(x, ctx, SERVICE);
    const attrs = call.attributes;
    const spec = OPERATIONS[call.operation];
    attrs[A.ATTR_MESSAGING_SYSTEM] = A.MESSAGING_SYSTEM_VALUE_AWS_SNS;
    const input = call.input ?? {};
    destination(input, attrs);
    if (!spec) return awsSpan(call, 'client');

    attrs[A.ATTR_MESSAGING_OPERATION_NAME] = 'publish';
    attrs[A.ATTR_MESSAGING_OPERATION_TYPE] = 'send';
    const traceHeader = x.request.headers[XRAY_HEADER];
    if (traceHeader) attrs[A.ATTR_WIRETAP_AWS_TRACE_HEADER] = traceHeader;
    const json = call.protocol !== 'query';
    let error: DecodedSpan['error'];

    if (call.operation === 'Publish') {
      const message = str(input.Message);
      if (message !== undefined) attrs[A.ATTR_MESSAGING_MESSAGE_BODY_SIZE] = Buffer.byteLength(message);
      if (x.response && x.response.status < 300) {
        const out = call.output();
        const id = str(json ? out?.MessageId : queryResult(out, 'Publish')?.MessageId);
        if (id) attrs[A.ATTR_MESSAGING_MESSAGE_ID] = id;
      }
    } else if (spec.entries) {
      const entries = json ? objList(input[spec.entries[0]]) : formList(input, spec.entries[1]);
      if (entries.length) attrs[A.ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = entries.length;
      if (x.response && x.response.status < 300) {
        const out = call.output();
        const result = json ? out : queryResult(out, 'PublishBatch');
        const ok = objList(result?.Successful);
        const failed = objList(result?.Failed);
        const ids = ok.map((e) => str(e.MessageId)).filter((v): v is string => !!v).slice(0, MAX_IDS);
        if (ids.length) attrs[A.ATTR_WIRETAP_MESSAGING_MESSAGE_IDS] = ids;
        if (failed.length) {
          const codes = failed.map((e) => str(e.Code) ?? 'Unknown').slice(0, MAX_IDS);
          attrs[A.ATTR_WIRETAP_MESSAGING_FAILED_COUNT] = failed.length;
          attrs[A.ATTR_WIRETAP_MESSAGING_FAILED_CODES] = codes;
          attrs[A.ATTR_ERROR_TYPE] = codes[0];
          error = { type: codes[0], message: `${failed.length} of ${failed.length + ok.length} entries failed` };
        }
      }
    }

    const span = awsSpan(call, 'producer');
    if (error && !span.error) span.error = error;
    const phone = str(input.PhoneNumber);
    if (phone) {
      // The pipeline would put the raw form body (with the number) on the span: put a masked one instead.
      span.addBodies = false;
      const body = maskedRequestBody(x, ctx, call, phone);
      if (body !== undefined) attrs[A.ATTR_HTTP_REQUEST_BODY_CONTENT] = body;
    }
    return span;
  },
};
