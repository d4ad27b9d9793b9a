import { describe, expect, it } from "vitest";
import { fromEntity, toEntity } from "../../src/adapters/incident-entity.js";
import type { DiagnosisSummary } from "../../src/core/model/index.js";
import { anIncident, at } from "../fixtures/incidents.js";

/** What the stored row keeps of an incident's one diagnosis: its facts, its revisions, and its first failure. */
describe("the incident row keeps its one diagnosis", () => {
  const stored = (i: ReturnType<typeof anIncident>) => fromEntity({ ...toEntity(i), etag: 'W/"1"' });
  const diagnosis: DiagnosisSummary = {
    top: [
      { id: "H4", title: "Key Vault permission model mismatch", verdict: "likely", confirming: ["w"], disproving: [] },
    ],
    decidedBy: "w",
    propagation: undefined,
    summary: "H4 Key Vault permission model mismatch (likely): w",
    facts: ["change:vaultWrittenBeforeOnset@2026-11-20T00:58:00.000Z", "signal:changes"],
    revisions: [{ at: at(20), from: "H2 (possible)", to: "H4 (likely)", because: "w" }],
  };

  it("reads back the facts, the revisions and the episode's first failure as written", () => {
    const read = stored(anIncident({ diagnosis, firstFailureAt: at(0) }));
    expect(read?.diagnosis).toEqual(diagnosis);
    expect(read?.firstFailureAt).toEqual(at(0));
  });

  it("reads a row written before any of them was kept", () => {
    const entity = toEntity(anIncident({ diagnosis: { ...diagnosis, facts: undefined, revisions: undefined } }));
    const lifecycle = JSON.parse(entity.lifecycle) as Record<string, unknown>;
    delete lifecycle.firstFailureAt;
    const read = fromEntity({ ...entity, lifecycle: JSON.stringify(lifecycle), etag: 'W/"1"' });
    expect(read?.diagnosis?.top[0]?.id).toBe("H4");
    expect(read?.diagnosis?.facts).toBeUndefined();
    expect(read?.diagnosis?.revisions).toBeUndefined();
    expect(read?.firstFailureAt).toBeUndefined();
  });
});
