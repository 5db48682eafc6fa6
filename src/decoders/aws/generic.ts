// Every SigV4-signed call that no dedicated decoder claimed: `Service.Operation` from the operation table,
// the common AWS attributes, and the identifier members the table lists.
import type { Decoder } from '../decoder';
import { isAwsSigned } from './identify';
import { addResourceIds, awsSpan, decodeAws } from './common';

export const awsGenericDecoder: Decoder = {
  name: 'aws',
  match: isAwsSigned,
  decode(x, ctx) {
    const call = decodeAws(x, ctx);
    addResourceIds(call, ctx);
    return awsSpan(call);
  },
};
