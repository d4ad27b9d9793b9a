import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { KvRequestCounts, type RequestCounts } from "../../src/core/signals/signal-set.js";
import { addCounts, deniedOf, emptyCounts, forbiddenOf } from "../../src/core/signals/request-counts.js";

const FIELDS = Object.keys(KvRequestCounts.shape) as (keyof RequestCounts)[];
const counts = fc.record(
  Object.fromEntries(FIELDS.map((f) => [f, fc.nat({ max: 1_000_000 })])) as Record<
    keyof RequestCounts,
    fc.Arbitrary<number>
  >,
);

// The signal row's counts are the one shape of Key Vault request counts: a row, a bin the rules
// read and a window's sums all add up with the same helper, over the fields the schema lists.
describe("request counts", () => {
  it("start from zero in every field the signal row's schema lists, and in no other", () => {
    expect(emptyCounts()).toEqual(Object.fromEntries(FIELDS.map((f) => [f, 0])));
    expect(KvRequestCounts.parse(emptyCounts())).toEqual(emptyCounts());
  });

  it("add up field by field, leaving both sides as they were", () => {
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        const before = { a: { ...a }, b: { ...b } };
        const sum = addCounts(a, b);
        for (const f of FIELDS) expect(sum[f]).toBe(a[f] + b[f]);
        expect(Object.keys(sum)).toEqual(FIELDS);
        expect({ a, b }).toEqual(before);
      }),
    );
  });

  it("have zero as the identity and do not depend on the order they are added in", () => {
    fc.assert(
      fc.property(counts, counts, counts, (a, b, c) => {
        expect(addCounts(a, emptyCounts())).toEqual(a);
        expect(addCounts(a, b)).toEqual(addCounts(b, a));
        expect(addCounts(addCounts(a, b), c)).toEqual(addCounts(a, addCounts(b, c)));
      }),
    );
  });

  it("count every 403 as forbidden, whatever denied it, and 401s with them as denials", () => {
    const c: RequestCounts = {
      ...emptyCounts(),
      total: 100,
      unauthorized: 3,
      forbiddenRbac: 5,
      forbiddenPolicy: 7,
      forbiddenFirewall: 11,
      forbiddenOther: 13,
      throttled: 17,
      other: 19,
    };
    expect(forbiddenOf(c)).toBe(36);
    expect(deniedOf(c)).toBe(39);
  });
});
