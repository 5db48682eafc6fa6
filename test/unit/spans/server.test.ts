// SERVER span attributes (HTTP server semantic conventions) from an incoming request's head.
import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { serverAttributes } from '../../../src/spans/server';

const request = (over: Record<string, unknown>): IncomingMessage =>
  ({ method: 'GET', url: '/', httpVersion: '1.1', headers: {}, socket: { remoteAddress: '10.0.0.7', remotePort: 50123, localPort: 8443, encrypted: true }, ...over }) as unknown as IncomingMessage;

describe('spans/server: serverAttributes', () => {
  it('names method, path, query, scheme, host, peer and user agent', () => {
    const attrs = serverAttributes(request({ method: 'post', url: '/orders/7?expand=items', headers: { host: 'shop.example:8443', 'user-agent': 'curl/8' } }));
    expect(attrs).to.deep.equal({
      'http.request.method': 'POST',
      'url.scheme': 'https',
      'url.path': '/orders/7',
      'url.query': 'expand=items',
      'network.protocol.version': '1.1',
      'server.address': 'shop.example',
      'server.port': 8443,
      'network.peer.address': '10.0.0.7',
      'client.address': '10.0.0.7',
      'network.peer.port': 50123,
      'user_agent.original': 'curl/8',
    });
  });

  it('an unknown method is _OTHER with the original kept; an IPv6 Host loses its brackets', () => {
    const attrs = serverAttributes(request({ method: 'BREW', headers: { host: '[::1]:8080' }, socket: { localPort: 8080 } }));
    expect(attrs).to.include({ 'http.request.method': '_OTHER', 'http.request.method_original': 'BREW', 'server.address': '::1', 'server.port': 8080, 'url.scheme': 'http' });
    expect(attrs).to.not.have.property('url.query');
  });
});
