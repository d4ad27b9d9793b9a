import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { learnBaseline } from "../../src/core/baselines/index.js";
import type { Evidence } from "../../src/core/diagnose-finding.js";
import type { Evaluation, Incident, KvRequestBin } from "../../src/core/model/index.js";
import { aBin, aPolicy, at, KEY, VAULT, type BinCase } from "../fixtures/incidents.js";
import { aChange } from "./diagnosis/fixtures.js";

/**
 * A brand-new identity granted a role at 01:02 (T0 01:00), its first reads denied while the grant
 * propagates: no incident, nothing sent, while the diagnosis says it is propagating; denials that
 * outlast the 10-minute window open an incident as any others.
 */

/** Another caller's baseline: the monitor has read history, and this identity is not in it. */
const other = learnBaseline(
  `kv-auth-denied|${VAULT}|someone-else`,
  [{ at: new Date("2026-11-19T09:00:00Z"), failures: 0, total: 40 }],
  [],
  at(0),
);

const evidence: Evidence = {
  dependencyCalls: [],
  credentialTraces: [],
  hostStartup: [],
  changes: [aChange("role-assignment-write", at(2), { scope: VAULT, principalId: KEY.callerObjectId })],
  status: { changes: "ok" },
  problems: {},
};

/** Ticks every 5 minutes to `to`, each reading the bins completed by then; what was sent, and the last tick's evaluation of the caller. */
function run(traffic: (start: number) => BinCase | undefined, to: number) {
  let stored: Incident[] = [];
  const sent: string[] = [];
  let last: Evaluation | undefined;
  for (let m = 5; m <= to; m += 5) {
    const rows: KvRequestBin[] = [];
    for (let start = 0; start + 5 <= m; start += 5) {
      const t = traffic(start);
      if (t) rows.push(aBin(start, t));
    }
    const d = decideTick({
      now: at(m),
      signal: { status: "complete", rows },
      incidents: stored,
      policy: aPolicy(),
      baselines: new Map([[other.seriesKey, other]]),
      evidence,
    });
    for (const i of d.changed) {
      sent.push(...i.outbox.map((n) => `${m}:${n.kind}:${n.snapshot.severity}`));
      stored = [...stored.filter((s) => s.id !== i.id), { ...i, outbox: [] }];
    }
    last = d.evaluations.find((e) => e.rule === "kv-auth-denied" && e.subject.kind === "caller-on-vault");
  }
  return { sent, stored, last };
}

describe("a first-ever grant while it propagates", () => {
  it("opens nothing and sends nothing while its denials stop inside the window", () => {
    // Denied from the first call to 01:07, succeeding after.
    const traffic = (start: number): BinCase =>
      start === 0 ? { forbidden: 30 } : start === 5 ? { forbidden: 12, succeeded: 14 } : { succeeded: 25 };
    for (const to of [10, 15, 20, 30, 45]) {
      const { sent, stored } = run(traffic, to);
      expect(sent, `by ${to}`).toEqual([]);
      expect(stored, `by ${to}`).toEqual([]);
    }
  });

  it("is held with its re-test time while the window is open", () => {
    const { last } = run((start) => (start === 0 ? { forbidden: 30 } : undefined), 10);
    expect(last).toMatchObject({ kind: "settling", propagating: { retestAt: at(12) } });
    if (last?.kind !== "settling") return;
    expect(last.propagating?.text).toContain("granted for the first time at 01:02 UTC");
  });

  it("opens and pages once the denials outlast the window: nothing real is lost", () => {
    const { sent, stored } = run((start) => (start < 30 ? { forbidden: 30 } : undefined), 40);
    // The bin from 01:15 (visible at 01:20) began after the window closed at 01:12.
    expect(stored.map((i) => [i.openedAt, i.severity])).toEqual([[at(20), "SEV-2"]]);
    expect(sent.filter((n) => n.includes(":opened:"))).toHaveLength(1);
  });
});
