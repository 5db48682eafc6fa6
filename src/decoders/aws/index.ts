import type { Decoder } from '../decoder';
import { dynamodbDecoder } from './dynamodb';
import { awsGenericDecoder } from './generic';

// Every AWS service decoder, most specific first; the generic decoder names every other signed call.
export const awsDecoders: readonly Decoder[] = [dynamodbDecoder, awsGenericDecoder];

export { decodeAws, awsSpan, addResourceIds, type AwsCall, type KnownService } from './common';
export { credentialScope, isAwsSigned, endpointPrefixes, type AwsScope } from './identify';
