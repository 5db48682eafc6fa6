// A description's attributes as two parallel lists, filled with an object's rules: a key set again keeps
// its place and takes the new value. wiretap's span record takes the lists as they are (own-span.ts keeps
// its attributes so); an object is built only for whoever reads one (a foreign span, wiretap/testing,
// record mode, metrics). Filling ~27 run-time keys into an object and enumerating it again cost more.
import type { Attributes } from '@opentelemetry/api';

export type AttributeEntry = Attributes[string];

export class AttributeList {
  readonly keys: string[] = [];
  readonly values: AttributeEntry[] = [];

  /** As `object[key] = value`, where `key` can only be among the first `among` keys. */
  set(key: string, value: AttributeEntry, among: number = this.keys.length): void {
    const keys = this.keys;
    for (let i = 0; i < among; i++) {
      if (keys[i] === key) {
        this.values[i] = value;
        return;
      }
    }
    // A plain store under __proto__ keeps no property.
    if (key === '__proto__') return;
    keys.push(key);
    this.values.push(value);
  }

  /** Appends a key the list does not hold. */
  add(key: string, value: AttributeEntry): void {
    this.keys.push(key);
    this.values.push(value);
  }

  get(key: string): AttributeEntry {
    const at = this.keys.indexOf(key);
    return at < 0 ? undefined : this.values[at];
  }

  toObject(): Attributes {
    const define = made < WARM_FIRST || made % WARM_EVERY === 0;
    made = made >= WARM_EVERY * 1024 ? WARM_FIRST : made + 1;
    const out: Attributes = {};
    const { keys, values } = this;
    for (let i = 0; i < keys.length; i++) {
      if (define) Object.defineProperty(out, keys[i], { value: values[i], writable: true, enumerable: true, configurable: true });
      else out[keys[i]] = values[i];
    }
    return out;
  }
}

/**
 * An object filled with keys known only at run time turns into a hash table once it holds more than about
 * 16 properties, unless the shape transition for the next key already exists; `Object.defineProperty`
 * creates transitions without that limit. So the first objects, and one in every WARM_EVERY after them
 * (transitions of shapes no live object uses any more are dropped by the GC), are filled through
 * defineProperty, and the others' plain stores follow the shapes they left: the attributes stay a fast
 * object, cheaper to fill and to copy into a span (the SDK's setAttributes). The keys, values and their
 * order are the same either way.
 */
const WARM_EVERY = 256;
const WARM_FIRST = 8;
let made = 0;
