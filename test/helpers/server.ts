// One set of local servers (HTTP/1.1, HTTPS, h2c) shared by every e2e and compliance test in the mocha
// process, on 127.0.0.1 only. Every route answers with what it received, so apps and tests can check
// request bodies and headers; a few routes misbehave on purpose (hang, destroy, RST, hold).
import * as http from 'node:http';
import * as https from 'node:https';
import * as http2 from 'node:http2';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { tempDir } from './run-app';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TestServers {
  http: string;
  https: string;
  h2: string;
  caFile: string;
  /** Every request the servers saw, in arrival order. */
  seen: SeenRequest[];
  /** Requests whose path starts with the prefix. */
  requests(prefix: string): SeenRequest[];
  /** Environment for apps: HTTP_BASE, HTTPS_BASE, H2_BASE, CA_FILE. */
  env: Record<string, string>;
}

const held = new Map<string, () => void>();
const released = new Set<string>();

function handler(seen: SeenRequest[]) {
  return (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('latin1');
      const record: SeenRequest = { method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body };
      seen.push(record);
      const p = url.pathname;
      const w = res as http.ServerResponse;
      if (p.includes('/hold/')) {
        // Sends a first chunk, then the rest only once /release/<id> came in (the client read the first chunk).
        const id = p.slice(p.indexOf('/hold/') + 6);
        w.writeHead(200, { 'content-type': 'text/plain' });
        w.write('first-chunk;');
        const rest = () => w.end('rest-of-body');
        if (released.has(id)) rest();
        else held.set(id, rest);
      } else if (p.includes('/release/')) {
        const id = p.slice(p.indexOf('/release/') + 9);
        released.add(id);
        held.get(id)?.();
        held.delete(id);
        w.end('released');
      } else if (p.includes('/hang-body')) {
        w.writeHead(200, { 'content-type': 'text/plain' });
        w.write('partial;');
      } else if (p.includes('/hang')) {
        // no response at all
      } else if (p.includes('/destroy-early')) {
        (req.socket as import('node:net').Socket).destroy();
      } else if (p.includes('/destroy-mid')) {
        w.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
        w.write('partial;', () => setImmediate(() => (req.socket as import('node:net').Socket).destroy()));
      } else if (p.includes('/rst')) {
        (res as http2.Http2ServerResponse).stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      } else if (p.includes('gzip')) {
        const gz = zlib.gzipSync(Buffer.from(JSON.stringify({ gzipped: true, text: 'hello compressed world' })));
        w.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gz.length) });
        w.end(gz);
      } else if (p.includes('/big')) {
        const n = Number(url.searchParams.get('kb') ?? '256');
        w.writeHead(200, { 'content-type': 'application/octet-stream' });
        const block = Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz');
        let i = 0;
        const more = () => {
          while (i < n) {
            i++;
            if (!w.write(block)) return void w.once('drain', more);
          }
          w.end();
        };
        more();
      } else if (p.includes('/chunks')) {
        w.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const next = () => (i < 5 ? (w.write(`chunk${i++};`), setImmediate(next)) : w.end('done'));
        next();
      } else {
        const status = Number(url.searchParams.get('status') ?? '200');
        const out = JSON.stringify({ method: req.method, path: record.path, body});
        w.writeHead(status, { 'content-type': 'application/json', 'x-test-server': 'yes' });
        w.end(out);
      }
    });
  };
}

let shared: Promise<TestServers> | undefined;

function listen(server: http.Server | https.Server | http2.Http2Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A self-signed certificate for 127.0.0.1, made with openssl in a temp dir. */
export function makeCertificate(): { key: string; cert: string; caFile: string } {
  const dir = tempDir('wiretap-cert-');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), caFile: certFile };
}

/** Starts the shared servers once per mocha process. They are unref'd, so mocha exits normally. */
export function testServers(): Promise<TestServers> {
  shared ??= (async () => {
    const seen: SeenRequest[] = [];
    const { key, cert, caFile } = makeCertificate();
    const h = handler(seen);
    const plain = http.createServer(h as http.RequestListener);
    const secure = https.createServer({ key, cert }, h as http.RequestListener);
    const h2 = http2.createServer(h as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
    const [p1, p2, p3] = await Promise.all([listen(plain), listen(secure), listen(h2)]);
    const urls = { http: `http://127.0.0.1:${p1}`, https: `https://127.0.0.1:${p2}`, h2: `http://127.0.0.1:${p3}` };
    return {
      ...urls,
      caFile,
      seen,
      requests: (prefix: string) => seen.filter((r) => r.path.startsWith(prefix)),
      env: { HTTP_BASE: urls.http, HTTPS_BASE: urls.https, H2_BASE: urls.h2, CA_FILE: caFile },
    };
  })();
  return shared;
}
