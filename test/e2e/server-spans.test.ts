// SERVER spans for incoming requests, and what the app's code sees of them: no extra frames inside a
// handler, and no process-wide callbackTrampoline where the runtime lets wiretap avoid it.
import { expect } from 'chai';
import { runBoth, runtimePath, skipWithoutNode } from '../helpers/run-app';
import { SPAN_KIND, type FlatSpan } from '../helpers/otlp';

const NODE24 = runtimePath(24);
const INCOMING_TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('e2e: server spans', function () {
  this.timeout(30000);

  for (const [label, node] of [[`this Node (${process.version})`, process.execPath], ['Node 22', runtimePath(22)], ['Node 24', NODE24]] as const) {
    it(`continue the incoming traceparent, nest the handler's calls, and add no frame to the handler's stack (${label})`, async function () {
      skipWithoutNode(this, node);
      const { bare, tapped } = await runBoth({ app: 'test/e2e/apps/server-stacks.js', node });
      expect(tapped.code, tapped.stderr).to.equal(0);
      const [b, t] = [bare.json()[0], tapped.json()[0]];
      expect(b.status).to.equal(201);
      expect(t).to.include({ status: 201, body: 'first;second' });
      expect(t.handlerFrames, 'frames inside the request handler').to.equal(b.handlerFrames);

      const spans = tapped.spans();
      const server = spans.filter((s) => s.kind === SPAN_KIND.SERVER && s.attributes['url.path'] === '/served');
      expect(server, JSON.stringify(spans.map((s) => [s.kind, s.name, s.attributes]))).to.have.length(1);
      const s: FlatSpan = server[0];
      expect(s.traceId).to.equal(INCOMING_TRACE);
      expect(s.parentSpanId).to.equal('b7ad6b7169203331');
      expect(s.name).to.equal('POST');
      expect(s.attributes).to.include({
        'http.request.method': 'POST',
        'url.path': '/served',
        'url.query': 'q=1',
        'url.scheme': 'http',
        'http.response.status_code': 201,
        'network.protocol.version': '1.1',
        'server.address': '127.0.0.1',
        'user_agent.original': 'stacks-test/1',
        'network.peer.address': '127.0.0.1',
        'client.address': '127.0.0.1',
      });
      expect(s.attributes['server.port']).to.be.a('number');
      const down = spans.filter((x) => x.kind === SPAN_KIND.CLIENT && String(x.attributes['url.full']).endsWith('/downstream'));
      expect(down, 'the handler’s own call').to.have.length(1);
      expect(down[0].traceId).to.equal(INCOMING_TRACE);
      expect(down[0].parentSpanId, 'the handler’s call is a child of the SERVER span').to.equal(s.spanId);
    });
  }

  it('after a handled request, native callbacks run without callbackTrampoline where AsyncLocalStorage needs no async hooks (Node 24)', async function () {
    skipWithoutNode(this, NODE24);
    const { bare, tapped } = await runBoth({ app: 'test/e2e/apps/server-stacks.js', node: NODE24 });
    expect(tapped.code, tapped.stderr).to.equal(0);
    const [b, t] = [bare.json()[0], tapped.json()[0]];
    expect(b.trampolineAfter).to.equal(false);
    expect(t.trampolineAfter, 'a callbackTrampoline frame after the first request').to.equal(false);
  });
});
