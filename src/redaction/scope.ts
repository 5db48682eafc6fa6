// What the structural redactors (JSON, form, XML) ask while they walk a body: is the value under this key
// masked, and what do the value detectors make of this string. One Scope per body.
import { REDACTED } from './redactor';
import { maskCutTail } from './detectors';

export interface Scope {
  /** Whether the value under `key`, whose ancestor keys are `parents` (root first), is masked. */
  maskKey(parents: readonly string[], key: string): boolean;
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
