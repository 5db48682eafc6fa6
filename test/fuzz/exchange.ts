// The fuzz target and its generators. One case is one exchange in the fixture format (so a shrunk
// failure is saved as a fixture as it is): a request head that some decoder matches (every built-in
// decoder, and generic HTTP), bodies that are valid, truncated at any offset, mis-typed, garbage, gzip
// noise, non-UTF-8 or CBOR noise, and planted secrets placed where the rules promise to find them.
import fc from 'fast-check';
import * as zlib from 'node:zlib';
import { DecoderRegistry } from '../../src/decoders/registry';
import { builtInDecoders } from '../../src/decoders';
import { loadConfig } from '../../src/config/load';
import { createRedactor } from '../../src/redaction/redact';
import { describeExchange, type SpanDescription } from '../../src/spans/describe';
import { toExchange, type Fixture, type FixtureBody } from '../../src/fixture/format';
import { ATTR_WIRETAP_DECODER_ERROR } from '../../src/semconv';

/** Secrets no span may ever carry, whatever surrounds them. Obviously fake. */
export const PLANTED = {
  /** Found by key rules: only planted under a sensitive key. */
  byKey: 'PLANTEDfuzzKeyedSecret42',
  /** Found by the value detectors wherever they stand. */
  stripe: 'sk_live_PLANTEDfuzz0001abcd',
  awsKeyId: 'AKIAPLANTEDFUZZ00001',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmdXp6In0.PLANTEDfuzzSignature',
} as const;
const DETECTED = [PLANTED.stripe, PLANTED.awsKeyId, PLANTED.jwt];

const config = loadConfig({});
const redactor = createRedactor(config.redaction);
const registry = new DecoderRegistry(builtInDecoders);

export interface CaseResult {
  description: SpanDescription;
  problems: string[];
}

/** Runs one exchange through match + describe as the pipeline does at span end, and checks the invariants. */
export function check(exchange: Fixture['exchange']): CaseResult {
  const problems: string[] = [];
  const x = toExchange(exchange);
  const decoder = registry.match(x.request);
  const description = describeExchange(x, decoder, {
    redactor,
    captureBodies: 'all',
    captureHeaders: ['authorization', 'x-amz-log-result', 'x-api-key', 'content-type'],
    maxBodyBytes: config.maxBodyBytes,
    maxErrorBodyBytes: config.maxErrorBodyBytes,
    state: new Map(),
  });
  const decoderError = description.attributes[ATTR_WIRETAP_DECODER_ERROR];
  if (decoderError !== undefined) problems.push(`decoder threw: ${String(decoderError)}`);
  const text = JSON.stringify(description);
  for (const secret of Object.values(PLANTED)) if (text.includes(secret)) problems.push(`planted secret on the span: ${secret}`);
  return { description, problems };
}

// ---- generators -------------------------------------------------------------------------------------

const AUTH = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

interface Head {
  method: string;
  url: string;
  headers: Record<string, string>;
}

const innocentKey = fc.constantFrom('id', 'name', 'Item', 'S', 'N', 'M', 'L', 'Records', 'Body', 'Message', 'Entries', 'Detail', 'data', 'note', 'Value', 'Name', 'TableName', 'QueueUrl', 'statusCode', 'body');
const sensitiveKey = fc.constantFrom('password', 'Password', 'client_secret', 'apiKey', 'x-api-key', 'access_token', 'SecretString', 'secret', 'token', 'Authorization', 'privateKey');
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
const detected = fc.constantFrom(...DETECTED);

/** A JSON value with secrets planted: under sensitive keys (any value), detector-shaped anywhere. */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    detected,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(innocentKey, tie('v'), { maxKeys: 4 }),
    fc.tuple(sensitiveKey, fc.constant(PLANTED.byKey)).map(([k, v]) => ({ [k]: v })),
    // A secret in a JSON document inside a string (an SQS body, a Lambda proxy `body`).
    fc.tuple(sensitiveKey, fc.constant(PLANTED.byKey)).map(([k, v]) => JSON.stringify({ [k]: v })),
  ),
})).v;

