// End to end: the real DynamoDB clients (@aws-sdk/client-dynamodb, @aws-sdk/lib-dynamodb, aws-sdk v2) in a
// child process under the preload, against dynalite on 127.0.0.1 behind a fault-injecting proxy that
// throttles the first attempt of marked calls, so the SDKs really retry. Asserts on the exported spans
// and on what the app got.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { readSpanFile, SPAN_KIND, STATUS_ERROR, type FlatSpan } from '../helpers/otlp';

const repo = path.resolve(__dirname, '../../..');
// The package's preload entry (npm run build); WIRETAP_TEST_REGISTER overrides it.
const REGISTER = process.env.WIRETAP_TEST_REGISTER ?? [path.join(repo, 'dist/register.js')].find((f) => fs.existsSync(f));
const THROTTLE_MARKER = 'throttle-me';

const APP = `
const v3 = require(${JSON.stringify(require.resolve('@aws-sdk/client-dynamodb', { paths: [repo] }))});
const lib = require(${JSON.stringify(require.resolve('@aws-sdk/lib-dynamodb', { paths: [repo] }))});
const AWS = require(${JSON.stringify(require.resolve('aws-sdk', { paths: [repo] }))});
const endpoint = process.env.DDB_ENDPOINT;
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' };
const client = new v3.DynamoDBClient({ region: 'us-east-1', endpoint, credentials });
const doc = lib.DynamoDBDocumentClient.from(client);
const v2 = new AWS.DynamoDB({ region: 'us-east-1', endpoint, credentials: new AWS.Credentials(credentials), maxRetries: 3 });
(async () => {
  const out = {};
  await client.send(new v3.CreateTableCommand({ TableName: 'e2e-users', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  await client.send(new v3.PutItemCommand({ TableName: 'e2e-users', Item: { id: { S: 'u1' }, name: { S: 'Ada' } } }));
  out.v3Get = (await client.send(new v3.GetItemCommand({ TableName: 'e2e-users', Key: { id: { S: 'u1' } }, ConsistentRead: true }))).Item.name.S;
  await doc.send(new lib.PutCommand({ TableName: 'e2e-users', Item: { id: 'u2', name: 'Grace' } }));
  out.docGet = (await doc.send(new lib.GetCommand({ TableName: 'e2e-users', Key: { id: 'u2' } }))).Item.name;
  out.v2Get = (await v2.getItem({ TableName: 'e2e-users', Key: { id: { S: 'u2' } } }).promise()).Item.name.S;
  out.v3Retried = (await client.send(new v3.UpdateItemCommand({ TableName: 'e2e-users', Key: { id: { S: 'u1' } },
    UpdateExpression: 'SET tag = :t', ExpressionAttributeValues: { ':t': { S: '${THROTTLE_MARKER}-v3' } }, ReturnValues: 'UPDATED_NEW' }))).Attributes.tag.S;
  out.v2Retried = (await v2.updateItem({ TableName: 'e2e-users', Key: { id: { S: 'u2' } },
    UpdateExpression: 'SET tag = :t', ExpressionAttributeValues: { ':t': { S: '${THROTTLE_MARKER}-v2' } }, ReturnValues: 'UPDATED_NEW' }).promise()).Attributes.tag.S;
  out.batch = Object.keys((await doc.send(new lib.BatchGetCommand({ RequestItems: { 'e2e-users': { Keys: [{ id: 'u1' }, { id: 'u2' }] } } }))).Responses);
  try { await client.send(new v3.GetItemCommand({ TableName: 'e2e-missing', Key: { id: { S: 'x' } } })); out.missing = 'no error'; }
  catch (err) { out.missing = err.name; }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
`;

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('DynamoDB clients under the preload (dynalite + throttling proxy)', function () {
  this.timeout(60_000);
  let dynamo: http.Server;
  let proxy: http.Server;
  let tmp: string;
  let spans: FlatSpan[] = [];
  let app: Record<string, unknown> = {};
  const throttled: string[] = [];

  before(async function () {
    if (!REGISTER) {
      console.log('      skipped: dist/register.js is not built (npm test builds it first)');
      this.skip();
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dynalite = require('dynalite') as (o: object) => http.Server;
    dynamo = dynalite({ createTableMs: 0 });
    const dynamoPort = await listen(dynamo);
    const seen = new Set<string>();
    proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        if (text.includes(THROTTLE_MARKER) && !seen.has(text)) {
          seen.add(text);
          throttled.push(String(req.headers['x-amz-target']));
          const reply = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'Rate of requests exceeds the allowed throughput.' });
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'FAKE-THROTTLE-REQ', 'content-length': Buffer.byteLength(reply) });
          res.end(reply);
          return;
        }
        const up = http.request({ host: '127.0.0.1', port: dynamoPort, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 500, r.headers);
          r.pipe(res);
        });
        up.end(body);
      });
    });
    const proxyPort = await listen(proxy);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-ddb-'));
    fs.writeFileSync(path.join(tmp, 'app.js'), APP);
    const spanFile = path.join(tmp, 'spans.jsonl');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--require', REGISTER!, 'app.js'], {
        cwd: tmp,
        env: { PATH: process.env.PATH, DDB_ENDPOINT: `http://127.0.0.1:${proxyPort}`, OTEL_TRACES_EXPORTER: 'file', WIRETAP_FILE: spanFile, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect(code, stderr).to.equal(0);
    app = JSON.parse(stdout);
    spans = readSpanFile(spanFile);
  });

  after(() => {
    proxy?.close();
    dynamo?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const named = (name: string) => spans.filter((s) => s.name === name);

  it('the app still gets the right results', () => {
    expect(app).to.deep.equal({ v3Get: 'Ada', docGet: 'Grace', v2Get: 'Grace', v3Retried: `${THROTTLE_MARKER}-v3`, v2Retried: `${THROTTLE_MARKER}-v2`, batch: ['e2e-users'], missing: 'ResourceNotFoundException' });
    expect(throttled).to.deep.equal(['DynamoDB_20120810.UpdateItem', 'DynamoDB_20120810.UpdateItem']);
  });

  it('every DynamoDB call is a DynamoDB.<Operation> client span with its table', () => {
    const ddb = spans.filter((s) => s.attributes['rpc.system'] === 'aws-api');
    expect(ddb.map((s) => s.name)).to.include.members(['DynamoDB.CreateTable', 'DynamoDB.PutItem', 'DynamoDB.GetItem', 'DynamoDB.UpdateItem', 'DynamoDB.BatchGetItem']);
    for (const s of ddb) {
      expect(s.kind, s.name).to.equal(SPAN_KIND.CLIENT);
      expect(s.attributes['db.system.name']).to.equal('aws.dynamodb');
      expect(s.attributes['rpc.service']).to.equal('DynamoDB');
      expect(s.attributes['cloud.region']).to.equal('us-east-1');
      expect(s.attributes['wiretap.decoder']).to.equal('aws.dynamodb');
    }
    const gets = named('DynamoDB.GetItem');
    expect(gets.length).to.equal(4); // v3, lib-dynamodb, v2, missing table
    expect(gets.filter((s) => s.attributes['aws.dynamodb.consistent_read'] === true).length).to.equal(1);
    expect(named('DynamoDB.BatchGetItem')[0].attributes['aws.dynamodb.table_names']).to.deep.equal(['e2e-users']);
    expect(named('DynamoDB.BatchGetItem')[0].attributes['db.operation.batch.size']).to.equal(2);
  });

  it('throttled attempts and their retries: v3 via amz-sdk-request, v2 inferred from the repeated payload', () => {
    const updates = named('DynamoDB.UpdateItem');
    expect(updates.length).to.equal(4);
    const failedAttempts = updates.filter((s) => s.attributes['error.type'] === 'ProvisionedThroughputExceededException');
    expect(failedAttempts.length).to.equal(2);
    for (const s of failedAttempts) expect(s.status.code).to.equal(STATUS_ERROR);
    const resent = updates.filter((s) => s.attributes['http.request.resend_count'] === 1);
    expect(resent.length).to.equal(2);
    for (const s of resent) {
      expect(s.attributes['wiretap.aws.attempts']).to.equal(2);
      expect(s.attributes['wiretap.aws.previous_error_codes']).to.deep.equal(['ProvisionedThroughputExceededException']);
      expect(s.status.code).to.not.equal(STATUS_ERROR);
    }
    const v3 = resent.find((s) => s.attributes['wiretap.aws.max_attempts'] === 4);
    const v2 = resent.find((s) => s.attributes['wiretap.aws.retry_inferred'] === true);
    expect(v3, 'v3 retry span').to.not.equal(undefined);
    expect(v3!.attributes['wiretap.aws.invocation_id']).to.be.a('string');
    expect(v2, 'v2 retry span').to.not.equal(undefined);
  });

  it('a missing table is an error span with the AWS error code', () => {
    const missing = named('DynamoDB.GetItem').find((s) => s.attributes['db.collection.name'] === 'e2e-missing');
    expect(missing).to.not.equal(undefined);
    expect(missing!.attributes['error.type']).to.equal('ResourceNotFoundException');
    expect(missing!.status.code).to.equal(STATUS_ERROR);
    expect(missing!.attributes['aws.request_id']).to.be.a('string');
  });
});
