import { describe, expect, it } from "vitest";
import { takeOver } from "../../src/core/lifecycle/take-over.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at } from "../fixtures/incidents.js";

describe("a new episode taking over the row of an earlier one", () => {
  const finished = anIncident({ state: "resolved", resolvedAt: at(30), occurrence: 3, deliveredCount: 5 });
  const next = anIncident({ openedAt: at(200), occurrence: 1, deliveredCount: 0 });

  it("goes on counting: the occurrence follows the earlier one and delivered notices add up", () => {
    expect(takeOver(finished, next)).toEqual({
      status: "taken-over",
      incident: { ...next, occurrence: 4, deliveredCount: 5 },
    });
  });

  it("is refused while the earlier episode is active or still has notices to deliver", () => {
    expect(takeOver(anIncident(), next)).toEqual({ status: "refused", reason: "the stored episode is firing" });
    const queued = {
      ...finished,
      outbox: [
        {
          ...aNotice("resolved"),
          channel: "teams" as const,
          attempts: 1,
          lastError: "server: 502",
          claimedUntil: undefined,
          nextAttemptAt: at(32),
        },
      ],
    };
    expect(takeOver(queued, next)).toEqual({
      status: "refused",
      reason: "the stored episode has 1 notice(s) to deliver",
    });
  });
});
