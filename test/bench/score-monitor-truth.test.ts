import { describe, expect, it } from "vitest";
import { anEpisode } from "./fixtures.js";
import type { NotificationLine } from "../../tools/replay/line.js";
import type { TruthIncidentSpec } from "../../tools/scenario/format.js";
import { matches, scoreScenario, vaultwatchRun, type Episode } from "../../tools/bench/score.js";
import { evaluatePeer, PEER_RULES } from "../../tools/bench/peers.js";
import { readFileSync } from "node:fs";
import { parseScenario } from "../../tools/scenario/load.js";

/** A truth about the monitor's own sight: the workspace stopped receiving data from 13:40 to 15:00. */

const at = (hhmm: string) => new Date(`2026-03-24T${hhmm}:00Z`);

const blind: TruthIncidentSpec = {
  name: "workspace-daily-cap",
  subject: "monitor",
  onset: at("13:40"),
  recovered: at("15:00"),
  hypothesis: "none",
  severity: "SEV-2",
};

function line(o: Partial<NotificationLine> & { at: string; event: NotificationLine["event"] }): NotificationLine {
  return {
    kind: o.event === "fired" ? "opened" : o.event === "escalated" ? "escalated" : o.event,
    incident: "monitor-1",
    rule: "monitor",
    severity: "SEV-3",
    hypothesis: "none",
    verdict: null,
    vault: null,
    identity: null,
    app: null,
    summary: "",
    ...o,
  } as NotificationLine;
}

function episode(o: Partial<Episode>): Episode {
  return anEpisode({
    incident: "e",
    rule: "monitor",
    firedAt: at("14:00"),
    resolvedAt: at("15:20"),
    severity: "SEV-3",
    peakSeverity: "SEV-2",
    hypothesis: "none",
    vault: undefined,
    identity: undefined,
    ...o,
  });
}

describe("a truth that the monitor was blind", () => {
  it("is detected by vaultwatch's monitor incident: fired 20 minutes after the stop, paged at SEV-2, resolved 20 minutes after data returned", () => {
    const run = vaultwatchRun([
      line({ at: at("14:00").toISOString(), event: "fired" }),
      line({ at: at("14:05").toISOString(), event: "escalated", severity: "SEV-2" }),
      line({ at: at("15:20").toISOString(), event: "resolved", severity: "SEV-2" }),
    ]);
    const s = scoreScenario({ name: "daily-cap", start: at("13:00"), end: at("16:30") }, [blind], run);
    expect(s.truePositives).toBe(1);
    expect(s.truths[0]).toMatchObject({
      subject: "monitor",
      detected: true,
      ttdMs: 20 * 60_000,
      ttrMs: 20 * 60_000,
      severity: { got: "SEV-2", want: "SEV-2" },
    });
  });

  it("is not detected by an access incident in the same window, even on the vault the truth names", () => {
    const onVault = { ...blind, vault: "kv-billing-prod" };
    const access = episode({
      rule: "kv-auth-denied",
      vault: "kv-billing-prod",
      identity: "func-billing",
      hypothesis: "H2",
    });
    expect(matches(access, onVault)).toBe(false);
    expect(matches(episode({ rule: "network", app: "func-billing" }), onVault)).toBe(false);
    // The monitor's own incident names no vault; it is the one that matches.
    expect(matches(episode({}), onVault)).toBe(true);
  });

  it("is not matched by a monitor incident outside [onset − 15 min, recovered + 30 min]", () => {
    expect(matches(episode({ firedAt: at("13:20") }), blind)).toBe(false);
    expect(matches(episode({ firedAt: at("15:31") }), blind)).toBe(false);
  });

  it("is missed by the peer rules on the daily-cap scenario, which have no rule for a monitor that cannot see", () => {
    const { world, truth } = parseScenario(readFileSync("test/scenarios/daily-cap.json", "utf8"), "daily-cap.json");
    for (const rule of PEER_RULES) {
      const run = evaluatePeer(rule, world);
      const s = scoreScenario(world, truth!.incidents, run);
      expect(s.truths[0], rule.title).toMatchObject({ subject: "monitor", detected: false });
    }
  });
});
