import { describe, expect, it } from "vitest";
import { renderText } from "../../src/core/render/text.js";
import { messageBytes, renderTeamsMessage, TEAMS_MAX_BYTES } from "../../src/core/render/teams-card.js";
import { emailSubject, renderEmail } from "../../src/core/render/email.js";
import { renderPagerDutyEvent } from "../../src/core/render/pagerduty.js";
import type { GroupMember, Notice } from "../../src/core/model/index.js";
import { aContent, aNotice } from "../fixtures/notices.js";
import { at } from "../fixtures/incidents.js";

/** A denied caller `n` on kv-app, as a group lists it. */
const member = (n: number, o: Partial<GroupMember> = {}): GroupMember => ({
  id: `incident-${n}`,
  rule: "kv-auth-denied",
  state: "firing",
  severity: "SEV-2",
  vault: "kv-app",
  identity: `id-app-${n} (user-assigned identity)`,
  app: n % 2 ? "orders" : "billing",
  failures: 40,
  total: 40,
  finding: undefined,
  muted: false,
  ...o,
});

const finding = member(0, {
  id: "finding",
  rule: "control-plane",
  app: undefined,
  failures: 0,
  total: 0,
  identity: "id-app-1 (user-assigned identity)",
  finding: "id-app-1 lacks Key Vault Secrets User on kv-app",
});

/** An update of a group: callers 1–`n` denied on kv-app, caller 2 resolved, the control-plane finding as evidence. */
function anUpdate(n = 6): Notice {
  const base = aNotice("updated");
  return {
    ...base,
    group: {
      key: base.dedupKey,
      openedAt: at(5),
      members: [...Array.from({ length: n }, (_, i) => member(i + 1, i === 1 ? { state: "resolved" } : {})), finding],
    },
  };
}

describe("a group's notices", () => {
  it("list the callers, vaults and apps still affected, the control-plane evidence and what resolved, in text", () => {
    const text = renderText(anUpdate(), [], 15);
    expect(text).toMatch(/^== SEV-2 UPDATED /);
    expect(text).toContain(
      "  affected   7 incidents, one cause: 5 callers, 1 vault, 2 apps firing, 1 control-plane finding; 1 resolved",
    );
    expect(text).toMatch(/ {2}callers +id-app-1 \(user-assigned identity\) \(SEV-2: 40 of 40 denied\)/);
    expect(text).toContain("  vaults     kv-app (SEV-2: 5 incidents, 200 of 200 denied)");
    expect(text).toContain("  control plane id-app-1 lacks Key Vault Secrets User on kv-app");
    expect(text).toContain("  resolved   id-app-2 (user-assigned identity) on kv-app");
  });

  it("list a resolved control-plane finding by what it found, not as the caller it names", () => {
    const n = anUpdate(2);
    const resolved = {
      ...n,
      group: { ...n.group!, members: [member(1), { ...finding, state: "resolved" as const }] },
    };
    const text = renderText(resolved, [], 15);
    expect(text).toContain("  resolved   control plane: id-app-1 lacks Key Vault Secrets User on kv-app");
  });

  it("say in the email subject and the PagerDuty summary that it is an update of the same alert", () => {
    const n = anUpdate();
    expect(emailSubject(n)).toMatch(/^\[SEV-2\] UPDATED: Key Vault access denied: /);
    expect(renderEmail(n, aContent(n)).plainText).toMatch(/one cause[\s\S]*callers/i);
    const event = renderPagerDutyEvent(n, aContent(n));
    expect(event).toMatchObject({ event_action: "trigger", dedup_key: n.dedupKey });
    if (event.event_action !== "trigger") throw new Error("expected a trigger");
    expect(event.payload.summary).toMatch(/^SEV-2 \(updated\): .*\(\+6 more with the same cause\)/);
    expect(event.payload.custom_details).toMatchObject({ group: { key: n.dedupKey, incidents: expect.any(Array) } });
    expect((event.payload.custom_details as { group: { incidents: unknown[] } }).group.incidents).toHaveLength(7);
  });

  it("fit a Teams message whatever the group's size, saying how many more there are", () => {
    const message = renderTeamsMessage(anUpdate(400), [], 15);
    expect(messageBytes(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(JSON.stringify(message)).toMatch(/\(\+\d+ more\)/);
  });

  it("leave a notice about one incident as it was", () => {
    expect(renderText(aNotice("opened"), [], 15)).not.toContain("affected");
  });
});
