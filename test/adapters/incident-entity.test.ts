import { describe, expect, it } from "vitest";
import { fromEntity, toEntity } from "../../src/adapters/incident-entity.js";
import { anIncident, at } from "../fixtures/incidents.js";

// The stored layout keeps what the lifecycle needs between ticks; Azurite round trips are in table-store.test.ts.
describe("the incident row layout", () => {
  const stored = (i: ReturnType<typeof anIncident>) => fromEntity({ ...toEntity(i), etag: 'W/"1"' });

  it("keeps the channels told of the firing, so follow-ups reach them on a later tick", () => {
    const told = anIncident({
      notified: {
        state: "firing",
        severity: "SEV-2",
        at: at(5),
        acknowledged: false,
        pagedAt: at(5),
        unacknowledgedAt: undefined,
        channels: ["teams", "pagerduty"],
      },
    });
    expect(stored(told)?.notified.channels).toEqual(["teams", "pagerduty"]);
  });

  it("keeps what the monitor's own incident cannot reach", () => {
    const monitor = anIncident({
      rule: "monitor",
      triggers: [{ kind: "monitor", problem: "no token for management.azure.com", source: "token" }],
    });
    expect(stored(monitor)?.triggers).toEqual([
      { kind: "monitor", problem: "no token for management.azure.com", source: "token" },
    ]);
  });

  it("keeps why the workspace query failed, so the runbook still leads with the fix on a later tick", () => {
    const monitor = anIncident({
      rule: "monitor",
      triggers: [
        { kind: "monitor", problem: "the workspace query failed: 403", source: "workspace", cause: "forbidden" },
      ],
    });
    expect(stored(monitor)?.triggers).toEqual([
      { kind: "monitor", problem: "the workspace query failed: 403", source: "workspace", cause: "forbidden" },
    ]);
  });

  it("reads records written before either was kept", () => {
    const legacy = anIncident({
      rule: "monitor",
      triggers: [{ kind: "monitor", problem: "the workspace query failed: 503" }],
    });
    const read = stored(legacy);
    expect(read?.notified.channels).toBeUndefined();
    expect(read?.triggers).toEqual([{ kind: "monitor", problem: "the workspace query failed: 503" }]);
  });
});
