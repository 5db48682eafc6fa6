// Transactions: a root (an incoming request or a Lambda invocation, else a trace's earliest span) and its
// tree, joined across traces. Joins come from span links, from the message/event/sequence ids a producer
// recorded and a consumer received (the same attribute on both sides), and from the X-Ray trace header
// (`Parent=` names the producer span). Attempts of one logical call become one node.
import { criticalPath } from './critical-path';
import { isCall, isEntry, retryNumber } from './describe';
import type { AttrValue, Hop, HopVia, Span, SpanLink, SpanNode, Transaction } from './types';
import { SpanKind } from './types';

const key = (traceId: string, spanId: string) => `${traceId}/${spanId}`;
const spanKey = (s: Span) => key(s.traceId, s.spanId);

/** Attributes in which producers and consumers record the ids of what went through a queue, bus or stream. */
const ID_ATTRIBUTES: { name: string; via: HopVia }[] = [
  { name: 'messaging.message.id', via: 'message-id' },
  { name: 'wiretap.messaging.message_ids', via: 'message-id' },
  { name: 'wiretap.aws.eventbridge.event_ids', via: 'event-id' },
  { name: 'wiretap.aws.kinesis.sequence_numbers', via: 'sequence-number' },
];
const TRACE_HEADER_ATTRIBUTES = ['wiretap.aws.trace_header', 'AWSTraceHeader', 'aws.xray.trace_header'];

function values(v: AttrValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(values);
  if (typeof v === 'object') return [];
  return String(v) === '' ? [] : [String(v)];
}

/** A span that sent something: PRODUCER kind, or a messaging "send"/"publish" operation. */
export function isProducer(span: Span): boolean {
  if (span.kind === SpanKind.PRODUCER) return true;
  const op = span.attributes['messaging.operation.type'];
  if (op === 'send' || op === 'publish' || op === 'create') return true;
  const method = span.attributes['rpc.method'];
  return typeof method === 'string' && /^(PutRecords?|PutEvents|Publish(Batch)?|SendMessage(Batch)?)$/.test(method);
}

/** `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1` → trace and parent span id. */
export function parseXrayHeader(header: string): { traceId?: string; parentSpanId?: string } {
  const out: { traceId?: string; parentSpanId?: string } = {};
  for (const part of header.split(';')) {
    const [k, v] = part.split('=').map((x) => x.trim());
    if (!v) continue;
    if (k === 'Root') {
      const m = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/i.exec(v);
      if (m) out.traceId = (m[1] + m[2]).toLowerCase();
    } else if (k === 'Parent' && /^[0-9a-f]{16}$/i.test(v)) out.parentSpanId = v.toLowerCase();
  }
  return out;
}

