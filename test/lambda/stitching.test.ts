// Async hops stitched into one transaction, on the real runtime with the real AWS SDK. SQS (fauxqs):
// a producer function sends to SQS; the consumer function's invocation continues the producer's trace
// from the message's AWSTraceHeader, and both sides record the same message id.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { REPO } from '../helpers/run-app';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { SPAN_KIND } from '../helpers/otlp';
import { nodeBinary, ricMissing, startFunction, type RunningFunction } from '../helpers/lambda/runtime-api';
import { startAwsFakes, type AwsFakes } from '../helpers/aws-fakes';
import { spansFromText } from '../../src/views/model/read';
import { findHops } from '../../src/views/model/transactions';

const FUNCTIONS = path.join(REPO, 'test', 'lambda', 'functions', 'cjs');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' };

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

for (const { ric, node } of [{ ric: 3 as const, node: 22 as const }, { ric: 4 as const, node: 24 as const }]) {
  describe(`Lambda stitching: producer → SQS (fauxqs) → consumer, aws-lambda-ric ${ric}.x on Node ${node}`, function () {
    this.timeout(90_000);
    const bin = nodeBinary(node);
    const node22 = nodeBinary(22);
    let fauxqs: ChildProcess | undefined;
    let url = '';
    let receiver: OtlpReceiver;
    const fns: RunningFunction[] = [];
    const closers: (() => void)[] = [];

    before(async function () {
      const missing = ricMissing(ric) ?? (bin && node22 ? undefined : 'Node 22/24 not installed in .runtimes (bash scripts/install-runtimes.sh)');
      if (missing) {
        console.log(`      skipped: ${missing}`);
        this.skip();
      }
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      // fauxqs needs node:sqlite (Node ≥ 22.5): run it on the Node 22 binary, as the client tests do.
      fauxqs = spawn(node22!, [path.join(REPO, 'test/clients/apps/fauxqs-server.mjs')], { env: { ...process.env, FAUXQS_PORT: String(port), NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      fauxqs.stderr!.on('data', (d) => (stderr += d));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fauxqs did not start: ${stderr}`)), 20000);
        fauxqs!.stdout!.on('data', (d) => {
          if (String(d).includes('"ready"')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      receiver = await startOtlpReceiver();
    });
    after(async () => {
      for (const f of fns) await f.api.close();
      for (const c of closers) c();
      if (fauxqs && fauxqs.exitCode === null) fauxqs.kill('SIGTERM');
      await receiver?.close();
    });

    it("the consumer's invocation continues the producer invocation's trace; both record the same message id", async () => {
      const env = { WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '20000', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', ''), FAUXQS_URL: url };
      const sqs = new SQSClient({ region: 'us-east-1', endpoint: url, credentials });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `stitch-${ric}` }));
      const queueUrl = url + QueueUrl!.replace(/^https?:\/\/[^/]+/, '');

      // The producer reaches fauxqs through a recording proxy: the X-Amzn-Trace-Id on the wire is what SQS stores.
      const sentTraceHeaders: string[] = [];
      const target = new URL(url);
      const proxy = http.createServer((req, res) => {
        const h = req.headers['x-amzn-trace-id'];
        if (typeof h === 'string') sentTraceHeaders.push(h);
        const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      closers.push(() => proxy.close());
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const producer = await startFunction({ ric, node: bin!, taskRoot: FUNCTIONS, handler: 'producer.handler', preload: true, env: { ...env, FAUXQS_URL: proxyUrl } });
      fns.push(producer);
      const xray = 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=0';
      const sent = await producer.api.invoke({ queueUrl: proxyUrl + new URL(queueUrl).pathname, order: 42 }, { traceId: xray, timeoutMs: 60000 });
      expect(sent.kind, producer.stderr()).to.equal('response');
      const messageId = JSON.parse(sent.body).messageId as string;

      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageSystemAttributeNames: ['AWSTraceHeader'], MaxNumberOfMessages: 1 }));
      const message = got.Messages![0]!;
      // Real SQS stores the X-Amzn-Trace-Id it received as the message's AWSTraceHeader; fauxqs does not
      // implement that, so the test takes the header from the wire (the proxy) and plays SQS's part.
      const traceHeader = message.Attributes?.AWSTraceHeader ?? sentTraceHeaders[0];
      expect(traceHeader, 'the producer sent an X-Amzn-Trace-Id').to.be.a('string');
      // The trap: the SDK's recursion detection sent the function's own _X_AMZN_TRACE_ID, not wiretap's header.
      expect(sentTraceHeaders[0]).to.equal(xray);
      const event = {
        Records: [
          {
            messageId: message.MessageId,
            receiptHandle: message.ReceiptHandle,
            body: message.Body,
            attributes: { AWSTraceHeader: traceHeader, ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
            messageAttributes: {},
            eventSource: 'aws:sqs',
            eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:stitch-${ric}`,
            awsRegion: 'us-east-1',
          },
        ],
      };
      const consumer = await startFunction({ ric, node: bin!, taskRoot: FUNCTIONS, handler: 'index.handler', preload: true, env: { ...env, DOWNSTREAM: url } });
      fns.push(consumer);
      const done = await consumer.api.invoke(event, { traceId: 'Root=1-6789abcd-000000000000000000000001;Parent=1111111111111111;Sampled=0', timeoutMs: 60000 });
      expect(done.kind, consumer.stderr()).to.equal('response');

      const spans = receiver.jsonSpans();
      const invocations = spans.filter((s) => s.attributes['faas.invocation_id'] !== undefined);
      const producerInv = invocations.find((s) => s.kind === SPAN_KIND.SERVER)!;
      const consumerInv = invocations.find((s) => s.kind === SPAN_KIND.CONSUMER)!;
      const send = spans.find((s) => s.name === 'SQS.SendMessage')!;
      expect(producerInv.traceId, 'the producer follows its X-Ray trace id').to.equal('67891233abcdef012345678912345678');
      expect(send.parentSpanId).to.equal(producerInv.spanId);
      expect(send.attributes['messaging.message.id']).to.equal(messageId);
      expect(consumerInv.traceId, 'one transaction').to.equal(producerInv.traceId);
      expect(consumerInv.attributes['messaging.message.id']).to.equal(messageId);
    });
  });
}

