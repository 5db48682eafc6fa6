import { expect } from 'chai';
import { renderTree } from '../../../src/cli/tree';
import type { FlatSpan } from '../../../src/cli/otlp-json';

const span = (over: Partial<FlatSpan>): FlatSpan => ({
  name: 'x', kind: 3, traceId: 't1', spanId: 's', startTimeUnixNano: '1000000000', endTimeUnixNano: '1005000000', attributes: {}, status: {}, links: [], resource: {}, ...over,
});

describe('renderTree', () => {
  it('nests children under parents in start order, with duration, status and key attributes', () => {
    const out = renderTree([
      span({ name: 'GET b', spanId: 'c2', parentSpanId: 'root', startTimeUnixNano: '1003000000', status: { code: 2, message: '503' }, attributes: { 'http.response.status_code': 503 } }),
      span({ name: 'POST /checkout', spanId: 'root', kind: 2, endTimeUnixNano: '1010000000' }),
      span({ name: 'DynamoDB.GetItem', spanId: 'c1', parentSpanId: 'root', startTimeUnixNano: '1001000000', attributes: { 'aws.dynamodb.table_names': ['orders'] } }),
    ]);
    const lines = out.split('\n');
    expect(lines[0]).to.equal('trace t1');
    expect(lines[1]).to.match(/^└─ POST \/checkout {2}10\.0 ms {2}ok {2}\[server\]/);
    expect(lines[2]).to.match(/^ {3}├─ DynamoDB\.GetItem .*aws\.dynamodb\.table_names=orders/);
    expect(lines[3]).to.match(/^ {3}└─ GET b .*ERROR \(503\) {2}HTTP 503 {2}\[client\]/);
  });
});
