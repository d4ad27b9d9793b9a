/**
 * Numbers in settings are plain decimals: `Number()` would read "0x10" as 16, "1e3" as 1000 and
 * " 5" as 5, so a typo or a pasted hex value could become a window of hours without a word.
 */
const WHOLE = /^[0-9]{1,15}$/;
const DECIMAL = /^[0-9]{1,15}(\.[0-9]{1,15})?$/;

export interface NumberRule {
  min: number;
  max: number;
  /** What is expected: "a whole number of minutes", "a percentage". */
  noun: string;
  /** The unit after a bound: "minutes", "percent". */
  unit: string;
  /** A fraction is allowed ("2.5" percent). */
  fraction?: boolean;
}

/** The number, or the message saying what is expected. */
export function plainNumber(text: string, rule: NumberRule): number | string {
  const expected = `expected ${rule.noun} from ${rule.min} to ${rule.max}, in plain digits${rule.fraction ? " (e.g. 2.5)" : ""}`;
  if (!(rule.fraction ? DECIMAL : WHOLE).test(text)) return expected;
  const n = Number(text);
  const range = `(${rule.min} to ${rule.max})`;
  if (n < rule.min) return `expected at least ${rule.min} ${rule.unit} ${range}`;
  if (n > rule.max) return `expected at most ${rule.max} ${rule.unit} ${range}`;
  return n;
}
