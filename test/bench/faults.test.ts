import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  countDeliveries,
  timeToBlind,
  type Acceptance,
  type DecidedNotice,
  type TickObservation,
} from "../../tools/bench/faults-count.js";
import { caseMet, summarize, type FaultCaseResult } from "../../tools/bench/faults.js";
import { faultsSection } from "../../tools/bench/markdown-faults.js";
import type { FaultCase } from "../../tools/bench/faults-cases.js";
import { replayUnderFault, startFaultHost, type FaultHost } from "../../tools/bench/faults-replay.js";
import { parseScenario, type ScenarioWorld } from "../../tools/scenario/load.js";

const at = (hhmm: string) => new Date(`2026-03-04T${hhmm}:00Z`);
const notice = (channel: DecidedNotice["channel"], id: string, hhmm: string, merged?: number): DecidedNotice => ({
  channel,
  noticeId: id,
  incidentId: "inc",
  decidedAt: at(hhmm),
  merged,
});
const shown = (channel: Acceptance["channel"], id: string, times = 1): Acceptance[] =>
  Array.from({ length: times }, () => ({ channel, noticeId: id, shown: true }));

describe("counting a fault replay's deliveries", () => {
  it("counts a notice no receiver accepted as lost on its channel only, however often it was tried", () => {
    const decided = [notice("teams", "a", "01:10"), notice("teams", "a", "01:10"), notice("email", "a", "01:10")];
    const counts = countDeliveries(decided, shown("email", "a"));
    expect(counts.lost).toEqual({ teams: 1, email: 0, pagerduty: 0 });
    expect(counts.decided).toEqual({ teams: 1, email: 1, pagerduty: 0 });
    expect(counts.lostIds).toEqual(["teams a"]);
  });

  it("counts every shown acceptance after the first as a duplicate, and the receiver's absorbed repeats apart", () => {
    const decided = [notice("teams", "a", "01:10"), notice("email", "a", "01:10"), notice("pagerduty", "a", "01:10")];
    const accepted: Acceptance[] = [
      ...shown("teams", "a", 3),
      ...shown("email", "a"),
      { channel: "email", noticeId: "a", shown: false },
      ...shown("pagerduty", "a"),
      { channel: "pagerduty", noticeId: "a", shown: false },
      { channel: "pagerduty", noticeId: "a", shown: false },
    ];
    const counts = countDeliveries(decided, accepted);
    expect(counts.duplicated).toEqual({ teams: 2, email: 0, pagerduty: 0 });
    expect(counts.absorbed).toEqual({ teams: 0, email: 1, pagerduty: 2 });
    expect(counts.lost).toEqual({ teams: 0, email: 0, pagerduty: 0 });
  });

  it("counts a notice a receiver accepted but the monitor was never seen deciding, and no absorbed repeat as a duplicate", () => {
    const counts = countDeliveries([], [{ channel: "email", noticeId: "x", shown: false }, ...shown("email", "x")]);
    expect(counts.decided.email).toBe(1);
    expect(counts.duplicated.email).toBe(0);
    expect(counts.absorbed.email).toBe(1);
  });

  it("takes notices an accepted notice stands for (merged) as merged, the latest earlier ones first, and the rest as lost", () => {
    const decided = [
      notice("teams", "r1", "01:00"),
      notice("teams", "r2", "01:30"),
      notice("teams", "r3", "02:00", 1),
      notice("email", "r1", "01:00"),
    ];
    const counts = countDeliveries(decided, [...shown("teams", "r3"), ...shown("email", "other")]);
    expect(counts.merged).toEqual({ teams: 1, email: 0, pagerduty: 0 });
    expect(counts.lostIds).toEqual(["teams r1", "email r1"]);
  });

  it("does not let an unaccepted notice's merged count cover anything", () => {
    const counts = countDeliveries([notice("teams", "r1", "01:00"), notice("teams", "r2", "01:30", 1)], []);
    expect(counts.lost.teams).toBe(2);
    expect(counts.merged.teams).toBe(0);
  });
});

describe("time to monitor blind", () => {
  const ticks = (flags: boolean[]): TickObservation[] =>
    flags.map((blindReported, i) => ({ at: new Date(at("01:00").getTime() + i * 5 * 60_000), blindReported }));

  it("counts the fault's own tick as the first, in ticks and simulated minutes", () => {
    expect(timeToBlind(ticks([false, false, true, true]), 1)).toEqual({ ticks: 2, minutes: 5 });
    expect(timeToBlind(ticks([false, true]), 1)).toEqual({ ticks: 1, minutes: 0 });
  });

  it("ignores a report from before the fault, and is undefined when the monitor never says it", () => {
    expect(timeToBlind(ticks([true, false, false]), 1)).toBeUndefined();
    expect(timeToBlind(ticks([false]), 3)).toBeUndefined();
  });
});

