import { describe, expect, it } from "vitest";
import { assessHealth } from "../../src/core/health.js";
import { at } from "../fixtures/incidents.js";
import { aHeartbeat as beat } from "../fixtures/heartbeat.js";

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