const jsonText = fc.tuple(jsonValue, fc.boolean()).map(([v, pretty]) => JSON.stringify(v, null, pretty ? 2 : undefined) ?? 'null');
const formText = fc
  .array(fc.oneof(fc.tuple(innocentKey, fc.string({ maxLength: 10 })), fc.tuple(sensitiveKey, fc.constant(PLANTED.byKey)), fc.tuple(innocentKey, detected)), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const xmlText = fc
  .array(fc.oneof(fc.tuple(innocentKey, fc.string({ maxLength: 10 })), fc.tuple(sensitiveKey, fc.constant(PLANTED.byKey)), fc.tuple(innocentKey, detected)), { maxLength: 6 })
  .map((els) => `<?xml version="1.0"?><Response>${els.map(([k, v]) => `<${k}>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`).join('')}</Response>`);
const freeText = fc.tuple(fc.string({ maxLength: 30 }), detected, fc.string({ maxLength: 30 })).map(([a, s, b]) => `${a} ${s} ${b}`);

/** A body: text of some kind (maybe cut at any offset, i.e. truncated), or bytes that are not what they claim. */
const body: fc.Arbitrary<{ body?: FixtureBody; bodySize?: number }> = fc.oneof(
  fc.constant({}),
  fc.tuple(fc.oneof(jsonText, formText, xmlText, freeText), fc.option(fc.nat(), { nil: undefined })).map(([text, cut]) => {
    if (cut === undefined || text.length === 0) return { body: text };
    const at = cut % (text.length + 1);
    const prefix = Buffer.from(text).subarray(0, at);
    return { body: { base64: prefix.toString('base64') }, bodySize: Buffer.byteLength(text) };
  }),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ body: { base64: Buffer.from(b).toString('base64') } })),
  // Long repetitive text: what makes a backtracking regex take seconds (`a=&a=&…` then a space).
  fc
    .tuple(fc.oneof(fc.constantFrom('a=&', 'a=1&', '{"a":', '<a>', 'password=', '\\"', '0 ', 'AKIA'), fc.string({ maxLength: 3 })), fc.integer({ min: 20, max: 3000 }), fc.constantFrom('', ' ', '\n', '"', '&'))
    .map(([unit, n, tail]) => ({ body: unit.repeat(n) + tail })),
  // gzip garbage: a gzip header followed by noise, and real gzip of a JSON document
  fc.uint8Array({ maxLength: 100 }).map((b) => ({ body: { base64: Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from(b)]).toString('base64') } })),
  jsonText.map((t) => ({ body: { base64: zlib.gzipSync(t).toString('base64') } })),
  // non-UTF-8: lone continuation bytes and overlong sequences around a JSON document
  jsonText.map((t) => ({ body: { base64: Buffer.concat([Buffer.from([0xc0, 0x80, 0xff]), Buffer.from(t), Buffer.from([0xe2, 0x82])]).toString('base64') } })),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/x-amz-json-1.0',
  'application/x-amz-json-1.1',
  'application/cbor',
  'application/x-www-form-urlencoded',
  'text/xml',
  'application/xml',
  'text/plain',
  'application/octet-stream',
  'text/html',
  'image/png',
);
const contentEncoding = fc.constantFrom(undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'compress');