/** Every async hop found among the spans (one per producer/consumer pair; links win over ids over headers). */
export function findHops(spans: Span[]): { hops: Hop[]; danglingLinks: { span: Span; link: SpanLink }[] } {
  const byKey = new Map<string, Span>();
  for (const s of spans) byKey.set(spanKey(s), s);
  const hops = new Map<string, Hop>();
  const add = (producer: Span, consumer: Span, via: HopVia, id: string) => {
    if (producer === consumer) return;
    const k = `${spanKey(producer)}>${spanKey(consumer)}`;
    if (hops.has(k)) return;
    hops.set(k, {
      producerSpanId: producer.spanId,
      producerTraceId: producer.traceId,
      consumerSpanId: consumer.spanId,
      consumerTraceId: consumer.traceId,
      via,
      key: id,
      queueDelayMs: consumer.startMs - producer.endMs,
    });
  };
  const danglingLinks: { span: Span; link: SpanLink }[] = [];
  for (const s of spans) {
    for (const link of s.links) {
      const target = byKey.get(key(link.traceId, link.spanId));
      if (target) add(target, s, 'link', link.spanId);
      else danglingLinks.push({ span: s, link });
    }
  }
  // Ids recorded by producers; any other span carrying the same id received it. The single and batch
  // message-id attributes share one namespace (a batch send may be received one message at a time).
  const producersById = new Map<string, Span>();
  for (const s of spans) {
    if (!isProducer(s)) continue;
    for (const { name, via } of ID_ATTRIBUTES) for (const id of values(s.attributes[name])) if (!producersById.has(`${via}=${id}`)) producersById.set(`${via}=${id}`, s);
  }
  for (const s of spans) {
    if (isProducer(s)) continue;
    for (const { name, via } of ID_ATTRIBUTES) {
      for (const id of values(s.attributes[name])) {
        const producer = producersById.get(`${via}=${id}`);
        if (producer) add(producer, s, via, id);
      }
    }
  }
  // The X-Ray header: the consumer side names the producer span as Parent.
  for (const s of spans) {
    if (isProducer(s)) continue;
    for (const name of TRACE_HEADER_ATTRIBUTES) {
      for (const header of values(s.attributes[name])) {
        const { traceId, parentSpanId } = parseXrayHeader(header);
        if (!traceId || !parentSpanId) continue;
        const producer = byKey.get(key(traceId, parentSpanId));
        if (producer && producer.traceId !== s.traceId && producer !== byKey.get(key(s.traceId, s.parentSpanId ?? ''))) add(producer, s, 'xray-trace-header', header);
      }
    }
  }
  const order: Record<HopVia, number> = { link: 0, 'message-id': 1, 'event-id': 1, 'sequence-number': 1, 'xray-trace-header': 2 };
  return { hops: [...hops.values()].sort((a, b) => order[a.via] - order[b.via]), danglingLinks };
}

function node(span: Span): SpanNode {
  return { span, attempts: [span], children: [], depth: 0, critical: false };
}

/** Groups siblings that are attempts of one logical call: same name and service, consecutive attempt numbers. */
export function groupAttempts(children: SpanNode[]): SpanNode[] {
  const sorted = [...children].sort((a, b) => a.span.startMs - b.span.startMs);
  const out: SpanNode[] = [];
  // Open calls by name and service, latest last: a resend joins the latest whose last attempt is one before it.
  const open = new Map<string, SpanNode[]>();
  for (const child of sorted) {
    const n = retryNumber(child.span);
    const id = `${child.span.service}\u0000${child.span.name}`;
    const candidates = open.get(id) ?? [];
    let previous: SpanNode | undefined;
    if (n > 0) {
      const invocation = child.span.attributes['wiretap.aws.invocation_id'];
      for (let i = candidates.length - 1; i >= 0 && !previous; i--) {
        const last = candidates[i].attempts[candidates[i].attempts.length - 1];
        const lastInvocation = last.attributes['wiretap.aws.invocation_id'];
        if (invocation !== undefined && lastInvocation !== undefined && invocation !== lastInvocation) continue;
        if (retryNumber(last) === n - 1) previous = candidates[i];
      }
    }
    if (previous) {
      previous.attempts.push(child.span);
      previous.span = child.span;
      previous.children.push(...child.children);
    } else {
      out.push(child);
      candidates.push(child);
      // Only recent calls can be resent; keeping a few bounds the search for wide trees.
      if (candidates.length > 16) candidates.shift();
      open.set(id, candidates);
    }
  }
  return out;
}

export interface BuildOptions {
  /** Join traces through async hops (default true). */
  join?: boolean;
}

