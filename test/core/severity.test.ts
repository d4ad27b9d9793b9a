import { describe, expect, it } from "vitest";
import { severityFor, type Impact } from "../../src/core/model/severity.js";
import type { Severity } from "../../src/core/model/index.js";
import { someCounts } from "../fixtures/incidents.js";

const impact = (share: number, o: Partial<Impact> = {}): Impact => ({
  rule: "kv-auth-denied",
  counts: someCounts({ currentFailurePercent: share }),
  critical: false,
  hasFallback: false,
  ...o,
});
const ORDER: Record<Severity, number> = { "SEV-1": 1, "SEV-2": 2, "SEV-3": 3, "SEV-4": 4 };

describe("severity from impact, after the playbooks' matrix", () => {
  it.each([
    ["a critical production path blocked with no fallback is SEV-1", impact(100, { critical: true }), "SEV-1"],
    [
      "a critical path blocked but with a fallback is SEV-2",
      impact(100, { critical: true, hasFallback: true }),
      "SEV-2",
    ],
    ["a non-critical caller that lost access is SEV-2", impact(95), "SEV-2"],
    ["a third of calls denied is SEV-2", impact(33), "SEV-2"],
    ["an SLO burning at a paging rate is SEV-2", impact(10, { sloAction: "page" }), "SEV-2"],
    ["intermittent denials with retries succeeding are SEV-3", impact(10), "SEV-3"],
    ["an SLO burning at a ticket rate is SEV-3", impact(2, { sloAction: "ticket" }), "SEV-3"],
    ["a few denials covered by a fallback are SEV-4", impact(2, { hasFallback: true }), "SEV-4"],
    ["throttling of most calls is SEV-2", impact(60, { rule: "kv-throttled" }), "SEV-2"],
    ["throttling with retries succeeding is SEV-3", impact(20, { rule: "kv-throttled" }), "SEV-3"],
  ] as const)("%s", (_, i, severity) => {
    expect(severityFor(i).severity).toBe(severity);
  });

  it("explains the row that applied", () => {
    expect(severityFor(impact(100, { critical: true })).reason).toBe(
      "a critical path is blocked by auth errors and has no fallback",
    );
  });

  it("never lowers severity when a larger share fails, whatever the app and SLO", () => {
    for (const rule of ["kv-auth-denied", "kv-throttled"] as const) {
      for (const critical of [true, false]) {
        for (const hasFallback of [true, false]) {
          for (const sloAction of [undefined, "page", "ticket"] as const) {
            let previous = 5;
            for (let share = 0; share <= 100; share += 0.5) {
              const rank = ORDER[severityFor(impact(share, { rule, critical, hasFallback, sloAction })).severity];
              expect(rank).toBeLessThanOrEqual(previous);
              previous = rank;
            }
          }
        }
      }
    }
  });
});
