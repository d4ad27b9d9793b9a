import { describe, expect, it } from "vitest";
import { assessHealth } from "../../src/core/health.js";
import type { Heartbeat } from "../../src/core/model/index.js";
import { at } from "../fixtures/incidents.js";

/** The heartbeat of a complete tick at 01:00 UTC, with what the case changes. */
const beat = (o: Partial<Heartbeat> = {}): Heartbeat => ({
  tickAt: at(0),
  signalStatus: "complete",
  problem: undefined,
  seriesObserved: 3,
  openIncidents: 0,
  undelivered: 0,
  signals: { "kv-requests": { status: "ok", problem: undefined } },
  requests: 1,
  slos: [],
  controlPlane: undefined,
  ...o,
});

describe("incidents the last tick could not write or deliver, in /api/health", () => {
  it("are counted in the body, with the first of them, and make health degraded", () => {
    const failed = "incident 5baac53449220401 (deliver): render failed";
    const r = assessHealth({
      now: at(5),
      heartbeat: beat({ incidentFailures: 2, incidentFailure: failed }),
      incidents: [],
      staleAfterMinutes: 15,
    });
    expect(r).toMatchObject({ status: "degraded", monitor: { incidentFailures: 2, incidentFailure: failed } });
    expect(r.reasons.join("\n")).toContain(
      "the last tick could not write or deliver 2 incident(s); the others went on",
    );
  });

  it("read 0 and null after a tick that handled every incident, and on a heartbeat written before they existed", () => {
    for (const heartbeat of [beat({ incidentFailures: 0 }), beat()]) {
      const r = assessHealth({ now: at(5), heartbeat, incidents: [], staleAfterMinutes: 15 });
      expect(r).toMatchObject({ status: "healthy", monitor: { incidentFailures: 0, incidentFailure: null } });
    }
  });
});
