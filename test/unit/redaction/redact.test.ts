import { expect } from 'chai';
import { createRedactor, authorizationValue, defaultRuleNames } from '../../../src/redaction/redact';
import { loadConfig } from '../../../src/config/load';

const make = (env: Record<string, string> = {}) => createRedactor(loadConfig(env).redaction);
const r = make();

describe('redaction/redact', () => {
  describe('configuration', () => {
    it('WIRETAP_REDACT_KEYS adds substrings and /regex/ patterns to the defaults', () => {
      const c = make({ WIRETAP_REDACT_KEYS: 'internal_ref,/^acct\\d+$/' });
      expect(c.body('{"internalRef":"A","acct7":"B","acct":"C","password":"D"}')).to.equal('{"internalRef":"[REDACTED]","acct7":"[REDACTED]","acct":"C","password":"[REDACTED]"}');
      expect(r.body('{"internalRef":"A"}')).to.equal('{"internalRef":"A"}');
    });

    it('WIRETAP_REDACT_HEADERS masks more header names', () => {
      const c = make({ WIRETAP_REDACT_HEADERS: 'X-Tenant' });
      expect(c.headers({ 'x-tenant': 't1', accept: 'a' })).to.deep.equal({ 'x-tenant': '[REDACTED]', accept: 'a' });
      expect(r.headers({ 'x-tenant': 't1' })).to.deep.equal({ 'x-tenant': 't1' });
    });

    it('WIRETAP_REDACT_PATHS masks exact paths per service, in JSON and in bracket forms', () => {
      const c = make({ WIRETAP_REDACT_PATHS: 'dynamodb:Item.profile.S,stripe:metadata.internal_ref,*.everywhere' });
      expect(c.body('{"Item":{"profile":{"S":"p"},"name":{"S":"n"}}}', { service: 'DynamoDB' })).to.equal('{"Item":{"profile":{"S":"[REDACTED]"},"name":{"S":"n"}}}');
      expect(c.body('{"Item":{"profile":{"S":"p"}}}', { service: 'SQS' })).to.equal('{"Item":{"profile":{"S":"p"}}}');
      expect(c.body('metadata[internal_ref]=X&metadata[other]=Y', { service: 'stripe', contentType: 'application/x-www-form-urlencoded' })).to.equal(
        'metadata[internal_ref]=%5BREDACTED%5D&metadata[other]=Y',
      );
      expect(c.body('{"a":{"everywhere":1}}', { service: 'anything' })).to.equal('{"a":{"everywhere":"[REDACTED]"}}');
    });

    it('WIRETAP_REDACT_DISABLE_DEFAULTS turns off only the named rules, and families with :*', () => {
      const c = make({ WIRETAP_REDACT_DISABLE_DEFAULTS: 'key:password,detect:*,no-such-rule' });
      expect(c.body('{"password":"a","secret":"b","v":"4242424242424242"}')).to.equal('{"password":"a","secret":"[REDACTED]","v":"4242424242424242"}');
    });

    it('every default rule has a unique name', () => {
      const names = defaultRuleNames();
      expect(new Set(names).size).to.equal(names.length);
      expect(names).to.include.members(['key:password', 'detect:card-number', 'header:x-amz-content-sha256', 'service:ssm', 'query:x-amz-signature']);
    });
  });

  describe('headers', () => {
    it('keeps the non-secret shape of authorization values', () => {
      expect(authorizationValue('Bearer sk_live_abc123def')).to.equal('Bearer sk_live_[REDACTED]');
      expect(authorizationValue('Basic dXNlcjpwYXNz')).to.equal('Basic [REDACTED]');
      expect(authorizationValue('opaque')).to.equal('[REDACTED]');
      expect(
        authorizationValue('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123'),
      ).to.equal('AWS4-HMAC-SHA256 Credential=[REDACTED]/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=[REDACTED]');
    });

    it('masks x-amz-content-sha256 unless it is a payload-free marker', () => {
      const h = (v: string) => r.headers({ 'x-amz-content-sha256': v })['x-amz-content-sha256'];
      expect(h('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).to.equal('[REDACTED]');
      expect(h('UNSIGNED-PAYLOAD')).to.equal('UNSIGNED-PAYLOAD');
      expect(h('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')).to.equal('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    });

    it('masks header names that match key rules, and keeps ordinary ones', () => {
      expect(r.headers({ 'x-session-token': 'a', 'x-request-id': 'b', 'content-type': 'c' })).to.deep.equal({ 'x-session-token': '[REDACTED]', 'x-request-id': 'b', 'content-type': 'c' });
    });

    it('redacts inside base64 log tails and leaves clean ones byte-identical', () => {
      const clean = Buffer.from('START\nall good\nEND').toString('base64');
      expect(r.headers({ 'x-amz-log-result': clean })['x-amz-log-result']).to.equal(clean);
      const dirty = Buffer.from('token=abc123 and AKIAIOSFODNN7EXAMPLE').toString('base64');
      const out = Buffer.from(r.headers({ 'x-amz-log-result': dirty })['x-amz-log-result'], 'base64').toString();
      expect(out).to.equal('token=[REDACTED] and [REDACTED]');
    });
  });

  describe('urls', () => {
    it('keeps the presigned credential scope and masks the key id and signature', () => {
      const u = r.url('https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=ff&X-Amz-Expires=60');
      expect(u).to.equal('https://b.s3.amazonaws.com/k?X-Amz-Credential=%5BREDACTED%5D%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=%5BREDACTED%5D&X-Amz-Expires=60');
    });

    it('leaves a URL with nothing secret unchanged', () => {
      const u = 'http://127.0.0.1:8080/users/42?expand=true&page=2';
      expect(r.url(u)).to.equal(u);
    });
  });

  describe('free text and mislabelled bodies (found by test/fuzz)', () => {
    it('masks pairs quoted with escaped quotes, and pairs inside the value of an innocent key', () => {
      expect(r.text('START\n{\\"password\\":\\"hunter2\\"}\nEND')).to.equal('START\n{\\"password\\":\\"[REDACTED]\\"}\nEND');
      expect(r.text('{"body":"{\\"token\\":\\"abc\\",\\"id\\":1}"}')).to.equal('{"body":"{\\"token\\":\\"[REDACTED]\\",\\"id\\":1}"}');
      expect(r.text('login failed: password=hunter2 user=bob')).to.equal('login failed: password=[REDACTED] user=bob');
      expect(r.text('a= password=x')).to.equal('a= password=[REDACTED]');
      expect(r.text('time=12:30:00 level=info url: https://x.example.com/a?b=1')).to.equal('time=12:30:00 level=info url: https://x.example.com/a?b=1');
    });

    it('is idempotent on its own output', () => {
      for (const t of ['login failed: password=hunter2 user=bob', '{\\"password\\":\\"x\\"}', 'note: "user=bob password=hunter2" end']) {
        const once = r.text(t);
        expect(r.text(once)).to.equal(once);
      }
    });

    it('reads XML labelled a form as XML, and junk labelled a form with the free-text rules', () => {
      const xml = '<?xml version="1.0"?><R><id>1</id><password>hunter2</password></R>';
      expect(r.body(xml, { contentType: 'application/x-www-form-urlencoded' })).to.equal('<?xml version="1.0"?><R><id>1</id><password>[REDACTED]</password></R>');
      expect(r.body('oops: token=abc123 failed', { contentType: 'application/x-www-form-urlencoded' })).to.equal('oops: token=[REDACTED] failed');
      // A real form, also cut after its last `&`, is still a form (the AWS Name/Value rule applies).
      expect(r.body('Attribute.1.Name=password&Attribute.1.Value=hunter2&Ver', { contentType: 'application/x-www-form-urlencoded', truncated: true })).to.equal(
        'Attribute.1.Name=password&Attribute.1.Value=%5BREDACTED%5D&Ver',
      );
    });

    it('runs the detectors over XML markup it copies (comments, declarations, malformed tags)', () => {
      const key = 'sk_live_' + 'abcdefghijklmnop1234';
      const out = r.body(`<a><!-- ${key} --><! ${key} ><"${key}></a>`, { contentType: 'text/xml' });
      expect(out).to.not.include(key);
    });

    it('sniffs an untyped near-form in linear time (was exponential backtracking)', () => {
      // With the old pattern this input would backtrack for longer than any test timeout.
      const text = `a=${'&a='.repeat(5000)} password=hunter2`;
      expect(r.body(text)).to.include('password=[REDACTED]');
    });

    it('masks the rest of a text cut inside a JSON key', () => {
      expect(r.body('{" sk_live_abcdefghijklmnop1234 ')).to.not.include('sk_live_abcdefghijklmnop1234');
    });
  });

  describe('bodies', () => {
    it('keys that share a slot of the short-key table keep their own answers, in any order', () => {
      // `token` and `using` have the same length and the same slot (length and end characters): each
      // lookup must compare the key, not trust the slot.
      const body = '{"token":"a","using":"b","token":"c","using":"d","S":"e","N":"1"}';
      expect(r.body(body)).to.equal('{"token":"[REDACTED]","using":"b","token":"[REDACTED]","using":"d","S":"e","N":"1"}');
      expect(r.body(body)).to.equal(r.body(body));
    });

    it('is idempotent: redacting redacted text changes nothing', () => {
      const cases: Array<[string, object]> = [
        ['{"password":"a","card":{"number":"4242424242424242"},"n":"Bearer abcdefghijk"}', {}],
        ['a=1&password=x&Attribute.1.Name=secret&Attribute.1.Value=y', { contentType: 'application/x-www-form-urlencoded' }],
        ['<a><Password>x</Password><b k="AKIAIOSFODNN7EXAMPLE"/></a>', { contentType: 'text/xml' }],
        ['Authorization: Bearer abcdefghijklmnop token=xyz', { contentType: 'text/plain' }],
        ['{"password":"hunt', { truncated: true }],
      ];
      for (const [text, options] of cases) {
        const once = r.body(text, options);
        expect(once).to.not.equal(text);
        expect(r.body(once, options), text).to.equal(once);
      }
    });

    it('returns the same text when there is nothing to redact', () => {
      const text = '{ "id": 42,\n  "name": "Ada", "tags": ["a", "b"], "ok": true, "at": 1700000000000 }';
      expect(r.body(text)).to.equal(text);
    });

    it('applies Stripe client_secret only to responses, and service rules by canonical name', () => {
      expect(r.body('{"secret":"x","client_secret":"y"}', { service: 'stripe', side: 'response' })).to.equal('{"secret":"[REDACTED]","client_secret":"[REDACTED]"}');
      expect(r.body('{"Value":"v"}', { service: 'AmazonSSM' })).to.equal('{"Value":"[REDACTED]"}');
      expect(r.body('{"Value":"v"}', { service: 'SQS' })).to.equal('{"Value":"v"}');
      expect(r.body('{"value":"k","acl":["search"]}', { service: 'algolia', operation: 'getApiKey', side: 'response' })).to.equal('{"value":"[REDACTED]","acl":["search"]}');
      expect(r.body('{"value":"k"}', { service: 'algolia', operation: 'search', side: 'response' })).to.equal('{"value":"k"}');
    });

    it('json() redacts a parsed value whatever the order of a name/value pair', () => {
      expect(r.json({ list: [{ Value: 'v', Name: 'db_password' }, { Value: 'keep', Name: 'color' }], n: 4242424242424242 })).to.deep.equal({
        list: [{ Value: '[REDACTED]', Name: 'db_password' }, { Value: 'keep', Name: 'color' }],
        n: '[REDACTED]',
      });
    });

    it('text() returns values without pairs or detector shapes as they are, and masks the others every time', () => {
      for (const t of ['BENCHREQ1', '3b1f0d8e-3f2a-4a53-9c3a-000000000001', 'us-east-1', 'aws.dynamodb', 'a b c d e f g h']) {
        expect(r.text(t)).to.equal(t);
        expect(r.text(t)).to.equal(t);
      }
      // No ':' or '=' but a detector shape: masked, on the first call and on a repeat (the cache).
      for (const [t, want] of [
        ['id AKIAIOSFODNN7EXAMPLE', 'id [REDACTED]'],
        ['tok sk_live_abcdef123456', 'tok [REDACTED]'],
        ['card 4111 1111 1111 1111', 'card [REDACTED]'],
        ['Bearer abcdefghijkl', 'Bearer [REDACTED]'],
      ]) {
        expect(r.text(t), t).to.equal(want);
        expect(r.text(t), t).to.equal(want);
      }
      expect(r.text('password=hunter2')).to.equal('password=[REDACTED]');
      expect(r.text('password: hunter2')).to.equal('password: [REDACTED]');
    });

    it('text() masks detectors and sensitive key=value pairs in free text', () => {
      expect(r.text('connect failed for postgres://app:s3cret@db:5432/x with password=hunter2')).to.equal(
        'connect failed for postgres://[REDACTED]@db:5432/x with password=[REDACTED]',
      );
    });
  });
});