/** All transactions in the spans, in start order. */
export function buildTransactions(input: Span[], options: BuildOptions = {}): Transaction[] {
  const spans = [...input].sort((a, b) => a.startMs - b.startMs);
  const byKey = new Map<string, Span>();
  for (const s of spans) byKey.set(spanKey(s), s);
  const childrenOfSpan = new Map<string, Span[]>();
  const parentless: Span[] = [];
  for (const s of spans) {
    const parent = s.parentSpanId ? byKey.get(key(s.traceId, s.parentSpanId)) : undefined;
    if (parent) {
      const list = childrenOfSpan.get(spanKey(parent)) ?? [];
      list.push(s);
      childrenOfSpan.set(spanKey(parent), list);
    } else parentless.push(s);
  }

  // Nodes, with attempts grouped among siblings.
  const nodeOf = new Map<string, SpanNode>();
  const build = (s: Span): SpanNode => {
    const n = node(s);
    nodeOf.set(spanKey(s), n);
    return n;
  };
  for (const s of spans) build(s);
  for (const s of spans) {
    const kids = (childrenOfSpan.get(spanKey(s)) ?? []).map((c) => nodeOf.get(spanKey(c)) as SpanNode);
    (nodeOf.get(spanKey(s)) as SpanNode).children = kids;
  }
  for (const n of new Set(nodeOf.values())) {
    n.children = groupAttempts(n.children);
    for (const c of n.children) for (const a of c.attempts) nodeOf.set(spanKey(a), c);
  }

  // Roots: every parentless entry span (SERVER or invocation; its parent may be a caller not in the files,
  // and one upstream trace may call twice) roots a tree. A trace without one is rooted at its earliest span.
  // Other parentless spans (their parent was lost) hang as orphans under the latest root started before them.
  const roots: SpanNode[] = [];
  const parentlessByTrace = new Map<string, Span[]>();
  for (const s of parentless) {
    const list = parentlessByTrace.get(s.traceId) ?? [];
    list.push(s);
    parentlessByTrace.set(s.traceId, list);
  }
  for (const list of parentlessByTrace.values()) {
    const grouped = groupAttempts(list.map((s) => nodeOf.get(spanKey(s)) as SpanNode));
    for (const g of grouped) for (const a of g.attempts) nodeOf.set(spanKey(a), g);
    const entries = grouped.filter((g) => isEntry(g.span));
    const traceRoots = entries.length ? entries : [grouped[0]];
    for (const g of grouped) {
      if (traceRoots.includes(g)) continue;
      const host = [...traceRoots].reverse().find((r) => r.span.startMs <= g.span.startMs) ?? traceRoots[0];
      g.orphan = true;
      host.children.push(g);
    }
    for (const r of traceRoots) r.children.sort((x, y) => x.span.startMs - y.span.startMs);
    roots.push(...traceRoots);
  }
  const rootOf = new Map<SpanNode, SpanNode>();
  for (const r of roots) for (const n of flattenTree(r)) rootOf.set(n, r);

  // Joins: a consumer that is a root (or runs inside a Lambda invocation: an SQS/SNS/EventBridge-triggered
  // function) brings its tree under the producer; a tree joins at most one producer. A long-lived
  // poller's tree (a plain root) is left apart; the hop is listed on both transactions.
  const { hops, danglingLinks } = findHops(spans);
  const joinedInto = new Map<SpanNode, SpanNode>(); // root → root of the tree it was joined into
  const top = (r: SpanNode): SpanNode => {
    let cur = r;
    for (let i = 0; i < 100_000 && joinedInto.has(cur); i++) cur = joinedInto.get(cur) as SpanNode;
    return cur;
  };
  if (options.join !== false) {
    for (const hop of [...hops].sort((a, b) => (byKey.get(key(a.producerTraceId, a.producerSpanId))!.startMs - byKey.get(key(b.producerTraceId, b.producerSpanId))!.startMs))) {
      const consumerNode = nodeOf.get(key(hop.consumerTraceId, hop.consumerSpanId));
      const producerNode = nodeOf.get(key(hop.producerTraceId, hop.producerSpanId));
      const consumerRoot = consumerNode && rootOf.get(consumerNode);
      const producerRoot = producerNode && rootOf.get(producerNode);
      if (!consumerNode || !producerNode || !consumerRoot || !producerRoot || consumerRoot === producerRoot) continue;
      const invocation = consumerRoot.span.attributes['faas.invocation_id'] !== undefined || consumerRoot.span.attributes['faas.trigger'] !== undefined;
      if ((consumerRoot !== consumerNode && !invocation) || joinedInto.has(consumerRoot)) continue;
      if (top(producerRoot) === consumerRoot) continue; // would make a cycle
      consumerRoot.hop = hop;
      producerNode.children.push(consumerRoot);
      producerNode.children.sort((x, y) => x.span.startMs - y.span.startMs);
      joinedInto.set(consumerRoot, producerRoot);
    }
  }

  const hopsBySpan = new Map<string, Hop[]>();
  for (const h of hops) {
    for (const k of [key(h.producerTraceId, h.producerSpanId), key(h.consumerTraceId, h.consumerSpanId)]) {
      const list = hopsBySpan.get(k) ?? [];
      list.push(h);
      hopsBySpan.set(k, list);
    }
  }
  const danglingBySpan = new Map<string, SpanLink[]>();
  for (const d of danglingLinks) danglingBySpan.set(spanKey(d.span), [...(danglingBySpan.get(spanKey(d.span)) ?? []), d.link]);

  const transactions: Transaction[] = [];
  for (const root of roots) {
    if (joinedInto.has(root)) continue;
    const members: Span[] = [];
    const traceIds = new Set<string>();
    let calls = 0;
    const stack: [SpanNode, number][] = [[root, 0]];
    while (stack.length) {
      const [n, depth] = stack.pop() as [SpanNode, number];
      n.depth = depth;
      for (const a of n.attempts) {
        members.push(a);
        traceIds.add(a.traceId);
      }
      if (isCall(n.span)) calls++;
      for (const c of n.children) stack.push([c, depth + 1]);
    }
    members.sort((a, b) => a.startMs - b.startMs);
    const txHops = [...new Set([...members.flatMap((s) => hopsBySpan.get(spanKey(s)) ?? [])])];
    // Critical path over the root's own trace, parent/child edges only.
    const sections = criticalPath(root.span, (s) => {
      const kids = childrenOfSpan.get(spanKey(s)) ?? [];
      return s === root.span ? [...kids, ...root.children.filter((c) => c.orphan).flatMap((c) => c.attempts)] : kids;
    });
    const onPath = new Set(sections.map((c) => c.spanId));
    const marking: SpanNode[] = [root];
    while (marking.length) {
      const n = marking.pop() as SpanNode;
      n.critical = !n.hop && n.attempts.some((a) => a.traceId === root.span.traceId && onPath.has(a.spanId));
      for (const c of n.children) if (!c.hop) marking.push(c);
    }
    let startMs = Infinity;
    let endMs = -Infinity;
    for (const s of members) {
      if (s.startMs < startMs) startMs = s.startMs;
      if (s.endMs > endMs) endMs = s.endMs;
    }
    transactions.push({
      id: root.span.spanId,
      root,
      traceIds: [...traceIds],
      spans: members,
      startMs,
      endMs,
      durationMs: endMs - startMs,
      calls,
      errors: members.filter((s) => s.error).length,
      retries: members.filter((s) => retryNumber(s) > 0).length,
      hops: txHops,
      unfinished: members.filter((s) => s.incomplete).length,
      services: [...new Set(members.map((s) => s.service))],
      criticalPath: sections,
      danglingLinks: members.flatMap((s) => danglingBySpan.get(spanKey(s)) ?? []),
    });
  }
  return transactions.sort((a, b) => a.startMs - b.startMs);
}

/** Finds a transaction by its id, a trace id, or any span id in it (a unique prefix of at least 4 characters is enough). */
export function findTransaction(transactions: Transaction[], id: string): Transaction | undefined {
  const want = id.toLowerCase();
  const exact = transactions.find((t) => t.id === want || t.traceIds.includes(want) || t.spans.some((s) => s.spanId === want));
  if (exact || want.length < 4) return exact;
  const prefixed = transactions.filter((t) => t.id.startsWith(want) || t.traceIds.some((x) => x.startsWith(want)));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Every node of a tree, depth first, children in start order. */
export function flattenTree(root: SpanNode): SpanNode[] {
  const out: SpanNode[] = [];
  const stack: SpanNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as SpanNode;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return out;
}
