import { describe, expect, it } from "vitest";
import { diagnose, topHypothesis } from "../../../src/core/diagnosis/index.js";
import type { DiagnosisInput } from "../../../src/core/diagnosis/rules/types.js";
import { aChange, anInput, at, kvCounts } from "./fixtures.js";

/**
 * A role granted to an identity that never had access (playbook H3, "Allow 5-10 minutes, then
 * re-test"): "propagating" with a re-test time, never a restore; and the start of the last failing
 * bin, not its end, against the window.
 */

/**
 * id-func-orders granted at 10:21, a minute into the bin its first denied reads fall in (from
 * 10:20), while the grant propagates: after the onset, which read alone would say "restored".
 */
function firstGrant(now: string, lastBin: string, o: Partial<DiagnosisInput> = {}): DiagnosisInput {
  const lastFailingBinStart = at(lastBin);
  return anInput({
    now: at(now),
    kv: kvCounts({
      forbiddenRbac: 44,
      succeeded: 14,
      firstFailureAt: at("10:20"),
      lastFailureAt: new Date(Math.min(lastFailingBinStart.getTime() + 5 * 60_000, at(now).getTime())),
      lastFailingBinStart,
    }),
    changes: [aChange("role-assignment-write", at("10:21"))],
    accessBefore: false,
    ...o,
  });
}

const allText = (d: ReturnType<typeof diagnose>) =>
  [d.decidedBy, d.propagation?.text ?? "", ...d.ranked.flatMap((h) => [...h.confirming, ...h.disproving])].join("\n");

describe("a first-ever grant", () => {
  it("is propagating inside its window, with a re-test time: a grant, not a restore", () => {
    const d = diagnose(firstGrant("10:25", "10:20"));
    expect(topHypothesis(d).id).toBe("H3");
    expect(d.propagation).toMatchObject({ firstGrant: true, retestAt: at("10:31") });
    expect(d.propagation!.text).toContain(
      "Key Vault Secrets User for id-func-orders on kv-orders-prod granted for the first time at 10:21 UTC by deploy-pipeline@contoso.com",
    );
    expect(d.propagation!.text).toContain("re-test at 10:31 UTC (in 6 minutes)");
    expect(allText(d)).not.toContain("restored");
    expect(allText(d)).not.toContain("the missing role is back");
  });

  it("stays propagating after its window when the denials stopped inside it", () => {
    const d = diagnose(firstGrant("10:40", "10:25"));
    expect(topHypothesis(d).id).toBe("H3");
    expect(d.propagation).toMatchObject({ firstGrant: true });
    expect(d.propagation!.text).toContain("the denials stopped in the 5-minute bin from 10:25 UTC");
  });

  it("is no longer propagating once denials go on past the window: nothing real is held back", () => {
    const d = diagnose(firstGrant("10:45", "10:35"));
    expect(d.propagation).toBeUndefined();
    expect(allText(d)).toContain("past the 10-minute window");
  });

  it("needs the history to show no earlier access: a caller that had access, or whose history is unknown, was restored", () => {
    for (const accessBefore of [true, undefined]) {
      const d = diagnose(firstGrant("10:25", "10:20", { accessBefore }));
      expect(d.propagation?.firstGrant).toBeUndefined();
      expect(d.propagation!.text).toContain("restored at 10:21 UTC");
    }
  });

  it("needs no earlier assignment of the caller in the change log: a write after a deletion is a restore", () => {
    const d = diagnose(
      firstGrant("10:25", "10:20", {
        changes: [aChange("role-assignment-delete", at("10:05")), aChange("role-assignment-write", at("10:21"))],
      }),
    );
    expect(d.propagation?.firstGrant).toBeUndefined();
    expect(d.propagation!.text).toContain("restored at 10:21 UTC");
  });
});

describe("the last failure against a propagation window", () => {
  /** A role restored at 01:14 (deleted at 01:00); the last denials in the bin from 01:20, which ends after the window closes at 01:24. */
  const restore = (now: string, lastBinEnd: Date | undefined) =>
    anInput({
      now: at(now),
      kv: kvCounts({
        forbiddenRbac: 40,
        succeeded: 200,
        firstFailureAt: at("01:00"),
        lastFailureAt: at("01:25"),
        ...(lastBinEnd ? { lastFailingBinStart: lastBinEnd } : {}),
      }),
      changes: [aChange("role-assignment-delete", at("00:58")), aChange("role-assignment-write", at("01:14"))],
    });

  it("is the start of the last failing bin, so the all-clear keeps the hypothesis the window gave", () => {
    const during = diagnose(restore("01:20", at("01:20")));
    const allClear = diagnose(restore("01:40", at("01:20")));
    expect(topHypothesis(allClear).id).toBe(topHypothesis(during).id);
    expect(topHypothesis(allClear).confirming.join("\n")).toContain(
      "failures stopped in the 5-minute bin from 01:20 UTC, 6 minutes after",
    );
  });

  it("read from the bin's end instead, would put those denials past the window", () => {
    const rounded = diagnose(restore("01:40", undefined));
    expect(allText(rounded)).toContain("failures continued into the 5-minute bin from 01:25 UTC");
  });
});
