// What the structural redactors (JSON, form, XML) ask while they walk a body: is the value under this key
// masked, and what do the value detectors make of this string. One Scope per body.
import { REDACTED } from './redactor';
import { maskCutTail } from './detectors';

/** What a key is, for the rules that read keys (`Scope.keyFlags`): one cached answer per key. */
export const KEY_SENSITIVE = 1;
/** `number`, `cvc`, ...: masked under a card-like parent. */
export const KEY_CARD_CHILD = 2;
/** A card-like parent (`card`, `paymentMethodDetails`). */
export const KEY_CARD_PARENT = 4;
/** The `Name` half of a name/value pair. */
export const KEY_PAIR_NAME = 8;
/** The `Value` half of a name/value pair. */
export const KEY_PAIR_VALUE = 16;

export interface Scope {
  /** Whether the value under `key`, whose ancestor keys are `parents` (root first), is masked. */
  maskKey(parents: readonly string[], key: string): boolean;
  /**
   * `maskKey(parents.slice(0, depth), key)` without the copy, given `flags = keyFlags(key)`: the JSON scan
   * keeps one array of keys for the whole document.
   */
  maskKeyAt(parents: readonly string[], depth: number, key: string, flags: number): boolean;
  /** The KEY_* bits of a key (cached per key). */
  keyFlags(key: string): number;
  /** Whether a key names a secret (for the `Name` half of a name/value pair). */
  isSensitiveName(name: string): boolean;
  /** A string value through the value detectors. */
  value(text: string): string;
  /** The last value of a truncated body, cut mid-way: detectors, then the cut tail masked. */
  cutValue(text: string): string;
}

export function cutValueWith(detect: (s: string) => string, tailRule: boolean): (text: string) => string {
  return (text) => {
    const redacted = detect(text);
    if (!tailRule) return redacted;
    // A detector already masked the end: nothing of the secret is left to cut.
    if (redacted.endsWith(REDACTED)) return redacted;
    return maskCutTail(redacted);
  };
}