// Kinesis: no header travels with a record. The producer function puts records with the real SDK (HTTP/2 +
// TLS, to the wire-format fake: no Kinesis emulator runs here); the consumer function gets the Kinesis
// event Lambda would build from what the stream stored; the viewer joins the two by sequence number.
for (const { ric, node } of [{ ric: 3 as const, node: 22 as const }, { ric: 4 as const, node: 24 as const }]) {
  describe(`Lambda stitching: producer → Kinesis → consumer, aws-lambda-ric ${ric}.x on Node ${node}`, function () {
    this.timeout(90_000);
    const bin = nodeBinary(node);
    let fakes: AwsFakes | undefined;
    const fns: RunningFunction[] = [];

    before(async function () {
      const missing = ricMissing(ric) ?? (bin ? undefined : `Node ${node} is not installed in .runtimes (bash scripts/install-runtimes.sh)`);
      if (missing) {
        console.log(`      skipped: ${missing}`);
        this.skip();
      }
      fakes = await startAwsFakes();
    });
    after(async () => {
      for (const f of fns) await f.api.close();
      await fakes?.close();
    });

    it("the consumer's invocation records the producer's sequence numbers, and the viewer joins the two", async () => {
      const env = { WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '20000', FAKES_H2_URL: fakes!.h2url, NODE_EXTRA_CA_CERTS: fakes!.caFile, DOWNSTREAM: fakes!.url };
      const producer = await startFunction({ ric, node: bin!, taskRoot: FUNCTIONS, handler: 'kinesis-producer.handler', preload: true, env });
      fns.push(producer);
      const clicks = [{ user: 'u1', page: '/a' }, { user: 'u2', page: '/b' }];
      const sent = await producer.api.invoke({ stream: 'clicks', clicks }, { timeoutMs: 60000 });
      expect(sent.kind, producer.stderr()).to.equal('response');
      const sequenceNumbers = JSON.parse(sent.body).sequenceNumbers as string[];
      expect(sequenceNumbers).to.have.length(2);

      // What the stream stored, as Lambda's event source mapping hands it to the consumer.
      const put = fakes!.exchanges.find((x) => x.request.headers['x-amz-target'] === 'Kinesis_20131202.PutRecords')!;
      const input = JSON.parse(put.request.body) as { Records: { Data: string; PartitionKey: string }[] };
      const output = JSON.parse(put.response.body) as { Records: { SequenceNumber: string; ShardId: string }[] };
      const event = {
        Records: output.Records.map((r, i) => ({
          kinesis: { kinesisSchemaVersion: '1.0', partitionKey: input.Records[i]!.PartitionKey, sequenceNumber: r.SequenceNumber, data: input.Records[i]!.Data, approximateArrivalTimestamp: Date.now() / 1000 },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${r.ShardId}:${r.SequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::123456789012:role/consumer',
          awsRegion: 'us-east-1',
          eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks',
        })),
      };
      const consumer = await startFunction({ ric, node: bin!, taskRoot: FUNCTIONS, handler: 'index.handler', preload: true, env });
      fns.push(consumer);
      const done = await consumer.api.invoke(event, { timeoutMs: 60000 });
      expect(done.kind, consumer.stderr()).to.equal('response');

      // Both functions' stdout, as CloudWatch Logs would hold it: what `wiretap view` reads.
      const spans = spansFromText(producer.stdout() + '\n' + consumer.stdout());
      const putSpan = spans.find((s) => s.name === 'Kinesis.PutRecords');
      const consumerInv = spans.find((s) => s.kind === SPAN_KIND.CONSUMER && s.attributes['faas.invocation_id'] !== undefined);
      expect(putSpan, producer.stdout()).to.not.equal(undefined);
      expect(consumerInv, consumer.stdout()).to.not.equal(undefined);
      expect(putSpan!.attributes['wiretap.aws.kinesis.sequence_numbers']).to.deep.equal(sequenceNumbers);
      expect(consumerInv!.attributes).to.deep.include({ 'wiretap.aws.kinesis.sequence_numbers': sequenceNumbers, 'aws.kinesis.stream_name': 'clicks', 'faas.trigger': 'pubsub' });
      expect(consumerInv!.traceId, 'separate traces: nothing travelled with the records').to.not.equal(putSpan!.traceId);
      const { hops } = findHops(spans);
      expect(hops.map((h) => [h.producerSpanId, h.consumerSpanId, h.via])).to.deep.equal([[putSpan!.spanId, consumerInv!.spanId, 'sequence-number']]);
    });
  });
}
