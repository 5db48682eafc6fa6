import { expect } from 'chai';
import { bodyExcerpts, operationOf, peerOf, retryNumber, routeOf, spanLabel } from '../../../../src/views/model/describe';
import { span } from './spans';

describe('views/model/describe', () => {
  it('labels carry the key attribute: table, queue, object, index, or the path of a plain HTTP call', () => {
    const cases: [string, Record<string, unknown>, string, number?][] = [
      ['DynamoDB.GetItem', { 'rpc.service': 'DynamoDB', 'db.collection.name': 'orders' }, 'DynamoDB.GetItem orders'],
      ['DynamoDB.BatchGetItem', { 'rpc.service': 'DynamoDB', 'aws.dynamodb.table_names': ['a', 'b'] }, 'DynamoDB.BatchGetItem a'],
      ['SQS.SendMessage', { 'rpc.service': 'SQS', 'messaging.destination.name': 'order-events' }, 'SQS.SendMessage order-events'],
      ['SNS.Publish', { 'rpc.service': 'SNS', 'aws.sns.topic.arn': 'arn:aws:sns:eu-west-1:000000000000:mail' }, 'SNS.Publish mail'],
      ['S3.GetObject', { 'rpc.service': 'S3', 'aws.s3.bucket': 'b', 'aws.s3.key': 'k.json' }, 'S3.GetObject b/k.json'],
      ['Stripe PaymentIntents.create', { 'rpc.service': 'stripe', 'stripe.object.id': 'pi_FAKE' }, 'Stripe PaymentIntents.create pi_FAKE'],
      ['GET 127.0.0.1', { 'wiretap.decoder': 'http', 'url.full': 'http://127.0.0.1:8080/items/sku-1?x=1' }, 'GET 127.0.0.1 /items/sku-1'],
      ['POST', { 'url.path': '/checkout' }, 'POST /checkout', 2],
      ['GET /orders/{id}', { 'http.route': '/orders/{id}' }, 'GET /orders/{id}', 2],
    ];
    for (const [name, attributes, label, kind] of cases) expect(spanLabel(span({ id: 'x', name, kind, start: 0, end: 1, attributes: attributes as never })), name).to.equal(label);
  });

  it('peer and operation: rpc.service/rpc.method, else host (with a non-default port) and method', () => {
    const aws = span({ id: 'a', start: 0, end: 1, attributes: { 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem' } });
    expect([peerOf(aws), operationOf(aws)]).to.deep.equal(['DynamoDB', 'GetItem']);
    const stripe = span({ id: 's', start: 0, end: 1, attributes: { 'rpc.service': 'stripe', 'rpc.method': 'Charges.create' } });
    expect([peerOf(stripe), operationOf(stripe)]).to.deep.equal(['Stripe', 'Charges.create']);
    const plain = span({ id: 'p', start: 0, end: 1, attributes: { 'server.address': 'api.example.com', 'server.port': 443, 'http.request.method': 'GET' } });
    expect([peerOf(plain), operationOf(plain)]).to.deep.equal(['api.example.com', 'GET']);
    const local = span({ id: 'l', start: 0, end: 1, attributes: { 'server.address': '127.0.0.1', 'server.port': 8080, 'http.request.method': 'POST' } });
    expect(peerOf(local)).to.equal('127.0.0.1:8080');
  });

  it('routes keep cardinality low: declared templates, else id-like path segments as {id}', () => {
    expect(routeOf(span({ id: 'r', start: 0, end: 1, attributes: { 'url.full': 'https://api.example.com/v1/orders/ord-1001/items/7' } }))).to.equal('/v1/orders/{id}/items/{id}');
    expect(routeOf(span({ id: 'r', start: 0, end: 1, attributes: { 'http.route': '/orders/:id' } }))).to.equal('/orders/:id');
  });

  it('attempt numbers from http.request.resend_count, else wiretap.aws.attempts', () => {
    expect(retryNumber(span({ id: 'a', start: 0, end: 1 }))).to.equal(0);
    expect(retryNumber(span({ id: 'a', start: 0, end: 1, attributes: { 'http.request.resend_count': 2 } }))).to.equal(2);
    expect(retryNumber(span({ id: 'a', start: 0, end: 1, attributes: { 'wiretap.aws.attempts': 3 } }))).to.equal(2);
  });

  it('body excerpts: whitespace folded, cut with an ellipsis, truncated captures marked', () => {
    const s = span({ id: 'b', start: 0, end: 1, attributes: { 'http.request.body.content': '{\n  "a": 1\n}', 'http.response.body.content': 'x'.repeat(50), 'wiretap.response.body.truncated': true } });
    expect(bodyExcerpts(s, 20)).to.deep.equal({ request: '{ "a": 1 }', response: `${'x'.repeat(19)}…` });
    expect(bodyExcerpts(span({ id: 'n', start: 0, end: 1 }))).to.deep.equal({});
  });
});
