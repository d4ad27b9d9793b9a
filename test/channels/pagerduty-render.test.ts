import { describe, expect, it } from "vitest";
import {
  eventBytes,
  PAGERDUTY_MAX_EVENT_BYTES,
  renderPagerDutyEvent,
  type PagerDutyEvent,
  type PagerDutyTriggerEvent,
} from "../../src/core/render/pagerduty.js";
import type { NotificationKind, Severity } from "../../src/core/model/index.js";
import { aContent, aNotice } from "../fixtures/notices.js";
import { KEY, SUBJECT } from "../fixtures/incidents.js";

function trigger(e: PagerDutyEvent): PagerDutyTriggerEvent {
  if (e.event_action !== "trigger") throw new Error(`expected a trigger, got ${e.event_action}`);
  return e;
}

const render = (
  kind: NotificationKind = "opened",
  o: Parameters<typeof aNotice>[1] = {},
  content: Parameters<typeof aContent>[1] = {},
) => {
  const n = aNotice(kind, o);
  return renderPagerDutyEvent(n, aContent(n, content));
};

describe("the PagerDuty event", () => {
  it.each([
    ["opened", "trigger"],
    ["escalated", "trigger"],
    ["unacknowledged", "trigger"],
    ["repeated", "trigger"],
    ["acknowledged", "acknowledge"],
    ["resolved", "resolve"],
  ] as const)("sends %s as %s", (kind, action) => {
    expect(render(kind).event_action).toBe(action);
  });

  it("keeps one dedup_key across the whole episode, so acknowledge and resolve reach the alert the trigger opened", () => {
    const kinds: NotificationKind[] = ["opened", "escalated", "repeated", "unacknowledged", "acknowledged", "resolved"];
    const keys = new Set(kinds.map((k) => render(k).dedup_key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBe(aNotice("opened").dedupKey);
  });

  it("keeps a dedup_key within PagerDuty's 255 characters, the same for every kind", () => {
    const long = (kind: NotificationKind) =>
      renderPagerDutyEvent({ ...aNotice(kind), dedupKey: `vaultwatch-${"x".repeat(400)}` }, aContent(aNotice(kind)));
    const a = long("opened").dedup_key;
    expect(a.length).toBeLessThanOrEqual(255);
    expect(long("resolved").dedup_key).toBe(a);
  });

  it("sends acknowledge and resolve as the key alone, without a payload", () => {
    for (const kind of ["acknowledged", "resolved"] as const) {
      const e = render(kind);
      expect(Object.keys(e).sort()).toEqual(["dedup_key", "event_action"]);
      expect(eventBytes(e)).toBeLessThan(300);
    }
  });

  it.each([
    ["SEV-1", "critical"],
    ["SEV-2", "error"],
    ["SEV-3", "warning"],
    ["SEV-4", "info"],
  ] as const)("maps %s to PagerDuty severity %s", (severity: Severity, expected) => {
    expect(trigger(render("opened", { severity })).payload.severity).toBe(expected);
  });

  it("says severity, what, vault and identity in the summary, and fills source, component, group, class and timestamp", () => {
    const n = aNotice("escalated", { severity: "SEV-1" });
    const e = trigger(renderPagerDutyEvent(n, aContent(n)));
    expect(e.payload.summary).toMatch(
      /^SEV-1 \(severity raised\): Key Vault access denied on kv-app for id-app \(user-assigned identity\): 90 of 100 requests denied/,
    );
    expect(e.payload).toMatchObject({
      source: "kv-app",
      component: "id-app",
      group: "rg-app",
      class: "kv-auth-denied",
      timestamp: n.decidedAt.toISOString(),
    });
    expect(e.client).toBe("vaultwatch");
  });

  it("names no identity for a control-plane finding about the vault alone", () => {
    const e = trigger(
      render("opened", {
        rule: "control-plane",
        subject: { kind: "control-plane", vaultResourceId: KEY.vaultResourceId, principal: undefined },
        triggers: [
          {
            kind: "control-plane",
            finding: "blind-spot",
            summary: "kv-app sends no AuditEvent to the workspace",
            evidence: ["no diagnostic setting"],
          },
        ],
      }),
    );
    expect(e.payload.summary).toBe("SEV-2: Control-plane drift on kv-app: kv-app sends no AuditEvent to the workspace");
    expect(e.payload.component).toBeUndefined();
    expect(e.payload.custom_details?.counts).toBeUndefined();
    expect(e.payload.custom_details?.why).toEqual(["no diagnostic setting"]);
  });

  it("carries the numbers, the reasons, the likely cause, the runbook and the responder in custom_details", () => {
    const e = trigger(
      render("opened", {
        diagnosis: {
          top: [
            {
              id: "H2",
              title: "Role assignment removed",
              verdict: "likely",
              confirming: ["roleAssignments/delete at 00:58"],
              disproving: [],
            },
          ],
          decidedBy: "a role assignment was deleted 2 minutes before the first 403",
          propagation: undefined,
          summary: "The role was removed",
        },
        responder: { state: "acknowledged", by: "alice", at: new Date("2026-11-20T01:20:00Z"), note: "looking" },
      }),
    );
    const d = e.payload.custom_details as Record<string, any>;
    expect(d.counts).toMatchObject({ failures: 90, total: 100, forbidden_403: 90, window_minutes: 15 });
    expect(d.why[0]).toContain("above the static floor");
    expect(d.likely_cause.decided_by).toBe("a role assignment was deleted 2 minutes before the first 403");
    expect(d.likely_cause.hypotheses[0]).toMatchObject({ id: "H2", confirming: ["roleAssignments/delete at 00:58"] });
    expect(d.runbook.length).toBeGreaterThan(2);
    expect(JSON.stringify(d.runbook)).toContain(`az role assignment list --assignee ${KEY.callerObjectId}`);
    expect(d.responder).toMatchObject({ state: "acknowledged", by: "alice", note: "looking" });
  });

  it("cuts a long summary to 1024 characters with an ellipsis, without splitting a character", () => {
    const emojiVault = {
      subject: {
        ...SUBJECT,
        vaultResourceId: `/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/${"🔑".repeat(700)}`,
      },
    };
    const summary = trigger(render("opened", emojiVault)).payload.summary;
    expect(summary.length).toBeLessThanOrEqual(1024);
    expect(summary.endsWith("…")).toBe(true);
    // No lone surrogate: the text survives a UTF-8 round trip unchanged.
    expect(new TextDecoder().decode(new TextEncoder().encode(summary))).toBe(summary);
    expect(summary).toContain("SEV-2: Key Vault access denied on 🔑🔑");
  });

  it("stays within 512000 bytes when the runbook is huge, replacing custom_details with a note and keeping the alert", () => {
    const n = aNotice("opened");
    const huge = Array.from({ length: 200 }, (_, i) => ({
      title: `step ${i}`,
      kql: `AzureDiagnostics | where x == "${"y".repeat(5000)}"`,
    }));
    const e = trigger(renderPagerDutyEvent(n, aContent(n, { steps: huge })));
    expect(eventBytes(e)).toBeLessThanOrEqual(PAGERDUTY_MAX_EVENT_BYTES);
    expect(e.payload.custom_details?.truncated).toMatch(/over PagerDuty's 512000-byte limit/);
    expect(e.payload.custom_details?.runbook).toBeUndefined();
    expect(e.payload.summary).toContain("Key Vault access denied on kv-app");
    expect(e.links.length).toBe(2);
  });

  it("links the evidence query and the vault in the portal, and leaves the evidence link out when there is none", () => {
    const withLink = trigger(render("opened", {}, { evidenceLink: "https://portal.azure.com/#blade/x/q/abc" }));
    expect(withLink.links).toEqual([
      { href: "https://portal.azure.com/#blade/x/q/abc", text: "Evidence query in Log Analytics" },
      {
        href: `https://portal.azure.com/#resource${KEY.vaultResourceId}/overview`,
        text: "Key Vault kv-app in the Azure portal",
      },
    ]);
    const without = trigger(render("opened", {}, { evidenceLink: undefined }));
    expect(without.links.map((l) => l.text)).toEqual(["Key Vault kv-app in the Azure portal"]);
  });
});
