import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiagnosticSettingsReader } from "../../src/adapters/arm/diagnostic-settings.js";
import { assessCoverage } from "../../src/core/controlplane/coverage.js";
import { emptyArmState } from "../../tools/standin/arm-state.js";
import { armId, startArmHarness, type ArmHarness } from "./harness.js";
import { SUB, VAULT, WORKSPACE } from "./fixtures.js";

/**
 * The blind-spot line names where a vault's AuditEvent goes instead, read from an ARM answer in
 * the shape Diagnostic Settings - List gives (api-version 2021-05-01-preview): an event hub
 * setting names its namespace's authorization rule and, apart, the hub.
 */

const EVENT_HUB_RULE = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.EventHub/namespaces/ehns-sec/authorizationrules/RootManageSharedAccessKey`;
const STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.Storage/storageAccounts/starchive`;

let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());

async function reasonFor(settings: ReturnType<typeof emptyArmState>["diagnosticSettings"][string]) {
  Object.assign(h.arm.state, emptyArmState(), {
    vaults: [{ id: armId(VAULT) }],
    diagnosticSettings: { [VAULT]: settings },
  });
  const read = await createDiagnosticSettingsReader(h.options).list(VAULT);
  if (!read.ok) throw new Error(`the stand-in refused: ${JSON.stringify(read.failure)}`);
  const verdict = assessCoverage(read.value, [WORKSPACE]);
  return verdict.status === "blind-spot" ? verdict.reason : `covered by ${verdict.setting}`;
}

describe("naming the destination of a vault's AuditEvent when it is not the workspace", () => {
  it("names the event hub and its namespace, not the namespace's access rule", async () => {
    expect(
      await reasonFor([
        {
          name: "to-siem",
          eventHubAuthorizationRuleId: EVENT_HUB_RULE,
          eventHubName: "kv-audit",
          logs: [{ category: "AuditEvent", enabled: true }],
        },
      ]),
    ).toBe("it sends AuditEvent only to event hub kv-audit in namespace ehns-sec, which vaultwatch does not read");
  });

  it("says a hub per category when the setting names none, and names a storage account as one", async () => {
    expect(
      await reasonFor([
        {
          name: "to-siem",
          eventHubAuthorizationRuleId: EVENT_HUB_RULE,
          logs: [{ categoryGroup: "audit", enabled: true }],
        },
        { name: "archive", storageAccountId: STORAGE, logs: [{ categoryGroup: "allLogs", enabled: true }] },
      ]),
    ).toBe(
      "it sends AuditEvent only to event hub namespace ehns-sec (a hub per category), storage account starchive, which vaultwatch does not read",
    );
  });
});
