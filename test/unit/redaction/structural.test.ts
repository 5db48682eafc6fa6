// The structural redactors through the engine: JSON, form, XML, DynamoDB expressions, paths.
import { expect } from 'chai';
import { createRedactor } from '../../../src/redaction/redact';
import { redactJson } from '../../../src/redaction/json';
import { analyseExpressions } from '../../../src/redaction/dynamodb';
import { compilePath, matchPath } from '../../../src/redaction/paths';
import { nameSegments } from '../../../src/redaction/form';
import { canonicalService } from '../../../src/redaction/rules';
import { serviceHint } from '../../../src/redaction/service-hint';

const r = createRedactor({ keys: [], headers: [], paths: [], disableDefaults: [] });
const form = { contentType: 'application/x-www-form-urlencoded' };
const xml = { contentType: 'application/xml' };

describe('redaction: structure', () => {
  describe('json', () => {
    it('keeps the document shape: spacing, order, number text', () => {
      expect(r.body('{ "a" : 1.50e3 ,\n "password" : "x" }')).to.equal('{ "a" : 1.50e3 ,\n "password" : "[REDACTED]" }');
    });
    it('never rounds a card number through a double', () => {
      expect(r.body('{"n":6011000990139424000,"m":6011111111111117}')).to.equal('{"n":6011000990139424000,"m":"[REDACTED]"}');
    });
    it('masks numbers under sensitive keys but keeps booleans and null', () => {
      expect(r.body('{"pin":1234,"password":null,"secret":true}')).to.equal('{"pin":"[REDACTED]","password":null,"secret":true}');
    });
    it('masks a sensitive object cut by truncation, whatever depth it reached', () => {
      expect(r.body('{"credentials":{"a":{"b":["x","y', { truncated: true })).to.equal('{"credentials":{"a":{"b":["[REDACTED]","[REDACTED]');
    });
    it('is not fooled by a cut key', () => {
      expect(r.body('{"ok":1,"passw', { truncated: true })).to.equal('{"ok":1,"passw');
    });
    it('returns undefined for text that is not JSON', () => {
      const scope = { maskKey: () => false, maskKeyAt: () => false, keyFlags: () => 0, isSensitiveName: () => false, value: (s: string) => s, cutValue: (s: string) => s };
      expect(redactJson("{a: 'b'}", scope, false)).to.equal(undefined);
      expect(redactJson('[1,2}', scope, false)).to.equal(undefined);
    });
    it('redacts JSON embedded in a string value', () => {
      expect(r.body(JSON.stringify({ body: JSON.stringify({ token: 'abc', ok: 1 }) }))).to.equal(JSON.stringify({ body: JSON.stringify({ token: '[REDACTED]', ok: 1 }) }));
    });
  });

  describe('form', () => {
    it('splits bracket and dotted names, skipping indices', () => {
      expect(nameSegments('card[number]')).to.deep.equal(['card', 'number']);
      expect(nameSegments('Attribute.1.Value')).to.deep.equal(['Attribute', 'Value']);
    });
    it('masks bracket card fields but keeps exp_month', () => {
      expect(r.body('card[number]=1&card[exp_month]=12', form)).to.equal('card[number]=%5BREDACTED%5D&card[exp_month]=12');
    });
    it('masks the Value of a query-protocol pair whose Name is sensitive, in any nesting', () => {
      expect(r.body('Tags.member.1.Key=api_token&Tags.member.1.Value=v1&Tags.member.2.Key=env&Tags.member.2.Value=prod', form)).to.equal(
        'Tags.member.1.Key=api_token&Tags.member.1.Value=%5BREDACTED%5D&Tags.member.2.Key=env&Tags.member.2.Value=prod',
      );
    });
    it('masks a cut last value that could be a secret start', () => {
      expect(r.body('a=1&memo=4242424242', { ...form, truncated: true })).to.equal('a=1&memo=%5BREDACTED%5D');
    });
  });

  describe('xml', () => {
    it('masks sensitive elements and their descendants, keeps the rest byte for byte', () => {
      const doc = '<?xml version="1.0"?>\n<r xmlns="urn:x"><Credentials>\n  <A>1</A><B>2</B>\n</Credentials><!-- c --><Keep>k</Keep></r>';
      expect(r.body(doc, xml)).to.equal('<?xml version="1.0"?>\n<r xmlns="urn:x"><Credentials>\n  <A>[REDACTED]</A><B>[REDACTED]</B>\n</Credentials><!-- c --><Keep>k</Keep></r>');
    });
    it('handles self-closing tags and quoted > in attributes', () => {
      expect(r.body('<a><b x=">" password="p"/><password>q</password><c>ok</c></a>', xml)).to.equal('<a><b x=">" password="[REDACTED]"/><password>[REDACTED]</password><c>ok</c></a>');
    });
  });

  describe('dynamodb expressions', () => {
    const isSensitive = (k: string) => /password|secret/i.test(k);
    it('finds value placeholders bound to sensitive attributes through aliases and functions', () => {
      const body = JSON.stringify({
        UpdateExpression: 'SET #a = :a, nick = :n',
        ConditionExpression: 'attribute_exists(pk) AND begins_with(secret_q, :s)',
        ExpressionAttributeNames: { '#a': 'password' },
        ExpressionAttributeValues: {},
      });
      const a = analyseExpressions(body, isSensitive, false);
      expect([...(a?.sensitive ?? [])].sort()).to.deep.equal([':a', ':s']);
      expect(a?.maskAll).to.equal(false);
    });
    it('masks every value when a truncated body lost its expressions', () => {
      expect(analyseExpressions('{"ExpressionAttributeValues":{":v":{"S":"x"}},"Upd', isSensitive, true)?.maskAll).to.equal(true);
      expect(r.body('{"ExpressionAttributeValues":{":v":{"S":"x"}},"Upd', { service: 'dynamodb', truncated: true })).to.equal('{"ExpressionAttributeValues":{":v":{"S":"[REDACTED]"}},"Upd');
    });
  });

  describe('paths, services', () => {
    it('matches *, ** and exact segments case-insensitively', () => {
      expect(matchPath(compilePath('**.SecretString'), ['secretstring'])).to.equal(true);
      expect(matchPath(compilePath('**.SecretString'), ['a', 'b', 'secretstring'])).to.equal(true);
      expect(matchPath(compilePath('Environment.Variables.*'), ['environment', 'variables', 'x'])).to.equal(true);
      expect(matchPath(compilePath('Environment.Variables.*'), ['environment', 'variables'])).to.equal(false);
      expect(matchPath(compilePath('Parameter.Value'), ['parameter', 'name'])).to.equal(false);
    });
    it('canonicalizes service names and hints the service from the head', () => {
      expect(['DynamoDB', 'dynamodb', 'DynamoDB_20120810', 'AmazonSSM', 'TrentService', 'Secrets Manager'].map(canonicalService)).to.deep.equal([
        'dynamodb', 'dynamodb', 'dynamodb', 'ssm', 'kms', 'secretsmanager',
      ]);
      expect(serviceHint({ host: 'x.example', headers: { 'x-amz-target': 'secretsmanager.GetSecretValue' } })).to.deep.equal({ service: 'secretsmanager', operation: 'GetSecretValue' });
      expect(serviceHint({ host: 'sts.amazonaws.com', headers: {} })).to.deep.equal({ service: 'sts' });
      expect(serviceHint({ host: 'example.com', headers: {} })).to.equal(undefined);
    });
  });
});
