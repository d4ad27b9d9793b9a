import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { type Silence, silenceRefusals } from "../../src/core/notify/silence.js";
import type { Incident } from "../../src/core/model/index.js";
import { aPolicy, at } from "../fixtures/incidents.js";

const silence = (matchers: Silence["matchers"]): Silence => ({
  id: "s-legacy",
  matchers,
  startsAt: at(0),
  endsAt: at(600),
  createdBy: "alex",
  comment: "created before the guards",
  createdAt: at(0),
  expiredAt: undefined,
});

describe("the monitor's own alerts under a silence", () => {
  // A stored silence from before the creation guards, or one that matches by severity alone,
  // must not hide the alert that says every other alert may be missing.
  it.each([
    ["rule: monitor", { rule: "monitor" as const }],
    // Allowed at creation (SEV-1 still pages), and the monitor blind for two ticks is a SEV-2.
    ["SEV-2 alone", { severities: ["SEV-2" as const] }],
  ])("announces the monitor's blindness even under a silence of %s", (_, matchers) => {
    const tick = (now: Date, incidents: Incident[]) =>
      decideTick({
        now,
        signal: { status: "failed", problem: "503 from the query API" },
        incidents,
        policy: aPolicy(),
        silences: [silence(matchers)],
      }).changed.find((i) => i.rule === "monitor");
    // A SEV-3 waits one 5-minute tick before it fires (DEFAULT_LIFECYCLE.pendingMinutes).
    const seen = tick(at(40), []);
    const monitor = tick(at(46), seen ? [seen] : []);
    expect(monitor).toMatchObject({ state: "firing", severity: "SEV-2", mutedBy: undefined });
    expect(monitor?.outbox.map((n) => n.kind)).toContain("opened");
  });
});

describe("which silences may be created", () => {
  const refused = (m: Silence["matchers"]) => silenceRefusals(m).map((r) => r.matcher ?? "(matchers)");

  it("defines 'everything' as no rule, vault, identity or app and every paging severity (absent: all)", () => {
    expect(refused({})).toEqual(["(matchers)"]);
    expect(refused({ severities: ["SEV-1", "SEV-2"] })).toEqual(["severities"]);
    expect(refused({ severities: ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] })).toEqual(["severities"]);
    expect(refused({ severities: ["SEV-1"] })).toEqual([]);
    expect(refused({ severities: ["SEV-3", "SEV-4"] })).toEqual([]);
    for (const narrowed of [
      { rule: "kv-throttled" as const },
      { vault: "kv-app" },
      { identity: "id-app" },
      { app: "orders" },
    ])
      expect(refused({ ...narrowed, severities: ["SEV-1", "SEV-2"] })).toEqual([]);
  });

  it("refuses the monitor's rule however narrowed, and says every reason at once", () => {
    expect(refused({ rule: "monitor", vault: "kv-app" })).toEqual(["rule"]);
    expect(refused({ rule: "monitor", severities: ["SEV-1", "SEV-2"] })).toEqual(["rule"]);
  });
});
