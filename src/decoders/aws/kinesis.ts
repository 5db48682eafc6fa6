// Kinesis Data Streams (AWS JSON 1.1, `X-Amz-Target: Kinesis_20131202.<Op>`; HTTP/2 in SDK v3, JSON not
// CBOR for the Node SDKs). Puts are producer spans with the shards and sequence numbers written; GetRecords
// reports what it read. Record data reaches the span only as the (capped, redacted) body, like any body.
import type { Attributes } from '@opentelemetry/api';
import type { Decoder, DecodedKind, DecodedSpan } from '../decoder';
import * as A from '../../semconv';
import { credentialScope } from './identify';
import { awsSpan, decodeAws, type KnownService } from './common';
import { MAX_IDS, distinct, int, objList, str, type Obj } from './messaging';

const TARGET_PREFIX = 'Kinesis_20131202';
const SERVICE: KnownService = { name: 'Kinesis', targetPrefix: TARGET_PREFIX };

const KINDS: Record<string, DecodedKind> = {
  PutRecord: 'producer',
  PutRecords: 'producer',
  GetRecords: 'client',
};

/** `arn:aws:kinesis:us-east-1:123456789012:stream/clicks` → `clicks`. */
export function streamFromArn(arn: string): string | undefined {
  const at = arn.indexOf(':stream/');
  if (at < 0) return undefined;
  const rest = arn.slice(at + 8);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash);
}

function operationOf(target: string | undefined): string | undefined {
  return target !== undefined && target.startsWith(TARGET_PREFIX) && target.charCodeAt(TARGET_PREFIX.length) === 46 ? target.slice(TARGET_PREFIX.length + 1) : undefined;
}

function addResult(operation: string, out: Obj, attrs: Attributes): DecodedSpan['error'] {
  if (operation === 'PutRecord') {
    const shard = str(out.ShardId);
    const seq = str(out.SequenceNumber);
    if (shard) attrs[A.ATTR_WIRETAP_AWS_KINESIS_SHARD_IDS] = [shard];
    if (seq) attrs[A.ATTR_WIRETAP_AWS_KINESIS_SEQUENCE_NUMBERS] = [seq];
    return undefined;
  }
  const records = objList(out.Records);
  if (operation === 'GetRecords') {
    attrs[A.ATTR_WIRETAP_AWS_KINESIS_RECORD_COUNT] = records.length;
    const seqs = records.map((r) => str(r.SequenceNumber)).filter((v): v is string => !!v);
    if (seqs.length) attrs[A.ATTR_WIRETAP_AWS_KINESIS_SEQUENCE_NUMBERS] = seqs.slice(0, MAX_IDS);
    const behind = int(out.MillisBehindLatest);
    if (behind !== undefined) attrs[A.ATTR_WIRETAP_AWS_KINESIS_MILLIS_BEHIND_LATEST] = behind;
    return undefined;
  }
  if (operation !== 'PutRecords') return undefined;
  const shards = distinct(records.map((r) => r.ShardId), MAX_IDS);
  if (shards.length) attrs[A.ATTR_WIRETAP_AWS_KINESIS_SHARD_IDS] = shards;
  const seqs = records.map((r) => str(r.SequenceNumber)).filter((v): v is string => !!v);
  if (seqs.length) attrs[A.ATTR_WIRETAP_AWS_KINESIS_SEQUENCE_NUMBERS] = seqs.slice(0, MAX_IDS);
  const failed = int(out.FailedRecordCount) ?? records.filter((r) => r.ErrorCode !== undefined).length;
  attrs[A.ATTR_WIRETAP_AWS_KINESIS_FAILED_RECORD_COUNT] = failed;
  if (failed === 0) return undefined;
  const codes = distinct(records.map((r) => r.ErrorCode), MAX_IDS);
  if (codes.length) attrs[A.ATTR_WIRETAP_AWS_KINESIS_ERROR_CODES] = codes;
  const type = codes[0] ?? 'FailedRecords';
  attrs[A.ATTR_ERROR_TYPE] = type;
  return { type, message: `${failed} of ${records.length} records failed` };
}

export const kinesisDecoder: Decoder = {
  name: 'aws.kinesis',
  match(head) {
    return operationOf(head.headers['x-amz-target']) !== undefined && credentialScope(head) !== undefined;
  },
  kindHint: (head) => KINDS[operationOf(head.headers['x-amz-target']) ?? ''],
  decode(x, ctx) {
    const call = decodeAws(x, ctx, SERVICE);
    const attrs = call.attributes;
    const input = call.input ?? {};
    const stream = str(input.StreamName) ?? (str(input.StreamARN) && streamFromArn(str(input.StreamARN)!));
    if (stream) attrs[A.ATTR_AWS_KINESIS_STREAM_NAME] = stream;
    const shard = str(input.ShardId);
    if (shard) attrs[A.ATTR_WIRETAP_AWS_KINESIS_SHARD_IDS] = [shard];
    if (call.operation === 'PutRecords') attrs[A.ATTR_WIRETAP_AWS_KINESIS_RECORD_COUNT] = objList(input.Records).length;
    let error: DecodedSpan['error'];
    if (x.response && x.response.status < 300 && KINDS[call.operation]) {
      const out = call.output();
      if (out) error = addResult(call.operation, out, attrs);
    }
    const span = awsSpan(call, KINDS[call.operation] ?? 'client');
    if (error && !span.error) span.error = error;
    return span;
  },
};
