// XML bodies through a small tokenizer that copies the document as is and replaces only text and attribute
// values. No parser dependency, keeps the shape, and a prefix cut anywhere (inside a tag, an attribute or
// a sensitive element's text) is handled.
import { REDACTED } from './redactor';
import { PAIR_NAME_KEYS, PAIR_VALUE_KEYS, normalizeKey } from './rules';
import type { Scope } from './scope';

interface Element {
  name: string;
  masked: boolean;
  /** A `<Name>`/`<key>` child named a secret: a following `<Value>` sibling is masked. */
  pair: boolean;
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon >= 0 ? qname.slice(colon + 1) : qname;
}

export function looksLikeXml(text: string): boolean {
  return /^\s*</.test(text);
}

const ATTRIBUTE = /([^\s=/>]+)(\s*=\s*)("[^"]*("|$)|'[^']*('|$))/g;

/** Markup copied as it is (comments, declarations, processing instructions) still goes through the detectors. */
function markup(raw: string, scope: Scope, cut: boolean): string {
  return cut ? scope.cutValue(raw) : scope.value(raw);
}

export function redactXml(text: string, scope: Scope, truncated: boolean): string {
  const out: string[] = [];
  const stack: Element[] = [{ name: '', masked: false, pair: false }];
  // Element names from the root, kept in step with the stack (the root sentinel has none).
  const names: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      out.push(redactText(text.slice(i, textEnd), stack, scope, truncated && lt < 0));
      i = textEnd;
      continue;
    }
    // Markup: comment, CDATA, declaration/processing instruction, closing or opening tag.
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      const stop = end < 0 ? n : end + 3;
      // Comments are kept, but not a secret in one (value detectors; a cut comment's tail masked).
      out.push(markup(text.slice(i, stop), scope, truncated && end < 0));
      i = stop;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      const stop = end < 0 ? n : end + 3;
      const inner = text.slice(i + 9, end < 0 ? n : end);
      out.push('<![CDATA[', redactText(inner, stack, scope, truncated && end < 0), end < 0 ? '' : ']]>');
      i = stop;
    } else if (text.startsWith('<?', i) || text.startsWith('<!', i)) {
      const end = text.indexOf('>', i);
      const stop = end < 0 ? n : end + 1;
      out.push(markup(text.slice(i, stop), scope, truncated && end < 0));
      i = stop;
    } else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i);
      const stop = end < 0 ? n : end + 1;
      const name = localName(text.slice(i + 2, end < 0 ? n : end).trim());
      // Pop to the matching element; a stray close tag is copied and ignored.
      for (let k = stack.length - 1; k > 0; k--) {
        if (stack[k].name === name) {
          stack.length = k;
          names.length = k - 1;
          break;
        }
      }
      out.push(text.slice(i, stop));
      i = stop;
    } else {
      const end = tagEnd(text, i);
      const stop = end < 0 ? n : end + 1;
      const tag = text.slice(i, stop);
      const nameMatch = /^<([^\s/>]+)/.exec(tag);
      if (!nameMatch) {
        out.push(redactText(tag, stack, scope, truncated && end < 0));
        i = stop;
        continue;
      }
      const qname = nameMatch[1];
      const name = localName(qname);
      const parent = stack[stack.length - 1];
      const masked =
        parent.masked || scope.maskKey(names, name) || (parent.pair && PAIR_VALUE_KEYS.has(normalizeKey(name)));
      // Most tags have no attributes: the tag is copied as is.
      out.push(tag.length > qname.length + 2 ? redactAttributes(tag, qname.length + 1, names.concat(name), masked, scope) : tag);
      const selfClosing = end >= 0 && text.charCodeAt(end - 1) === 47; /* / */
      if (!selfClosing) {
        stack.push({ name, masked, pair: false });
        names.push(name);
      }
      i = stop;
    }
  }
  return out.join('');
}

/** Index of the `>` closing the tag at `start`, skipping quoted attribute values; -1 when cut. */
function tagEnd(text: string, start: number): number {
  let quote = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}

function redactAttributes(tag: string, from: number, parents: string[], elementMasked: boolean, scope: Scope): string {
  const head = tag.slice(0, from);
  const rest = tag.slice(from).replace(ATTRIBUTE, (m, name: string, eq: string, quoted: string) => {
    const q = quoted[0];
    const closed = quoted.length > 1 && quoted.endsWith(q);
    const value = quoted.slice(1, closed ? -1 : undefined);
    if (/^xmlns(:|$)/.test(name)) return m;
    const masked = elementMasked || scope.maskKey(parents, localName(name));
    const red = masked ? REDACTED : closed ? scope.value(value) : scope.cutValue(value);
    return red === value ? m : `${name}${eq}${q}${red}${closed ? q : ''}`;
  });
  return head + rest;
}

function redactText(text: string, stack: Element[], scope: Scope, cut: boolean): string {
  const top = stack[stack.length - 1];
  if (top.masked) return text.trim() === '' ? text : REDACTED;
  const red = cut ? scope.cutValue(text) : scope.value(text);
  // `<Name>password</Name>` marks the enclosing element so a later `<Value>` sibling is masked.
  if (stack.length > 2 && PAIR_NAME_KEYS.has(normalizeKey(top.name)) && text.length < 200 && scope.isSensitiveName(text.trim())) {
    stack[stack.length - 2].pair = true;
  }
  return red;
}
