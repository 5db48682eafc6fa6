// The built-in service decoders, in the order they are tried (user decoders come before all of them).
//
// Each one loads on its first match: a process that only calls DynamoDB never evaluates the Stripe,
// Algolia or SQS decoders (their route tables, parsers and data). The table below holds, per decoder, a
// head-only prefilter that is a necessary condition of the decoder's own `match` (tested over every
// fixture in test/unit/decoders/index.test.ts); the decoder module loads when it passes, and its own
// `match` decides. The registry then hands out the loaded decoder itself (`loadedDecoder`).
/* eslint-disable @typescript-eslint/no-require-imports */
import type { Decoder } from './decoder';
import type { RequestHead } from '../exchange/types';
import { credentialScope, isAwsSigned } from './aws/identify';

interface LazyEntry {
  name: string;
  /** Cheap and necessary: false only where the decoder's `match` is false too. */
  prefilter(head: RequestHead): boolean;
  load(): Decoder;
}

const LOADED = Symbol('wiretap.decoder.loaded');
type LazyDecoder = Decoder & { [LOADED]?: Decoder };

const targetIs = (prefix: string) => (head: RequestHead) => head.headers['x-amz-target']?.startsWith(prefix) === true;
const signedFor =
  (...names: string[]) =>
  (head: RequestHead) => {
    const scope = credentialScope(head);
    return scope !== undefined && names.includes(scope.signingName);
  };

const STRIPE_HOSTS = ['api.stripe.com', 'files.stripe.com', 'uploads.stripe.com', 'meter-events.stripe.com', 'connect.stripe.com'];
const STRIPE_PATHS = ['/v1/', '/v2/', '/oauth/'];
const ALGOLIA_HOST_SUFFIXES = ['.algolia.net', '.algolianet.com', '.algolia.io'];
const ALGOLIA_QUERY = /(?:^|&)x-algolia-(?:application-id|agent)=/i;

const ENTRIES: LazyEntry[] = [
  { name: 'aws.dynamodb', prefilter: targetIs('DynamoDB_20120810.'), load: () => require('./aws/dynamodb').dynamodbDecoder },
  { name: 'aws.sqs', prefilter: signedFor('sqs'), load: () => require('./aws/sqs').sqsDecoder },
  { name: 'aws.sns', prefilter: signedFor('sns'), load: () => require('./aws/sns').snsDecoder },
  { name: 'aws.eventbridge', prefilter: targetIs('AWSEvents.'), load: () => require('./aws/eventbridge').eventbridgeDecoder },
  { name: 'aws.kinesis', prefilter: targetIs('Kinesis_20131202.'), load: () => require('./aws/kinesis').kinesisDecoder },
  { name: 'aws.lambda', prefilter: signedFor('lambda'), load: () => require('./aws/lambda').lambdaDecoder },
  { name: 'aws.s3', prefilter: signedFor('s3', 's3express'), load: () => require('./aws/s3').s3Decoder },
  { name: 'aws', prefilter: isAwsSigned, load: () => require('./aws/generic').awsGenericDecoder },
  {
    name: 'stripe',
    prefilter: (head) => STRIPE_HOSTS.includes(head.host) || STRIPE_PATHS.some((p) => head.path.startsWith(p)),
    load: () => require('./stripe').stripeDecoder,
  },
  {
    name: 'algolia',
    prefilter: (head) =>
      ALGOLIA_HOST_SUFFIXES.some((s) => head.host.endsWith(s)) || head.headers['x-algolia-application-id'] !== undefined || (head.query !== '' && ALGOLIA_QUERY.test(head.query)),
    load: () => require('./algolia').algoliaDecoder,
  },
];

/** A decoder that loads its module on first use; every method is the loaded decoder's. */
function lazyDecoder(entry: LazyEntry): Decoder {
  let real: Decoder | undefined;
  const load = (): Decoder => {
    if (!real) {
      real = entry.load();
      if (real.name !== entry.name) throw new Error(`decoder table: ${entry.name} loaded ${real.name}`);
      stub[LOADED] = real;
    }
    return real;
  };
  const stub: LazyDecoder = {
    name: entry.name,
    match: (head) => (real ? real.match(head) : entry.prefilter(head) && load().match(head)),
    kindHint: (head) => load().kindHint?.(head),
    inject: (head, ids) => load().inject?.(head, ids),
    decode: (x, ctx) => load().decode(x, ctx),
  };
  return stub;
}

/** The loaded decoder behind a lazy built-in (after its `match` passed), else the decoder itself. */
export function loadedDecoder(decoder: Decoder): Decoder {
  return (decoder as LazyDecoder)[LOADED] ?? decoder;
}

/** The prefilters, for the test that checks each is a necessary condition of its decoder's match. */
export const builtInPrefilters: ReadonlyMap<string, (head: RequestHead) => boolean> = new Map(ENTRIES.map((e) => [e.name, e.prefilter]));

export const builtInDecoders: readonly Decoder[] = ENTRIES.map(lazyDecoder);