const heads: fc.Arbitrary<Head> = fc.oneof(
  fc.constantFrom('GetItem', 'Query', 'UpdateItem', 'BatchWriteItem', 'ExecuteStatement', 'NoSuchOp').map((op) => ({
    method: 'POST',
    url: 'https://dynamodb.us-east-1.amazonaws.com/',
    headers: { 'x-amz-target': `DynamoDB_20120810.${op}`, authorization: AUTH('dynamodb') },
  })),
  fc.constantFrom('SendMessage', 'ReceiveMessage', 'SendMessageBatch').map((op) => ({
    method: 'POST',
    url: 'https://sqs.us-east-1.amazonaws.com/',
    headers: { 'x-amz-target': `AmazonSQS.${op}`, authorization: AUTH('sqs') },
  })),
  fc.constantFrom('Publish', 'PublishBatch', 'SendMessage').map((action) => ({
    method: 'POST',
    url: `https://${action === 'SendMessage' ? 'sqs' : 'sns'}.us-east-1.amazonaws.com/`,
    headers: { authorization: AUTH(action === 'SendMessage' ? 'sqs' : 'sns'), 'x-fuzz-action': action },
  })),
  fc.constant({ method: 'POST', url: 'https://events.us-east-1.amazonaws.com/', headers: { 'x-amz-target': 'AWSEvents.PutEvents', authorization: AUTH('events') } }),
  fc.constantFrom('PutRecord', 'PutRecords', 'GetRecords').map((op) => ({
    method: 'POST',
    url: 'https://kinesis.us-east-1.amazonaws.com/',
    headers: { 'x-amz-target': `Kinesis_20131202.${op}`, authorization: AUTH('kinesis') },
  })),
  fc.constantFrom('/2015-03-31/functions/my-fn/invocations', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/invocations', '/2015-03-31/functions/f/configuration').map((p) => ({
    method: 'POST',
    url: `https://lambda.us-east-1.amazonaws.com${p}`,
    headers: { authorization: AUTH('lambda'), 'x-amz-log-type': 'Tail' },
  })),
  fc.constantFrom('/bucket/key.json', '/bucket?list-type=2', '/bucket/key?uploads', '/').map((p) => ({
    method: 'GET',
    url: `https://s3.us-east-1.amazonaws.com${p}`,
    headers: { authorization: AUTH('s3'), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  })),
  fc.constantFrom('secretsmanager', 'ssm', 'kms', 'sts', 'monitoring').map((svc) => ({
    method: 'POST',
    url: `https://${svc}.us-east-1.amazonaws.com/`,
    headers: { authorization: AUTH(svc), 'x-amz-target': svc === 'secretsmanager' ? 'secretsmanager.GetSecretValue' : `${svc}.Op` },
  })),
  fc.constantFrom('/v1/payment_intents', '/v1/customers/cus_123', '/v1/charges?limit=3', '/v2/unknown').map((p) => ({
    method: 'POST',
    url: `https://api.stripe.com${p}`,
    headers: { authorization: `Bearer ${PLANTED.stripe}` },
  })),
  fc.constantFrom('/1/indexes/products/query', '/1/indexes/*/queries', '/1/keys', '/1/indexes/products/batch').map((p) => ({
    method: 'POST',
    url: `https://APPID-dsn.algolia.net${p}`,
    headers: { 'x-algolia-application-id': 'APPID', 'x-algolia-api-key': PLANTED.byKey },
  })),
  fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'WEIRD'), fc.constantFrom('/', '/a/b', `/users?token=${PLANTED.byKey}&page=2`, `/p/${PLANTED.stripe}`, `/?api_key=${PLANTED.byKey}#access_token=${PLANTED.byKey}`)).map(([m, p]) => ({
    method: m,
    url: `https://api.example.com${p}`,
    headers: {},
  })),
);

function withHeaders(h: Head, extra: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = { ...h.headers };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  delete out['x-fuzz-action'];
  return out;
}

/** One whole exchange. Huge headers, wrong content types, errors and in-flight ends included. */
export const exchanges: fc.Arbitrary<Fixture['exchange']> = fc
  .record({
    head: heads,
    reqType: contentType,
    reqEncoding: contentEncoding,
    reqBody: body,
    status: fc.constantFrom(200, 200, 200, 202, 204, 301, 400, 403, 404, 429, 500, 503),
    resType: contentType,
    resEncoding: contentEncoding,
    resBody: body,
    huge: fc.option(fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.repeat(5000)), { nil: undefined }),
    logTail: fc.option(fc.oneof(freeText, jsonText.map((t) => `START\n${t}\nEND`)).map((t) => Buffer.from(t).toString('base64')), { nil: undefined }),
    requestId: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    fnError: fc.option(fc.constantFrom('Unhandled', 'Handled'), { nil: undefined }),
    ending: fc.constantFrom('response', 'response', 'response', 'error', 'incomplete'),
    errorMessage: freeText,
  })
  .map((c) => {
    const action = c.head.headers['x-fuzz-action'];
    const reqBody = action && c.reqBody.body === undefined ? { body: `Action=${action}&Version=2012-11-05&Message=${encodeURIComponent(PLANTED.stripe)}` } : c.reqBody;
    const request = {
      method: c.head.method,
      url: c.head.url,
      headers: withHeaders(c.head, { 'content-type': action ? 'application/x-www-form-urlencoded' : c.reqType, 'content-encoding': c.reqEncoding, 'x-fuzz-huge': c.huge }),
      ...reqBody,
    };
    if (c.ending === 'error') return { request, error: { type: 'ECONNRESET', message: c.errorMessage } };
    const response = {
      status: c.status,
      headers: withHeaders(
        { method: '', url: '', headers: {} },
        {
          'content-type': c.resType,
          'content-encoding': c.resEncoding,
          'x-amzn-requestid': c.requestId,
          'x-amz-log-result': c.logTail,
          'x-amz-function-error': c.fnError,
          'x-fuzz-huge': c.huge,
        },
      ),
      ...c.resBody,
    };
    return c.ending === 'incomplete' ? { request, response, incomplete: true } : { request, response };
  });
