// The critical path, as Jaeger computes it (jaeger-ui `CriticalPath/index.tsx`): start at the root, take
// the child that finished last, walk into it; when a span has no child left that finished before the
// point we came back at, its own time up to there is critical and the walk returns to its parent, which
// continues with the last child that finished before that child started. Children are first clipped to
// their parent (Jaeger's sanitizeOverFlowingChildren): a child entirely outside its parent is dropped, one
// that outlives its parent counts only up to the parent's end. Only parent/child edges count (async hops
// are follows-from, as in Jaeger).
import type { CriticalSection, Span } from './types';

interface Clipped {
  span: Span;
  start: number;
  end: number;
  parent?: Clipped;
  /** Children sorted by (clipped) end, latest first. */
  children: Clipped[];
}

/**
 * Critical sections of the tree rooted at `root`. `childrenOf` gives a span's direct children (any order).
 * Sections are returned in the order the walk finds them (latest first), as Jaeger does.
 */
export function criticalPath(root: Span, childrenOf: (span: Span) => Span[]): CriticalSection[] {
  const top = clip(root, childrenOf);
  const sections: CriticalSection[] = [];
  let current: Clipped | undefined = top;
  let returningAt: number | undefined;
  // Iterative form of Jaeger's recursion (deep trees must not overflow the stack).
  for (let guard = 0; current && guard < 1_000_000; guard++) {
    const child: Clipped | undefined =
      returningAt === undefined ? current.children[0] : current.children.find((c) => c.end < (returningAt as number));
    const sectionEnd: number = returningAt ?? current.end;
    if (child) {
      if (child.end !== sectionEnd) sections.push({ spanId: current.span.spanId, startMs: child.end, endMs: sectionEnd });
      current = child;
      returningAt = undefined;
    } else {
      // Jaeger also records empty sections (a child that started with its parent); we leave them out.
      if (sectionEnd !== current.start || sections.length === 0) sections.push({ spanId: current.span.spanId, startMs: current.start, endMs: sectionEnd });
      if (current === top) break;
      returningAt = current.start;
      current = current.parent;
    }
  }
  return sections;
}

function clip(root: Span, childrenOf: (span: Span) => Span[]): Clipped {
  const top: Clipped = { span: root, start: root.startMs, end: root.endMs, children: [] };
  const stack: Clipped[] = [top];
  const seen = new Set<Span>([root]);
  while (stack.length) {
    const node = stack.pop() as Clipped;
    for (const c of childrenOf(node.span)) {
      if (seen.has(c)) continue;
      seen.add(c);
      // Entirely outside the parent: not on its path.
      if (c.startMs >= node.end || c.endMs <= node.start) continue;
      const child: Clipped = { span: c, start: Math.max(c.startMs, node.start), end: Math.min(c.endMs, node.end), parent: node, children: [] };
      node.children.push(child);
      stack.push(child);
    }
    node.children.sort((a, b) => b.end - a.end);
  }
  return top;
}
