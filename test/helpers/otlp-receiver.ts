// A local OTLP/HTTP receiver on 127.0.0.1 that keeps every request body it gets.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { flattenRequest, type FlatSpan } from './otlp';
import { extractStrings } from './protobuf';

export interface Received {
  path: string;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface OtlpReceiver {
  url: string;
  received: Received[];
  /** Requests answered with an error status (options.status), not kept. */
  refused: number;
  /** Spans from the http/json bodies received. */
  jsonSpans(): FlatSpan[];
  /** Strings found in the http/protobuf bodies received. */
  protobufStrings(): string[];
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** The status to answer each request with (default 200); a request answered with another is not kept. */
  status?: () => number;
}

export async function startOtlpReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  const received: Received[] = [];
  let refused = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = options.status?.() ?? 200;
      if (status !== 200) {
        refused++;
        res.writeHead(status);
        res.end();
        return;
      }
      received.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), headers: req.headers, body: Buffer.concat(chunks) });
      const json = String(req.headers['content-type']).includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received,
    get refused() {
      return refused;
    },
    jsonSpans: () => received.filter((r) => r.contentType.includes('json')).flatMap((r) => flattenRequest(JSON.parse(r.body.toString()))),
    protobufStrings: () => received.filter((r) => r.contentType.includes('protobuf')).flatMap((r) => extractStrings(r.body)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A collector that accepts connections and never answers: wiretap's export stays in flight. */
export async function startSilentCollector(): Promise<{ port: number; url: string; close: () => void; connections: () => number }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/v1/traces`,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
