// Finding spans in test output by the path they called.
import { expect } from 'chai';
import type { FlatSpan } from './otlp';

export function spanFor(spans: FlatSpan[], pathPart: string): FlatSpan {
  const found = spans.filter((s) => {
    const url = String(s.attributes['url.full'] ?? '');
    const pathname = url ? new URL(url).pathname : '';
    return pathPart.startsWith('/') ? pathname === pathPart : pathname.endsWith('/' + pathPart);
  });
  expect(found, `exactly one span for ${pathPart}; have:\n${spans.map((s) => s.attributes['url.full']).join('\n')}`).to.have.length(1);
  return found[0];
}

export function clientSpans(spans: FlatSpan[]): FlatSpan[] {
  return spans.filter((s) => s.kind !== 2);
}
