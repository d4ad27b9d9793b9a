import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { loadSettings } from "../../src/config/settings.js";
import { problemsOf } from "../fixtures/settings.js";
import { DEFAULT_NOTIFY } from "../../src/core/model/notify-policy.js";

const good = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c",
  STATE_TABLE_ENDPOINT: "https://stvaultwatch.table.core.windows.net",
  TEAMS_WEBHOOK_URL:
    "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=abcdefabcdef",
  MONITOR_SCHEDULE: "0 */5 * * * *",
};
const KEY = "R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12";

describe("notification settings", () => {
  it("turn on only Teams by default, with the documented routes and timers", () => {
    const s = loadSettings(good);
    expect(s.notify.notify).toEqual({ ...DEFAULT_NOTIFY, channels: ["teams"] });
    expect(s.email).toBeUndefined();
    expect(s.pagerDuty).toBeUndefined();
  });

  it("turn on email and PagerDuty when set, and keep the routing key a secret everywhere", () => {
    const s = loadSettings({
      ...good,
      EMAIL_ENDPOINT: "https://acs-vw.europe.communication.azure.com",
      EMAIL_SENDER: "DoNotReply@alerts.contoso.com",
      EMAIL_RECIPIENTS: "oncall@contoso.com; sre@contoso.com",
      PAGERDUTY_ROUTING_KEY: KEY,
    });
    expect(s.notify.notify.channels).toEqual(["teams", "email", "pagerduty"]);
    expect(s.email?.recipients).toEqual(["oncall@contoso.com", "sre@contoso.com"]);
    expect(s.pagerDuty?.url).toBe("https://events.pagerduty.com/v2/enqueue");
    expect(JSON.stringify(s)).not.toContain(KEY);
    expect(inspect(s, { depth: 10 })).not.toContain(KEY);
    expect(String(s.pagerDuty?.routingKey)).toBe("<redacted>");
  });

  it("never echo a malformed routing key in the error", () => {
    const problems = problemsOf({ ...good, PAGERDUTY_ROUTING_KEY: "short-secret-value" });
    expect(problems).toEqual([
      "PAGERDUTY_ROUTING_KEY: expected the 32-character integration (routing) key of a PagerDuty Events v2 integration (value hidden)",
    ]);
  });

  it("need all three email settings together, naming the missing ones", () => {
    expect(problemsOf({ ...good, EMAIL_ENDPOINT: "https://acs-vw.europe.communication.azure.com" })).toEqual([
      "EMAIL_SENDER: email needs EMAIL_ENDPOINT, EMAIL_SENDER and EMAIL_RECIPIENTS together (missing)",
      "EMAIL_RECIPIENTS: email needs EMAIL_ENDPOINT, EMAIL_SENDER and EMAIL_RECIPIENTS together (missing)",
    ]);
  });

  it("apply NOTIFY_CONFIG over the defaults, durations in words", () => {
    const s = loadSettings({
      ...good,
      NOTIFY_CONFIG: JSON.stringify({
        repeat: { "SEV-2": "2h" },
        ackTimeout: { "SEV-1": "10m", "SEV-2": null },
        pending: { "SEV-3": "90s" },
        flap: { window: "2h", changes: 6 },
      }),
    });
    expect(s.notify.notify.repeatMinutes).toMatchObject({ "SEV-1": 240, "SEV-2": 120 });
    expect(s.notify.notify.ackTimeoutMinutes).toEqual({
      "SEV-1": 10,
      "SEV-2": undefined,
      "SEV-3": undefined,
      "SEV-4": undefined,
    });
    expect(s.notify.lifecycle).toEqual({
      pendingMinutes: { "SEV-1": 0, "SEV-2": 0, "SEV-3": 1.5, "SEV-4": 10 },
      flap: { windowMinutes: 120, changes: 6 },
    });
  });

  it.each([
    ["{not json", /^NOTIFY_CONFIG is not valid JSON/],
    [
      JSON.stringify({ repeat: { "SEV-2": "2 hours" } }),
      /^NOTIFY_CONFIG repeat\["SEV-2"\]: expected a duration such as "90s", "15m", "4h" or "1d"$/,
    ],
    [
      JSON.stringify({ routes: [{ channels: ["pagerduty"] }] }),
      /^NOTIFY_CONFIG routes\[0\]\.channels: pagerduty is not configured \(PAGERDUTY_ROUTING_KEY is not set\)$/,
    ],
    [
      JSON.stringify({ routes: [{ channels: [] }] }),
      /^NOTIFY_CONFIG routes\[0\]\.channels: a route needs at least one channel$/,
    ],
    [JSON.stringify({ repeats: {} }), /^NOTIFY_CONFIG \(config\): .*repeats/],
  ])("reject a bad NOTIFY_CONFIG with the JSON path: %s", (text, message) => {
    const problems = problemsOf({ ...good, NOTIFY_CONFIG: text });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
