import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { aBin, anIncident, aPolicy, at } from "../fixtures/incidents.js";
import { networkOutageEvidence, ordersPolicy } from "../fixtures/network.js";

// How silences and inhibition combine over a whole tick: whatever is muted, somebody is told.
describe("mutes across a tick", () => {
  const policy = ordersPolicy();
  const evidence = networkOutageEvidence();
  const rows = [aBin(25, { forbidden: 20 }), aBin(30, { forbidden: 20 })];

  it("let the symptom page when its cause is silenced: a silenced incident inhibits nothing", () => {
    const silence = {
      id: "s1",
      matchers: { rule: "network" as const },
      startsAt: at(0),
      endsAt: at(90),
      createdBy: "alex",
      comment: "known network work",
      createdAt: at(0),
      expiredAt: undefined,
    };
    const d = decideTick({
      now: at(35),
      signal: { status: "complete", rows },
      incidents: [],
      policy,
      evidence,
      silences: [silence],
    });
    const byRule = new Map(d.changed.map((i) => [i.rule, i]));
    expect(byRule.get("network")).toMatchObject({
      state: "firing",
      outbox: [],
      mutedBy: expect.stringContaining("silenced by s1"),
    });
    expect(byRule.get("kv-auth-denied")!.mutedBy).toBeUndefined();
    expect(byRule.get("kv-auth-denied")!.outbox.map((n) => n.kind)).toContain("opened");
  });

  it("keep escalating an unacknowledged page while the monitor cannot read its workspace", () => {
    const failed = { status: "failed" as const, problem: "503 from the query API" };
    const page = anIncident({
      severity: "SEV-1",
      notified: {
        state: "firing",
        severity: "SEV-1",
        at: at(5),
        acknowledged: false,
        pagedAt: at(5),
        unacknowledgedAt: undefined,
      },
    });
    const first = decideTick({ now: at(15), signal: failed, incidents: [page], policy });
    const monitor = first.changed.find((i) => i.rule === "monitor")!;
    const later = decideTick({
      now: at(20),
      signal: failed,
      incidents: [first.changed.find((i) => i.rule !== "monitor") ?? page, monitor],
      policy,
    });
    const vault =
      later.changed.find((i) => i.rule === "kv-auth-denied") ?? first.changed.find((i) => i.rule === "kv-auth-denied")!;
    expect(vault.mutedBy).toBeUndefined();
    expect(
      [...first.changed, ...later.changed].flatMap((i) => i.outbox).filter((n) => n.kind === "unacknowledged"),
    ).toHaveLength(1);
  });

  it("mute a ticket while the monitor cannot read its workspace, and not when it only lacks its Resource Manager token", () => {
    const ticket = anIncident({
      severity: "SEV-3",
      notified: {
        state: "firing",
        severity: "SEV-3",
        at: at(5),
        acknowledged: false,
        pagedAt: undefined,
        unacknowledgedAt: undefined,
      },
    });
    const blind = decideTick({
      now: at(40),
      signal: { status: "failed", problem: "503" },
      incidents: [ticket],
      policy: aPolicy(),
    });
    expect(blind.changed.find((i) => i.rule === "kv-auth-denied")!.mutedBy).toMatch(/monitor-blind/);
    const tokenOnly = decideTick({
      now: at(40),
      signal: { status: "complete", rows: [aBin(30, { forbidden: 20 }), aBin(35, { forbidden: 20 })] },
      incidents: [ticket],
      policy: aPolicy(),
      monitorTokenProblem: "no token for management.azure.com",
    });
    expect(tokenOnly.changed.find((i) => i.rule === "monitor")).toMatchObject({
      triggers: [{ kind: "monitor", source: "token" }],
    });
    expect(tokenOnly.changed.find((i) => i.rule === "kv-auth-denied")?.mutedBy).toBeUndefined();
  });
});
