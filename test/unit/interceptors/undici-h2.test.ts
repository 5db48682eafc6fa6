// The claim undici's sendHeaders hands to the http2 interceptor for the stream it opens next.
import { expect } from 'chai';
import { claimNextStream, takeClaim } from '../../../src/interceptors/undici-h2';

describe('interceptors/undici-h2', () => {
  it('the next session.request with the same method and path is undici’s; only once', () => {
    claimNextStream('post', '/x?y=1');
    expect(takeClaim({ ':method': 'POST', ':path': '/x?y=1' })).to.equal(true);
    expect(takeClaim({ ':method': 'POST', ':path': '/x?y=1' })).to.equal(false);
  });

  it('a different stream does not match, and the claim does not linger', () => {
    claimNextStream('GET', '/a');
    expect(takeClaim({ ':path': '/b' })).to.equal(false);
    expect(takeClaim({ ':path': '/a' }), 'cleared by the first request after it').to.equal(false);
    claimNextStream('GET', '/a');
    expect(takeClaim(undefined), 'no headers: GET /').to.equal(false);
  });
});
