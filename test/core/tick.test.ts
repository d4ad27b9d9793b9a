import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import type { Silence } from "../../src/core/notify/silence.js";
import type { Incident, KvRequestBin, Policy } from "../../src/core/model/index.js";
import { aBin, anIncident, aPolicy, at, type BinCase, SUBJECT } from "../fixtures/incidents.js";
import { networkOutageEvidence, ordersPolicy } from "../fixtures/network.js";

/** What a caller's requests looked like in the 5-minute bin starting at `start`; undefined: none. */
type Traffic = (start: number) => BinCase | undefined;

/**
 * Runs decideTick every 5 minutes from `from` to `to`, as the timer does: each tick reads the bins
 * completed by then and the incidents the runtime loads (active, or resolved within the flap
 * window), and every notice it writes is taken as delivered. Returns the notices as
 * "minute:kind[:severity]" and each tick's stored incident for the caller.
 */
function replay(
  traffic: Traffic,
  from: number,
  to: number,
  o: { policy?: Policy; silences?: (minute: number) => Silence[] } = {},
) {
  const policy = o.policy ?? aPolicy();
  let stored: Incident[] = [];
  const sent: string[] = [];
  const states = new Map<number, Incident | undefined>();
  for (let m = from; m <= to; m += 5) {
    const rows: KvRequestBin[] = [];
    for (let start = Math.max(0, m - 120); start + 5 <= m; start += 5) {
      const t = traffic(start);
      if (t) rows.push(aBin(start, t));
    }
    const loaded = stored.filter(
      (i) => i.state !== "resolved" || i.resolvedAt!.getTime() > at(m - policy.lifecycle.flap.windowMinutes).getTime(),
    );
    const d = decideTick({
      now: at(m),
      signal: { status: "complete", rows },
      incidents: loaded,
      policy,
      silences: o.silences?.(m),
    });
    for (const i of d.changed) {
      sent.push(
        ...i.outbox.map(
          (n) => `${m}:${n.kind}${n.kind === "opened" || n.kind === "escalated" ? `:${n.snapshot.severity}` : ""}`,
        ),
      );
      stored = [...stored.filter((s) => s.id !== i.id), { ...i, outbox: [] }];
    }
    states.set(
      m,
      stored.find((i) => i.rule === "kv-auth-denied"),
    );
  }
  return { sent, states };
}

