// The redirect hand-off between one hop's response and the next hop's start.
import { expect } from 'chai';
import { noteRedirect, previousHop } from '../../../src/interceptors/redirects';
import type { Recorder } from '../../../src/interceptors/interceptor';
import type { RequestHead } from '../../../src/exchange/types';

const head = (over: Partial<RequestHead> = {}): RequestHead => ({
  method: 'GET',
  scheme: 'http',
  host: '127.0.0.1',
  port: 8080,
  path: '/a/b',
  query: '',
  headers: {},
  protocolVersion: '1.1',
  transport: 'undici',
  ...over,
});

const hop = (handle: unknown) => ({ asPreviousHop: () => handle }) as unknown as Recorder;

describe('interceptors/redirects', () => {
  it('hands the previous hop to the request for the resolved Location, once', () => {
    noteRedirect(head(), 302, { location: '../c?x=1' }, hop('h1'));
    expect(previousHop(head({ path: '/c', query: 'x=1' }))).to.equal('h1');
    expect(previousHop(head({ path: '/c', query: 'x=1' })), 'used once').to.equal(undefined);
  });

  it('resolves absolute locations with default ports, and ignores other statuses and schemes', () => {
    noteRedirect(head(), 301, { location: 'https://Example.com/next' }, hop('h2'));
    noteRedirect(head(), 200, { location: '/not-a-redirect' }, hop('h3'));
    noteRedirect(head(), 307, { location: 'ftp://example.com/file' }, hop('h4'));
    noteRedirect(head(), 308, {}, hop('h5'));
    expect(previousHop(head({ path: '/not-a-redirect' }))).to.equal(undefined);
    expect(previousHop(head({ scheme: 'https', host: 'example.com', port: 443, path: '/next' }))).to.equal('h2');
  });

  it('remembers a bounded number of targets, dropping the oldest', () => {
    for (let i = 0; i < 300; i++) noteRedirect(head(), 302, { location: `/t${i}` }, hop(`h${i}`));
    expect(previousHop(head({ path: '/t0' })), 'oldest dropped').to.equal(undefined);
    expect(previousHop(head({ path: '/t299' }))).to.equal('h299');
    for (let i = 0; i < 300; i++) previousHop(head({ path: `/t${i}` })); // leave nothing for other tests
  });
});