describe("the fault matrix's targets", () => {
  const base = {
    lost: { teams: 0, email: 0, pagerduty: 0 },
    duplicated: { teams: 0, email: 0, pagerduty: 0 },
    crashes: 0,
    blinds: false,
    blindAfterTicks: null,
  };

  it("allows Teams one duplicate per crash between send and record, and none to the channels with idempotency", () => {
    expect(caseMet({ ...base, duplicated: { teams: 1, email: 0, pagerduty: 0 }, crashes: 1 })).toBe(true);
    expect(caseMet({ ...base, duplicated: { teams: 1, email: 0, pagerduty: 0 } })).toBe(false);
    expect(caseMet({ ...base, duplicated: { teams: 0, email: 1, pagerduty: 0 }, crashes: 1 })).toBe(false);
    expect(caseMet({ ...base, lost: { teams: 0, email: 0, pagerduty: 1 } })).toBe(false);
  });

  it("holds a blinding fault to being reported within two ticks, and fails one never reported", () => {
    expect(caseMet({ ...base, blinds: true, blindAfterTicks: 2 })).toBe(true);
    expect(caseMet({ ...base, blinds: true, blindAfterTicks: 3 })).toBe(false);
    expect(caseMet({ ...base, blinds: true, blindAfterTicks: null })).toBe(false);
  });

  it("sums the cases and marks the blind target not met, in JSON and Markdown, when one blinding fault was never reported", () => {
    const result = (o: Partial<FaultCaseResult>): FaultCaseResult => ({
      id: "x",
      fault: "x",
      cls: "channels",
      target: "0 lost",
      ...base,
      absorbed: { teams: 0, email: 1, pagerduty: 0 },
      merged: { teams: 0, email: 0, pagerduty: 0 },
      decided: { teams: 4, email: 4, pagerduty: 4 },
      notDecided: null,
      lostNotices: [],
      ticks: 10,
      ticksFailed: 0,
      blindAfterMinutes: null,
      monitorIncidentAfterTicks: null,
      blindReason: null,
      undeliveredAtEnd: 0,
      met: true,
      seconds: 1,
      ...o,
    });
    const span = { start: at("01:10"), end: at("01:40"), drainMinutes: 15 };
    const r = summarize(
      "w",
      span,
      5,
      [
        result({ crashes: 1, duplicated: { teams: 1, email: 0, pagerduty: 0 } }),
        result({ id: "y", fault: "blinding", blinds: true, met: false }),
      ],
      3,
    );
    expect(r.totals.absorbed.email).toBe(2);
    expect(r.targets.teamsResidual).toEqual({ target: 1, value: 1, met: true, crashes: 1 });
    expect(r.targets.duplicated).toMatchObject({ value: 0, met: true });
    expect(r.targets.blind).toEqual({ target: 2, value: -1, met: false });
    const md = faultsSection(r).join("\n");
    expect(md).toContain(
      "| monitor blind reported | within 2 ticks | never, for at least one blinding fault | **not met** |",
    );
    expect(md).toContain("1 of 2 faults meet every target");
  });
});

describe("a replay under a channel fault, end to end", () => {
  let host: FaultHost;
  let world: ScenarioWorld;
  beforeAll(async () => {
    host = await startFaultHost();
    const file = join(__dirname, "..", "scenarios", "rbac-removal.json");
    const loaded = parseScenario(await readFile(file, "utf8"), file).world;
    const { CONTROL_PLANE_CONFIG: _armless, ...settings } = loaded.settings;
    world = { ...loaded, settings };
  }, 60_000);
  afterAll(async () => {
    await host?.close();
  });
  // The opened notice (01:10) to the escalation (01:15): the rest of the incident is not needed here.
  const span = { start: at("01:10"), end: at("01:15"), drainMinutes: 5 };
  const once = (id: string, begin: FaultCase["begin"]): FaultCase => ({
    id,
    fault: id,
    cls: "channels",
    blinds: false,
    startMinute: 0,
    ticks: 1,
    begin,
  });

  it("loses and repeats nothing when Teams answers 503 twice, then accepts", async () => {
    await replayUnderFault(
      host,
      world,
      span,
      once("teams-503", (c) => c.standIn.faults.inject("teams", { kind: "status", status: 503 }, 2)),
    );
    const statuses = host.replay.standIn.requests.filter((r) => r.endpoint === "teams").map((r) => r.status);
    expect(statuses.slice(0, 3)).toEqual([503, 503, 202]);
    const counts = countDeliveries(host.recorder.decided, host.recorder.accepted);
    expect(counts.decided).toEqual({ teams: 2, email: 2, pagerduty: 2 });
    expect(counts.lost).toEqual({ teams: 0, email: 0, pagerduty: 0 });
    expect(counts.duplicated).toEqual({ teams: 0, email: 0, pagerduty: 0 });
  }, 60_000);

  it("shows a Teams card twice after a crash between send and record; ACS and PagerDuty take the re-send in", async () => {
    const crash = (channel: "teams" | "email" | "pagerduty") =>
      replayUnderFault(
        host,
        world,
        span,
        once(`crash-${channel}`, (c) => c.crashAfterAccept(channel)),
      ).then((run) => ({ run, counts: countDeliveries(host.recorder.decided, host.recorder.accepted) }));

    const teams = await crash("teams");
    expect(teams.run.ticksFailed).toBe(1);
    expect(teams.run.processes).toBe(2);
    expect(teams.counts.duplicated).toEqual({ teams: 1, email: 0, pagerduty: 0 });
    expect(teams.counts.lost).toEqual({ teams: 0, email: 0, pagerduty: 0 });

    const email = await crash("email");
    expect(email.counts.duplicated).toEqual({ teams: 0, email: 0, pagerduty: 0 });
    expect(email.counts.absorbed.email).toBe(1);
    expect(email.counts.lost).toEqual({ teams: 0, email: 0, pagerduty: 0 });
  }, 60_000);
});
