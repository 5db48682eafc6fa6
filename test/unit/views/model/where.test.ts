import { expect } from 'chai';
import { buildTransactions } from '../../../../src/views/model/transactions';
import { parseWhere, spanContainsText, spanMatchesAll, transactionContainsText, transactionMatches, WhereSyntaxError } from '../../../../src/views/model/where';
import { span } from './spans';

const get = span({ id: 'get', parent: 'srv', start: 10, end: 260, name: 'DynamoDB.GetItem', attributes: { 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'db.collection.name': 'orders', 'http.response.status_code': 200, 'http.response.body.content': '{"Item":{"customer":{"S":"user-4711"}}}' } });
const pay = span({ id: 'pay', parent: 'srv', start: 300, end: 320, name: 'Stripe PaymentIntents.confirm', error: true, attributes: { 'rpc.service': 'stripe', 'http.response.status_code': 402, 'http.request.resend_count': 1 } });
const srv = span({ id: 'srv', kind: 2, start: 0, end: 400, name: 'POST /checkout', service: 'shop' });

const where = (text: string, s = get) => spanMatchesAll(s, parseWhere(text));

describe('views/model/where', () => {
  it('duration comparisons with units', () => {
    expect(where('duration>200ms')).to.equal(true);
    expect(where('duration>0.3s')).to.equal(false);
    expect(where('duration <= 250ms')).to.equal(true);
    expect(where('duration=250')).to.equal(true);
  });

  it('flags: error, unfinished, retried, and their negation', () => {
    expect(where('error', pay)).to.equal(true);
    expect(where('error', get)).to.equal(false);
    expect(where('!error', get)).to.equal(true);
    expect(where('retried', pay)).to.equal(true);
    expect(where('unfinished', pay)).to.equal(false);
  });

  it('service matches the peer called or the calling service; attributes by name, case-insensitive values', () => {
    expect(where('service=DynamoDB')).to.equal(true);
    expect(where('service=dynamodb')).to.equal(true);
    expect(where('service=shop')).to.equal(true);
    expect(where('service=Stripe')).to.equal(false);
    expect(where('db.collection.name=orders')).to.equal(true);
    expect(where('db.collection.name!=orders')).to.equal(false);
    expect(where('http.response.status_code>=400', pay)).to.equal(true);
    expect(where('http.response.status_code>=400', get)).to.equal(false);
  });

  it('regex, existence, several clauses (space, comma, and)', () => {
    expect(where('name~^dynamo')).to.equal(true);
    expect(where('http.response.body.content~user-\\d+')).to.equal(true);
    expect(where('name!~stripe')).to.equal(true);
    expect(where('db.collection.name')).to.equal(true);
    expect(where('db.collection.name', pay)).to.equal(false);
    expect(where('service=DynamoDB duration>200ms')).to.equal(true);
    expect(where('service=DynamoDB, duration>300ms')).to.equal(false);
    expect(where('service=DynamoDB and db.collection.name=orders')).to.equal(true);
    expect(where('name="DynamoDB.GetItem"')).to.equal(true);
  });

  it('a transaction matches when one of its spans matches every clause', () => {
    const [t] = buildTransactions([srv, get, pay]);
    expect(transactionMatches(t, parseWhere('service=DynamoDB duration>200ms'))).to.equal(true);
    expect(transactionMatches(t, parseWhere('service=stripe duration>200ms'))).to.equal(false);
    expect(transactionMatches(t, parseWhere('error'))).to.equal(true);
  });

  it('--grep finds names, attribute values and bodies', () => {
    expect(spanContainsText(get, 'USER-4711')).to.equal(true);
    expect(spanContainsText(pay, 'user-4711')).to.equal(false);
    const [t] = buildTransactions([srv, get, pay]);
    expect(transactionContainsText(t, 'confirm')).to.equal(true);
    expect(transactionContainsText(t, 'nobody')).to.equal(false);
  });

  it('parse errors are messages, not stack traces', () => {
    expect(() => parseWhere('duration>fast')).to.throw(WhereSyntaxError, /not a duration/);
    expect(() => parseWhere('name~(')).to.throw(WhereSyntaxError, /bad regular expression/);
    expect(() => parseWhere('=orders')).to.throw(WhereSyntaxError, /cannot read "=orders"/);
    expect(() => parseWhere('db.collection.name=')).to.throw(WhereSyntaxError, /no value/);
    expect(() => parseWhere('name="open')).to.throw(WhereSyntaxError, /unbalanced quote/);
    expect(() => parseWhere('size>big')).to.throw(WhereSyntaxError, /needs a number/);
  });
});
