import type { Decoder } from '../decoder';
import { dynamodbDecoder } from './dynamodb';
import { eventbridgeDecoder } from './eventbridge';
import { kinesisDecoder } from './kinesis';
import { lambdaDecoder } from './lambda';
import { s3Decoder } from './s3';
import { snsDecoder } from './sns';
import { sqsDecoder } from './sqs';
import { awsGenericDecoder } from './generic';

// Every AWS service decoder, most specific first; the generic decoder names every other signed call.
export const awsDecoders: readonly Decoder[] = [
  dynamodbDecoder,
  sqsDecoder,
  snsDecoder,
  eventbridgeDecoder,
  kinesisDecoder,
  lambdaDecoder,
  s3Decoder,
  awsGenericDecoder,
];

export { decodeAws, awsSpan, addResourceIds, type AwsCall, type KnownService } from './common';
export { credentialScope, isAwsSigned, endpointPrefixes, type AwsScope } from './identify';
