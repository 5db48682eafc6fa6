// The `wiretap` bin as a user runs it: colour from NO_COLOR / FORCE_COLOR, --follow tailing a file as
// spans arrive, and replay into a local OTLP receiver (http/json and http/protobuf).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { startOtlpReceiver } from '../helpers/otlp-receiver';
import { bin, runWiretap, tracesDir as traces } from './run';


describe('wiretap bin', function () {
  this.timeout(30_000);

  it('NO_COLOR: no escapes; FORCE_COLOR: escapes even into a pipe; NO_COLOR wins over FORCE_COLOR', () => {
    const args = ['view', 'scenario.jsonl', '--trace', '7372762d31000000'];
    expect(runWiretap(args).stdout).to.not.include('\x1b[');
    expect(runWiretap(args, { NO_COLOR: '', FORCE_COLOR: '1' }).stdout).to.include('\x1b[');
    expect(runWiretap(args, { NO_COLOR: '1', FORCE_COLOR: '1' }).stdout).to.not.include('\x1b[');
  });

  it('COLUMNS sets the width', () => {
    const narrow = runWiretap(['view', 'scenario.jsonl', '--trace', '7372762d31000000'], { COLUMNS: '70' }).stdout;
    const wide = runWiretap(['view', 'scenario.jsonl', '--trace', '7372762d31000000'], { COLUMNS: '150' }).stdout;
    const longest = (text: string) => Math.max(...text.split('\n').filter((l) => l.includes('|')).map((l) => [...l].length));
    expect(longest(narrow)).to.be.at.most(70);
    expect(longest(wide)).to.be.within(140, 150);
  });

  it('--follow prints transactions as their spans are appended, and stops on SIGINT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-follow-'));
    const file = path.join(dir, 'live.jsonl');
    const lines = fs.readFileSync(path.join(traces, 'scenario.jsonl'), 'utf8').split('\n');
    fs.writeFileSync(file, lines[0] + '\n'); // the api's first trace only
    const child = spawn(process.execPath, [bin, 'view', '--follow', file, '--json'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const waitFor = async (predicate: () => boolean) => {
      for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(predicate(), out).to.equal(true);
    };
    try {
      await waitFor(() => out.split('\n').filter(Boolean).length >= 1);
      expect(JSON.parse(out.split('\n')[0])).to.include({ id: '7372762d31000000', hops: 0 });
      // The worker's spans arrive, written in two pieces (a line cut in the middle must wait for its end).
      const rest = lines.slice(1).join('\n');
      fs.appendFileSync(file, rest.slice(0, 500));
      await new Promise((r) => setTimeout(r, 400));
      fs.appendFileSync(file, rest.slice(500));
      await waitFor(() => out.split('\n').filter(Boolean).length >= 4);
      const updates = out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const joined = updates.filter((u) => u.id === '7372762d31000000').pop();
      expect(joined.hops, 'the same transaction printed again once the consumer joined').to.equal(1);
      expect(updates.map((u) => u.id)).to.include.members(['696e762d32000000', '7372762d33000000']);
    } finally {
      child.kill('SIGINT');
      const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).to.equal(0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const protocol of ['http/json', 'http/protobuf']) {
    it(`replay sends every span with its ids unchanged (${protocol})`, async () => {
      const receiver = await startOtlpReceiver();
      try {
        const base = receiver.url.replace('/v1/traces', '');
        const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn(process.execPath, [bin, 'replay', path.join(traces, 'scenario.jsonl'), '--to', base, '--protocol', protocol, '--batch', '5', '-H', 'x-api-key=FAKE-key'], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (c: Buffer) => (out += c));
          child.stderr.on('data', (c: Buffer) => (err += c));
          child.on('exit', (code) => resolve({ code, out, err }));
        });
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.include('sent 16 spans');
        expect(receiver.received.length).to.equal(4); // 16 spans in batches of 5
        expect(receiver.received.every((x) => x.path === '/v1/traces' && x.headers['x-api-key'] === 'FAKE-key')).to.equal(true);
        if (protocol === 'http/json') {
          const spans = receiver.jsonSpans();
          expect(spans).to.have.length(16);
          const send = spans.find((s) => s.name === 'SQS.SendMessage')!;
          expect(send.spanId).to.equal(Buffer.from('send-1').toString('hex').padEnd(16, '0'));
          expect(send.startTimeUnixNano).to.equal('1796000000030000000');
          expect(send.kind).to.equal(4);
          const consumer = spans.find((s) => s.name === 'order-events process')!;
          expect(consumer.links).to.deep.equal([{ traceId: send.traceId, spanId: send.spanId }]);
          expect(consumer.resource['service.name']).to.equal('worker');
        } else {
          const strings = receiver.protobufStrings();
          for (const s of ['SQS.SendMessage', 'order-events process', 'worker', 'user-8812']) expect(strings.some((x) => x.includes(s)), s).to.equal(true);
        }
      } finally {
        await receiver.close();
      }
    });
  }

  it('replay to an endpoint that rejects the data: exit 1 with the reason', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
      const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'replay', path.join(traces, 'scenario.jsonl'), '--to', url], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c));
        child.on('exit', (code) => resolve({ code, err }));
      });
      expect(r.code).to.equal(1);
      expect(r.err).to.include(`export to ${url} failed after 0 spans`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
