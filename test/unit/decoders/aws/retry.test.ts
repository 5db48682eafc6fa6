import { expect } from 'chai';
import { trackAttempt, parseSdkRequest, MAX_TRACKED_CALLS } from '../../../../src/decoders/aws/retry';
import type { Exchange } from '../../../../src/exchange/types';

function exchange(headers: Record<string, string>, start: number, status: number, body = '{"TableName":"t"}'): Exchange {
  return {
    request: { method: 'POST', scheme: 'https', host: 'dynamodb.us-east-1.amazonaws.com', port: 443, path: '/', query: '', headers, protocolVersion: '1.1', transport: 'http' },
    requestBody: { bytes: Buffer.from(body), size: body.length, truncated: false },
    response: { status, headers: {} },
    timings: { start, responseStart: start + 5, end: start + 6 },
  };
}

describe('aws retry tracking', () => {
  it('parses amz-sdk-request from JS v3 and botocore', () => {
    expect(parseSdkRequest('attempt=2; max=4')).to.deep.equal({ attempt: 2, max: 4 });
    expect(parseSdkRequest('ttl=20240101T000000Z; attempt=3; max=5')).to.deep.equal({ attempt: 3, max: 5 });
    expect(parseSdkRequest(undefined)).to.equal(undefined);
  });

  it('SDK header: earlier attempts error codes are carried to the final attempt, then forgotten', () => {
    const state = new Map<string, unknown>();
    const h = (n: number) => ({ 'amz-sdk-request': `attempt=${n}; max=4`, 'amz-sdk-invocation-id': 'inv-1' });
    expect(trackAttempt(exchange(h(1), 0, 400), state, 'GetItem', 'ThrottlingException').previousErrors).to.deep.equal([]);
    trackAttempt(exchange(h(2), 100, 500), state, 'GetItem', 'InternalServerError');
    const last = trackAttempt(exchange(h(3), 300, 200), state, 'GetItem', undefined);
    expect(last).to.deep.include({ attempt: 3, maxAttempts: 4, invocationId: 'inv-1', inferred: false });
    expect(last.previousErrors).to.deep.equal(['ThrottlingException', 'InternalServerError']);
    expect([...state.keys()]).to.deep.equal([]);
  });

  it('no SDK header (JS v2): the same payload resent after a failure, within the window, is a retry', () => {
    const state = new Map<string, unknown>();
    const first = trackAttempt(exchange({ 'x-amz-content-sha256': 'abc' }, 0, 400), state, 'PutItem', 'ProvisionedThroughputExceededException');
    expect(first.attempt).to.equal(1);
    const second = trackAttempt(exchange({ 'x-amz-content-sha256': 'abc' }, 60, 200), state, 'PutItem', undefined);
    expect(second).to.deep.include({ attempt: 2, inferred: true });
    expect(second.previousErrors).to.deep.equal(['ProvisionedThroughputExceededException']);
    // a successful identical call later is a new call, not a retry
    expect(trackAttempt(exchange({ 'x-amz-content-sha256': 'abc' }, 200, 200), state, 'PutItem', undefined).attempt).to.equal(1);
    // outside the window: a new call
    trackAttempt(exchange({}, 1000, 500), state, 'PutItem', '500');
    expect(trackAttempt(exchange({}, 1000 + 60_000, 200), state, 'PutItem', undefined).attempt).to.equal(1);
  });

  it('keeps its memory bounded', () => {
    const state = new Map<string, unknown>();
    for (let i = 0; i < MAX_TRACKED_CALLS + 50; i++) trackAttempt(exchange({}, i * 10, 500, `{"n":${i}}`), state, 'PutItem', '500');
    expect(state.size).to.equal(MAX_TRACKED_CALLS);
  });
});
