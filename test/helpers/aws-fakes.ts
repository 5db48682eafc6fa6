// Local stand-ins for AWS services no emulator covers here (or not in the way a test needs), speaking the
// real wire formats on 127.0.0.1: SQS (AWS JSON 1.0 and awsQuery/XML), SNS (awsQuery/XML), EventBridge
// (JSON 1.1), Lambda Invoke (REST JSON) over HTTP/1.1, and Kinesis (JSON 1.1) over HTTP/2 with TLS.
// Like AWS, the SQS fake turns the `X-Amzn-Trace-Id` header of a send into the `AWSTraceHeader` system
// attribute of the message. Every exchange is recorded (for fixtures and assertions). Ids are counters,
// so recordings are deterministic.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { makeCertificate } from './server';

export interface RecordedExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string; protocolVersion: string };
  response: { status: number; headers: Record<string, string>; body: string };
}

export interface AwsFakes {
  /** http://127.0.0.1:<port> for SQS, SNS, EventBridge and Lambda. */
  url: string;
  /** https://127.0.0.1:<port>, HTTP/2 only (Kinesis). */
  h2url: string;
  caFile: string;
  exchanges: RecordedExchange[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface StoredMessage {
  id: string;
  body: string;
  traceHeader?: string;
  sent: number;
}

const md5 = (s: string): string => crypto.createHash('md5').update(s, 'utf8').digest('hex');
const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function signingName(headers: Record<string, string>): string {
  const m = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(headers['authorization'] ?? '');
  return m ? m[1] : '';
}

function uuid(n: number, prefix: string): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${hex}`;
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith(':') || v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

export async function startAwsFakes(): Promise<AwsFakes> {
  const exchanges: RecordedExchange[] = [];
  const queues = new Map<string, StoredMessage[]>();
  const kinesis = new Map<string, { data: string; key: string; seq: string }[]>();
  let seq = 0;
  const next = (): number => ++seq;
  let base = '';
  const requestId = (): string => uuid(next(), 'req');

  const json = (status: number, body: unknown, type = 'application/x-amz-json-1.0', extra: Record<string, string> = {}): Reply => ({
    status,
    headers: { 'content-type': type, 'x-amzn-requestid': requestId(), ...extra },
    body: JSON.stringify(body),
  });
  const xml = (status: number, body: string): Reply => ({ status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() }, body });

  // --- SQS ---------------------------------------------------------------------------------------
  const queueOf = (url: unknown): StoredMessage[] | undefined => (typeof url === 'string' ? queues.get(url.slice(url.lastIndexOf('/') + 1)) : undefined);
  const queueUrl = (name: string): string => `${base}/000000000000/${name}`;
  const sqsMissing = (protocol: 'json' | 'query'): Reply =>
    protocol === 'json'
      ? json(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }, 'application/x-amz-json-1.0', {
          'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
        })
      : xml(
          400,
          `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message><Detail/></Error><RequestId>${uuid(next(), 'req')}</RequestId></ErrorResponse>`,
        );

  function wantsTraceHeader(names: unknown): boolean {
    return Array.isArray(names) && names.some((n) => n === 'AWSTraceHeader' || n === 'All');
  }

  /** The SQS operations, protocol-neutral: input in JSON shape, output in JSON shape (or an error reply). */
  function sqs(op: string, input: Record<string, any>, traceHeader: string | undefined, protocol: 'json' | 'query'): Record<string, any> | Reply {
    switch (op) {
      case 'CreateQueue':
        if (!queues.has(input.QueueName)) queues.set(input.QueueName, []);
        return { QueueUrl: queueUrl(input.QueueName) };
      case 'GetQueueUrl':
        return queues.has(input.QueueName) ? { QueueUrl: queueUrl(input.QueueName) } : sqsMissing(protocol);
      case 'SendMessage': {
        const q = queueOf(input.QueueUrl);
        if (!q) return sqsMissing(protocol);
        const id = uuid(next(), 'msg');
        // AWS: the message system attribute wins over the HTTP header
        const header = input.MessageSystemAttributes?.AWSTraceHeader?.StringValue ?? traceHeader;
        q.push({ id, body: input.MessageBody, traceHeader: header, sent: 1_700_000_000_000 + seq });
        return { MessageId: id, MD5OfMessageBody: md5(input.MessageBody) };
      }
      case 'SendMessageBatch': {
        const q = queueOf(input.QueueUrl);
        if (!q) return sqsMissing(protocol);
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const e of input.Entries as Record<string, any>[]) {
          if (String(e.Id).startsWith('bad')) {
            Failed.push({ Id: e.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'Entry rejected by the fake' });
            continue;
          }
          const id = uuid(next(), 'msg');
          q.push({ id, body: e.MessageBody, traceHeader, sent: 1_700_000_000_000 + seq });
          Successful.push({ Id: e.Id, MessageId: id, MD5OfMessageBody: md5(e.MessageBody) });
        }
        return { Successful, Failed };
      }
      case 'ReceiveMessage': {
        const q = queueOf(input.QueueUrl);
        if (!q) return sqsMissing(protocol);
        const taken = q.splice(0, Number(input.MaxNumberOfMessages ?? 1));
        const withTrace = wantsTraceHeader(input.MessageSystemAttributeNames) || wantsTraceHeader(input.AttributeNames);
        return {
          Messages: taken.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: `rh-${m.id}`,
            MD5OfBody: md5(m.body),
            Body: m.body,
            Attributes: withTrace
              ? { SentTimestamp: String(m.sent), ...(m.traceHeader ? { AWSTraceHeader: m.traceHeader } : {}) }
              : undefined,
          })),
        };
      }
      case 'DeleteMessage':
        return queueOf(input.QueueUrl) ? {} : sqsMissing(protocol);
      default:
        return json(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `not in the fake: ${op}` });
    }
  }

  /** awsQuery form → the JSON-shaped input the SQS handler takes (only what the fake uses). */
  function sqsFormInput(form: URLSearchParams): Record<string, any> {
    const input: Record<string, any> = {};
    const entries = new Map<number, Record<string, string>>();
    const names: string[] = [];
    for (const [k, v] of form) {
      const m = /^SendMessageBatchRequestEntry\.(\d+)\.(\w+)$/.exec(k);
      if (m) {
        const e = entries.get(+m[1]) ?? {};
        e[m[2]] = v;
        entries.set(+m[1], e);
      } else if (/^(AttributeName|MessageSystemAttributeName)\.\d+$/.test(k)) names.push(v);
      else input[k] = v;
    }
    if (entries.size) input.Entries = [...entries.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    if (names.length) input.AttributeNames = names;
    return input;
  }

  function sqsXml(op: string, out: Record<string, any>): string {
    let inner = '';
    if (op === 'SendMessage') inner = `<MessageId>${out.MessageId}</MessageId><MD5OfMessageBody>${out.MD5OfMessageBody}</MD5OfMessageBody>`;
    else if (op === 'CreateQueue' || op === 'GetQueueUrl') inner = `<QueueUrl>${xmlEscape(out.QueueUrl)}</QueueUrl>`;
    else if (op === 'SendMessageBatch') {
      inner =
        out.Successful.map((s: any) => `<SendMessageBatchResultEntry><Id>${s.Id}</Id><MessageId>${s.MessageId}</MessageId><MD5OfMessageBody>${s.MD5OfMessageBody}</MD5OfMessageBody></SendMessageBatchResultEntry>`).join('') +
        out.Failed.map((f: any) => `<BatchResultErrorEntry><Id>${f.Id}</Id><SenderFault>true</SenderFault><Code>${f.Code}</Code><Message>${f.Message}</Message></BatchResultErrorEntry>`).join('');
    } else if (op === 'ReceiveMessage') {
      inner = out.Messages.map(
        (m: any) =>
          `<Message><MessageId>${m.MessageId}</MessageId><ReceiptHandle>${m.ReceiptHandle}</ReceiptHandle><MD5OfBody>${m.MD5OfBody}</MD5OfBody><Body>${xmlEscape(m.Body)}</Body>` +
          Object.entries(m.Attributes ?? {})
            .map(([k, v]) => `<Attribute><Name>${k}</Name><Value>${xmlEscape(String(v))}</Value></Attribute>`)
            .join('') +
          `</Message>`,
      ).join('');
    }
    return `<?xml version="1.0"?><${op}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><${op}Result>${inner}</${op}Result><ResponseMetadata><RequestId>${uuid(next(), 'req')}</RequestId></ResponseMetadata></${op}Response>`;
  }

  // --- SNS ---------------------------------------------------------------------------------------
  function sns(form: URLSearchParams): Reply {
    const op = form.get('Action') ?? '';
    const ok = (inner: string): Reply =>
      xml(200, `<${op}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${op}Result>${inner}</${op}Result><ResponseMetadata><RequestId>${uuid(next(), 'req')}</RequestId></ResponseMetadata></${op}Response>`);
    const topic = form.get('TopicArn') ?? '';
    if (topic.endsWith(':missing')) {
      return xml(
        404,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>${uuid(next(), 'req')}</RequestId></ErrorResponse>`,
      );
    }
    if (op === 'CreateTopic') return ok(`<TopicArn>arn:aws:sns:us-east-1:000000000000:${form.get('Name')}</TopicArn>`);
    if (op === 'Publish') return ok(`<MessageId>${uuid(next(), 'sns')}</MessageId>`);
    if (op === 'PublishBatch') {
      const ids: string[] = [];
      for (const [k, v] of form) if (/^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(k)) ids.push(v);
      const okEntries = ids.filter((id) => !id.startsWith('bad')).map((id) => `<member><Id>${id}</Id><MessageId>${uuid(next(), 'sns')}</MessageId></member>`);
      const failed = ids.filter((id) => id.startsWith('bad')).map((id) => `<member><Id>${id}</Id><Code>InvalidParameter</Code><Message>rejected by the fake</Message><SenderFault>true</SenderFault></member>`);
      return ok(`<Successful>${okEntries.join('')}</Successful><Failed>${failed.join('')}</Failed>`);
    }
    return xml(400, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not in the fake</Message></Error><RequestId>x</RequestId></ErrorResponse>`);
  }

  // --- EventBridge -------------------------------------------------------------------------------
  function eventbridge(op: string, input: Record<string, any>): Reply {
    if (op !== 'PutEvents') return json(400, { __type: 'UnknownOperationException' }, 'application/x-amz-json-1.1');
    let failed = 0;
    const Entries = (input.Entries as Record<string, any>[]).map((e) => {
      if (e.Source === 'bad.source') {
        failed++;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid.' };
      }
      return { EventId: uuid(next(), 'evt') };
    });
    return json(200, { FailedEntryCount: failed, Entries }, 'application/x-amz-json-1.1');
  }

  // --- Lambda ------------------------------------------------------------------------------------
  function lambda(path: string, headers: Record<string, string>, body: string): Reply {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (!m) return json(404, { Type: 'User', message: 'not in the fake' }, 'application/json', { 'x-amzn-errortype': 'ResourceNotFoundException' });
    const fn = decodeURIComponent(m[1]);
    if (fn.includes('missing')) {
      return json(404, { Type: 'User', Message: `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${fn}` }, 'application/json', {
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
    }
    const type = headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (type === 'Event') return { status: 202, headers: { 'x-amzn-requestid': requestId() }, body: '' };
    const extra: Record<string, string> = { 'x-amz-executed-version': '$LATEST' };
    if (headers['x-amz-log-type'] === 'Tail') {
      const log = `START RequestId: 1 Version: $LATEST\nprocessing order with key AKIAZZZZEXAMPLE12345\nEND RequestId: 1\nREPORT RequestId: 1\tDuration: 1.23 ms\n`;
      extra['x-amz-log-result'] = Buffer.from(log).toString('base64');
    }
    if (fn.includes('crash')) {
      extra['x-amz-function-error'] = 'Unhandled';
      return json(200, { errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')", trace: ['TypeError: at handler (/var/task/index.js:3:20)'] }, 'application/json', extra);
    }
    return json(200, { ok: true, echo: body ? JSON.parse(body) : null }, 'application/json', extra);
  }

  // --- Kinesis -----------------------------------------------------------------------------------
  function kinesisOp(op: string, input: Record<string, any>): Reply {
    const type = 'application/x-amz-json-1.1';
    const name: string = input.StreamName ?? String(input.StreamARN ?? '').split('/').pop() ?? '';
    if (name.includes('missing')) return json(400, { __type: 'ResourceNotFoundException', message: `Stream ${name} under account 000000000000 not found.` }, type);
    const stream = kinesis.get(name) ?? [];
    kinesis.set(name, stream);
    const put = (data: string, key: string): string => {
      const s = `4963${String(next()).padStart(52, '0')}`;
      stream.push({ data, key, seq: s });
      return s;
    };
    switch (op) {
      case 'PutRecord':
        return json(200, { ShardId: 'shardId-000000000000', SequenceNumber: put(input.Data, input.PartitionKey) }, type);
      case 'PutRecords': {
        let failed = 0;
        const Records = (input.Records as Record<string, any>[]).map((r) => {
          if (r.PartitionKey === 'throttle') {
            failed++;
            return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000000' };
          }
          return { ShardId: 'shardId-000000000000', SequenceNumber: put(r.Data, r.PartitionKey) };
        });
        return json(200, { FailedRecordCount: failed, Records }, type);
      }
      case 'GetShardIterator':
        return json(200, { ShardIterator: Buffer.from(`${name}|0`).toString('base64') }, type);
      case 'GetRecords': {
        const [streamName] = Buffer.from(String(input.ShardIterator), 'base64').toString().split('|');
        const records = kinesis.get(streamName) ?? [];
        return json(
          200,
          {
            Records: records.map((r) => ({ SequenceNumber: r.seq, Data: r.data, PartitionKey: r.key, ApproximateArrivalTimestamp: 1_700_000_000 })),
            NextShardIterator: Buffer.from(`${streamName}|${records.length}`).toString('base64'),
            MillisBehindLatest: 0,
          },
          type,
        );
      }
      default:
        return json(400, { __type: 'UnknownOperationException' }, type);
    }
  }

  function route(method: string, path: string, headers: Record<string, string>, body: string): Reply {
    const target = headers['x-amz-target'] ?? '';
    const dot = target.lastIndexOf('.');
    const op = target.slice(dot + 1);
    if (target.startsWith('AmazonSQS.')) {
      const out = sqs(op, JSON.parse(body || '{}'), headers['x-amzn-trace-id'], 'json');
      return 'status' in out && 'headers' in out ? (out as Reply) : json(200, out);
    }
    if (target.startsWith('AWSEvents.')) return eventbridge(op, JSON.parse(body || '{}'));
    if (target.startsWith('Kinesis_20131202.')) return kinesisOp(op, JSON.parse(body || '{}'));
    if (path.startsWith('/2015-03-31/functions/')) return lambda(path, headers, body);
    if (method === 'POST' && (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body);
      if (signingName(headers) === 'sns') return sns(form);
      const action = form.get('Action') ?? '';
      const out = sqs(action, sqsFormInput(form), headers['x-amzn-trace-id'], 'query');
      return 'status' in out && 'headers' in out ? (out as Reply) : xml(200, sqsXml(action, out));
    }
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'no such fake route' };
  }

  function handle(req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse, scheme: string): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = flatHeaders(req.headers);
      const body = Buffer.concat(chunks).toString('utf8');
      let reply: Reply;
      try {
        reply = route(req.method ?? 'GET', (req.url ?? '/').split('?')[0], headers, body);
      } catch (err) {
        reply = { status: 500, headers: { 'content-type': 'text/plain' }, body: String(err) };
      }
      reply.headers['content-length'] = String(Buffer.byteLength(reply.body));
      const host = headers['host'] ?? String((req.headers as Record<string, unknown>)[':authority'] ?? '');
      exchanges.push({
        request: { method: req.method ?? 'GET', url: `${scheme}://${host}${req.url}`, headers, body, protocolVersion: req.httpVersion === '2.0' ? '2' : '1.1' },
        response: { status: reply.status, headers: { ...reply.headers }, body: reply.body },
      });
      (res as http.ServerResponse).writeHead(reply.status, reply.headers);
      (res as http.ServerResponse).end(reply.body);
    });
  }

  const server = http.createServer((req, res) => handle(req, res, 'http'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { key, cert, caFile } = makeCertificate();
  const h2 = http2.createSecureServer({ key, cert }, (req, res) => handle(req, res, 'https'));
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  const h2url = `https://127.0.0.1:${(h2.address() as AddressInfo).port}`;
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });

  return {
    url: base,
    h2url,
    caFile,
    exchanges,
    close: async () => {
      for (const s of sessions) s.destroy();
      server.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => h2.close(r))]);
    },
  };
}
