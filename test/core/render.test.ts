import { describe, expect, it } from "vitest";
import { renderTeamsMessage, TEAMS_MAX_BYTES, byteLength } from "../../src/core/render/teams-card.js";
import { renderText } from "../../src/core/render/text.js";
import { runbookFor } from "../../src/core/runbook.js";
import { snapshotOf } from "../../src/core/incidents.js";
import type { Notice, NotificationKind } from "../../src/core/model.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at, KEY, someCounts } from "../fixtures/incidents.js";

function notice(kind: NotificationKind, o: Parameters<typeof anIncident>[0] = {}): Notice {
  return { ...aNotice(kind, o), decidedAt: at(20) };
}

const cardOf = (n: Notice) => {
  const m = renderTeamsMessage(n, runbookFor(n.snapshot), 15);
  return { message: m, card: m.attachments[0].content, json: JSON.stringify(m) };
};

describe("the Teams alert card", () => {
  it("is an Adaptive Card 1.5 in the Workflows message envelope", () => {
    const { message, card } = cardOf(notice("opened"));
    expect(message.type).toBe("message");
    expect(message.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
  });

  it("says what, where and who with the numbers, and fills the runbook with the real names", () => {
    const { json } = cardOf(notice("opened", { severity: "SEV-1" }));
    expect(json).toContain("SEV-1: Key Vault access denied on kv-app");
    expect(json).toContain("id-app (user-assigned identity)");
    expect(json).toContain("90 of 100 requests denied");
    expect(json).toContain(`az role assignment list --assignee ${KEY.callerObjectId} --scope ${KEY.vaultResourceId}`);
    expect(json).toContain('--role \\"Key Vault Secrets User\\"');
    expect(json).toContain("az keyvault show --name kv-app --resource-group rg-app");
    expect(json).not.toContain("<object-id>");
  });

  it("asks for the least role the failed operations need, never Administrator", () => {
    const keyOps = notice("opened", { counts: someCounts({ operations: ["KeyUnwrap"] }) });
    const json = cardOf(keyOps).json;
    expect(json).toContain("Key Vault Crypto User");
    expect(json).not.toContain("Key Vault Administrator");
  });

  it("stays within Teams' 28 KB limit however long the evidence gets", () => {
    const huge = notice("opened", { counts: someCounts({ operations: Array.from({ length: 3000 }, (_, i) => `SecretGet${i}`) }) });
    const { json } = cardOf(huge);
    expect(byteLength(json)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(json).toContain("Key Vault access denied");
  });

  it("says why it fired: the SLO tier, both burns, the budget left and when it runs out", () => {
    const n = notice("opened", {
      triggers: [{ kind: "slo", slo: "app-secrets", tier: "page-fast", action: "page", longWindow: "1h", shortWindow: "5m", longBurn: 30, shortBurn: 50, burnThreshold: 14.4, budgetRemaining: 0.5, hoursToExhaustion: 12 }],
      severityReason: "the error budget is burning at a paging rate",
    });
    const { json } = cardOf(n);
    expect(json).toContain("Why it fired");
    expect(json).toContain("SLO app-secrets: page-fast (page) — burning 30.0x over 1h and 50.0x over 5m, above 14.4x; 50% of the budget left, gone in 12.0 hours at this rate");
    expect(json).toContain("SEV-2: the error budget is burning at a paging rate. Expected response: restore within the current shift");
  });

  it("renders a resolution card that says resolved and for how long", () => {
    const n = notice("resolved", { state: "resolved", resolvedAt: at(40) });
    const { card, json } = cardOf(n);
    expect(JSON.stringify(card.body)).toContain("Resolved: Key Vault access denied on kv-app");
    expect(json).toContain("Open for 35 minutes");
    expect(json).not.toContain("Runbook");
  });
});

describe("the text rendering", () => {
  it("shows severity, vault, identity, counts and the first three steps", () => {
    const n = notice("opened", { severity: "SEV-1" });
    const text = renderText(n, runbookFor(n.snapshot), 15);
    expect(text).toMatch(/^== SEV-1 ALERT 01:20 UTC {2}Key Vault access denied/);
    expect(text).toContain("vault      kv-app (resource group rg-app)");
    expect(text).toContain("identity   id-app (user-assigned identity)");
    expect(text).toContain("respond now");
    expect(text).toContain("    1. ");
    expect(text).toContain("    3. ");
    expect(text).not.toContain("    4. ");
  });

  it("points 401-dominated denials at identity and token audience first", () => {
    const n = notice("opened", { counts: someCounts({ unauthorized: 80, forbidden: 10 }) });
    const steps = runbookFor(n.snapshot);
    expect(steps[0]!.command).toContain("az identity show --ids");
    expect(steps[1]!.title).toContain("https://vault.azure.net/.default");
  });
});