describe("a tick's decisions", () => {
  // A ticket: the monitor's own incident is SEV-3, and a page is muted only by a page (mutes.test.ts).
  const aTicket = () =>
    anIncident({
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

  it("decide nothing when the query failed: unknown is not healthy and not resolved", () => {
    const d = decideTick({
      now: at(40),
      signal: { status: "failed", problem: "503" },
      incidents: [aTicket()],
      policy: aPolicy(),
    });
    // The monitor's own incident starts pending (one failed query is routine); the vault incident
    // keeps its state and its notices, only marked as unconfirmed while the monitor is blind.
    expect(d.changed.map((i) => [i.rule, i.state])).toEqual([
      ["monitor", "pending"],
      ["kv-auth-denied", "firing"],
    ]);
    expect(d.changed[1]).toEqual({ ...aTicket(), mutedBy: expect.stringContaining("monitor-blind") });
    expect(d.seriesObserved).toBe(0);
  });

  it("page about the monitor itself when its queries keep failing, and mute the vault incidents it can no longer confirm", () => {
    const failed = { status: "failed" as const, problem: "401 from the query API" };
    const first = decideTick({ now: at(40), signal: failed, incidents: [aTicket()], policy: aPolicy() });
    const monitor = first.changed[0]!;
    const second = decideTick({ now: at(45), signal: failed, incidents: [aTicket(), monitor], policy: aPolicy() });
    const byRule = new Map(second.changed.map((i) => [i.rule, i]));
    expect(byRule.get("monitor")).toMatchObject({ state: "firing", severity: "SEV-2" });
    expect(byRule.get("monitor")!.outbox.map((n) => n.kind)).toEqual(["opened"]);
    expect(byRule.get("kv-auth-denied")!.mutedBy).toMatch(/inhibited by incident .* \(monitor-blind\)/);
    const recovered = decideTick({
      now: at(50),
      signal: { status: "complete", rows: [] },
      incidents: [byRule.get("kv-auth-denied")!, byRule.get("monitor")!],
      policy: aPolicy(),
    });
    const after = new Map(recovered.changed.map((i) => [i.rule, i]));
    expect(after.get("monitor")).toMatchObject({ state: "resolved" });
    expect(after.get("kv-auth-denied")!.mutedBy).toBeUndefined();
  });

  it("hold back the auth incident of an app whose calls fail at the network level, and page the network incident instead", () => {
    const policy = ordersPolicy();
    const rows = [aBin(25, { forbidden: 20 }), aBin(30, { forbidden: 20 })];
    const d = decideTick({
      now: at(35),
      signal: { status: "complete", rows },
      incidents: [],
      policy,
      evidence: networkOutageEvidence(),
    });
    const byRule = new Map(d.changed.map((i) => [i.rule, i]));
    expect(byRule.get("network")).toMatchObject({
      state: "firing",
      severity: "SEV-1",
      subject: { kind: "app", app: "orders" },
    });
    expect(byRule.get("network")!.outbox.map((n) => n.kind)).toEqual(["opened"]);
    expect(byRule.get("kv-auth-denied")).toMatchObject({ state: "firing", outbox: [] });
    expect(byRule.get("kv-auth-denied")!.mutedBy).toMatch(/network-outage/);
  });

  it("withhold notices of a silenced incident, and announce it when the silence ends while it still fires", () => {
    const rows = [aBin(25, { forbidden: 20 }), aBin(30, { forbidden: 20 })];
    const silence = {
      id: "s1",
      matchers: { vault: "kv-app" },
      startsAt: at(0),
      endsAt: at(40),
      createdBy: "alex",
      comment: "rotating keys",
      createdAt: at(0),
      expiredAt: undefined,
    };
    const during = decideTick({
      now: at(35),
      signal: { status: "complete", rows },
      incidents: [],
      policy: aPolicy(),
      silences: [silence],
    });
    expect(during.changed[0]).toMatchObject({
      state: "firing",
      outbox: [],
      mutedBy: expect.stringContaining("silenced by s1"),
    });
    const after = decideTick({
      now: at(40),
      signal: { status: "complete", rows: [...rows, aBin(35, { forbidden: 20 })] },
      incidents: [during.changed[0]!],
      policy: aPolicy(),
      silences: [silence],
    });
    expect(after.changed[0]!.outbox.map((n) => n.kind)).toEqual(["opened"]);
    expect(after.changed[0]!.mutedBy).toBeUndefined();
  });

  it("open incidents from a partial result but never resolve from one", () => {
    const rows = [aBin(20, { succeeded: 40 }), aBin(25, { succeeded: 40 }), aBin(30, { succeeded: 40 })];
    const partial = decideTick({
      now: at(35),
      signal: { status: "partial", rows, problem: "limit" },
      incidents: [anIncident()],
      policy: aPolicy(),
    });
    // Only the monitor's own incident moves: an answer it cannot trust is its problem.
    expect(partial.changed.map((i) => i.rule)).toEqual(["monitor"]);
    const complete = decideTick({
      now: at(35),
      signal: { status: "complete", rows },
      incidents: [anIncident()],
      policy: aPolicy(),
    });
    expect(complete.changed.map((i) => i.state)).toEqual(["resolved"]);

    const failing = [aBin(30, { forbidden: 20 })];
    const opened = decideTick({
      now: at(35),
      signal: { status: "partial", rows: failing, problem: "limit" },
      incidents: [],
      policy: aPolicy(),
    });
    expect(opened.changed.filter((i) => i.rule !== "monitor").map((i) => i.state)).toEqual(["firing"]);
  });

  it("keep an incident open, without a write, when its caller went silent", () => {
    const d = decideTick({
      now: at(60),
      signal: { status: "complete", rows: [] },
      incidents: [anIncident()],
      policy: aPolicy(),
    });
    expect(d.changed).toEqual([]);
    expect(d.evaluations).toEqual([expect.objectContaining({ kind: "no-traffic" })]);
  });

  it("resolve an incident about calls without a token once they stop, and only from a complete result", () => {
    const tokenless = anIncident({
      subject: { ...SUBJECT, callerObjectId: "", callerAppId: "", callerResourceId: "" },
    });
    const quiet = decideTick({
      now: at(60),
      signal: { status: "complete", rows: [] },
      incidents: [tokenless],
      policy: aPolicy(),
    });
    expect(quiet.changed.map((i) => i.state)).toEqual(["resolved"]);
    const partial = decideTick({
      now: at(60),
      signal: { status: "partial", rows: [], problem: "limit" },
      incidents: [tokenless],
      policy: aPolicy(),
    });
    expect(partial.changed.map((i) => i.rule)).toEqual(["monitor"]);
  });
});

describe("notices over hours of ticks", () => {
  const steady: BinCase = { succeeded: 40 };
  // Half the calls denied for one bin: the rule fires for the three ticks the bin is in the window,
  // then the confirmation period sees only successes and the incident recovers.
  const burst: BinCase = { forbidden: 20, succeeded: 20 };
  const bursts =
    (every: number, last: number): Traffic =>
    (start) =>
      start <= last && start % every === 0 ? burst : steady;

  it("hold an incident that fails and recovers every 20 minutes: two announcements, then nothing until an hour after the last switch", () => {
    const { sent, states } = replay(bursts(20, 140), 5, 300);
    expect(sent).toEqual([
      "5:opened:SEV-2",
      "20:resolved",
      // One relapse after a recovery still pages: it may be a fix that did not hold.
      "25:opened:SEV-2",
      // The fourth switch (the recovery at 40) marks it flapping: held firing, nothing more is sent
      // for the relapses, but nobody acknowledged the page, and a page nobody acknowledges escalates.
      "85:unacknowledged",
      // The last burst recovered at 160; an hour without a switch lets it go, with one resolution.
      "220:resolved",
    ]);
    expect(states.get(40)).toMatchObject({ state: "firing", flapping: true, conditionFiring: false });
    expect(states.get(45)).toMatchObject({ state: "firing", flapping: true, conditionFiring: true, occurrence: 2 });
    expect(states.get(215)).toMatchObject({ state: "firing", flapping: true });
    expect(states.get(220)).toMatchObject({ state: "resolved", flapping: false, occurrence: 2 });
  });

  it("hold an incident that fails and recovers every 25 minutes the same way", () => {
    const { sent } = replay(bursts(25, 150), 5, 300);
    // The last burst (the bin at 150) recovers at 170: resolved an hour later.
    expect(sent).toEqual(["5:opened:SEV-2", "20:resolved", "30:opened:SEV-2", "90:unacknowledged", "230:resolved"]);
  });
});

describe("repeats, acknowledgement timeouts and mutes over hours of ticks", () => {
  const denied = (forbidden: number, succeeded: number): BinCase => ({ forbidden, succeeded });

  it.each([
    // A tenth of the calls denied, retries mostly succeeding: SEV-3, after its 5 pending minutes.
    ["SEV-3", aPolicy(), denied(10, 90), "10:opened:SEV-3", "1450:repeated"],
    // A few denials for an app with a fallback: SEV-4 once two bins reach the 5 failures of the
    // floor (lowered to 1% so that 3% counts at all), then its 10 pending minutes.
    [
      "SEV-4",
      aPolicy({
        minFailurePercent: 1,
        spec: {
          ...aPolicy().spec,
          apps: [{ name: "orders", identities: ["id-app"], critical: false, hasFallback: true }],
        },
      }),
      denied(3, 97),
      "20:opened:SEV-4",
      "1460:repeated",
    ],
  ] as const)(
    "repeat a %s ticket once a day while it fires unacknowledged, not on the pages' 4 hours",
    (_, policy, bin, opened, repeated) => {
      const { sent } = replay(() => bin, 5, 1465, { policy });
      expect(sent).toEqual([opened, repeated]);
    },
  );

  it("escalate an unacknowledged SEV-2 at 60 minutes, not at SEV-1's 15, and repeat it at 4 hours", () => {
    const { sent } = replay(() => denied(20, 0), 5, 250);
    expect(sent).toEqual(["5:opened:SEV-2", "65:unacknowledged", "245:repeated"]);
  });

  it("announce nothing while a maintenance window is active, and the difference once it ends", () => {
    const window: Silence = {
      id: "mw",
      matchers: { vault: "kv-app" },
      startsAt: at(30),
      endsAt: at(90),
      createdBy: "alex",
      comment: "firewall change",
      createdAt: at(0),
      expiredAt: undefined,
    };
    // Intermittent denials from 5, then every call denied from 30, the window's start.
    const { sent, states } = replay((m) => (m < 30 ? denied(10, 90) : denied(20, 0)), 10, 100, {
      silences: () => [window],
    });
    // Scheduled, it mutes nothing: the ticket opens at 15. Active, it holds back the rise to SEV-2
    // at 35. Over, the rise is announced at the first tick.
    expect(sent).toEqual(["15:opened:SEV-3", "90:escalated:SEV-2"]);
    expect(states.get(25)!.mutedBy).toBeUndefined();
    expect(states.get(35)).toMatchObject({ severity: "SEV-2", mutedBy: expect.stringContaining("silenced by mw") });
    expect(states.get(90)!.mutedBy).toBeUndefined();
  });

  it("announce a muted incident at the first tick after someone expires its silence early", () => {
    const silence: Silence = {
      id: "s2",
      matchers: { identity: "id-app" },
      startsAt: at(0),
      endsAt: at(240),
      createdBy: "alex",
      comment: "rotating keys",
      createdAt: at(0),
      expiredAt: undefined,
    };
    const { sent, states } = replay(() => denied(20, 0), 5, 60, {
      silences: (m) => [m < 40 ? silence : { ...silence, expiredAt: at(40) }],
    });
    expect(sent).toEqual(["40:opened:SEV-2"]);
    expect(states.get(35)).toMatchObject({ state: "firing", mutedBy: expect.stringContaining("silenced by s2") });
  });
});
