import type { Decoder } from '../decoder';

// Placeholder until the AWS core lands: every AWS service decoder is listed here, most specific first.
export const awsDecoders: readonly Decoder[] = [];
