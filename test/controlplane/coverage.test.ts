import { describe, expect, it } from "vitest";
import { assessCoverage, coverage } from "../../src/core/controlplane/coverage.js";
import type { DiagnosticSettingView } from "../../src/core/controlplane/views.js";
import { at, OTHER_VAULT, setting, SUB, VAULT, WORKSPACE } from "./fixtures.js";

const OTHER_WORKSPACE = `/subscriptions/${SUB}/resourcegroups/rg-sec/providers/microsoft.operationalinsights/workspaces/law-security`;
const STORAGE = `/subscriptions/${SUB}/resourcegroups/rg-sec/providers/microsoft.storage/storageaccounts/starchive`;

describe("whether vaultwatch can see a vault's audit log", () => {
  const cases: { name: string; settings: DiagnosticSettingView[]; want: ReturnType<typeof assessCoverage> }[] = [
    {
      name: "AuditEvent sent to the workspace vaultwatch reads is covered, in AzureDiagnostics",
      settings: [setting()],
      want: { status: "covered", workspace: WORKSPACE, table: "AzureDiagnostics", setting: "to-law" },
    },
    {
      name: "resource-specific mode lands in AZKVAuditLogs",
      settings: [setting({ destinationType: "Dedicated" })],
      want: { status: "covered", workspace: WORKSPACE, table: "AZKVAuditLogs", setting: "to-law" },
    },
    {
      name: "a vault with no diagnostic setting is a blind spot",
      settings: [],
      want: { status: "blind-spot", reason: "it has no diagnostic setting, so its AuditEvent goes nowhere" },
    },
    {
      name: "a setting that sends only metrics or other categories is a blind spot",
      settings: [setting({ name: "metrics-only", sendsAuditEvent: false })],
      want: {
        status: "blind-spot",
        reason: "its diagnostic settings (metrics-only) do not send the AuditEvent category",
      },
    },
    {
      name: "AuditEvent sent to another workspace is a blind spot naming both",
      settings: [setting({ name: "to-sec", workspaceId: OTHER_WORKSPACE })],
      want: {
        status: "blind-spot",
        reason:
          "it sends AuditEvent to a workspace vaultwatch does not read (to-sec -> workspace law-security); vaultwatch reads law-vaultwatch",
      },
    },
    {
      name: "AuditEvent archived only to storage is a blind spot",
      settings: [setting({ name: "archive", workspaceId: undefined, otherDestinations: [STORAGE] })],
      want: {
        status: "blind-spot",
        reason: "it sends AuditEvent only to storage account starchive, which vaultwatch does not read",
      },
    },
    {
      name: "one good setting among others is enough",
      settings: [
        setting({ name: "archive", workspaceId: undefined, otherDestinations: [STORAGE] }),
        setting({ name: "to-law" }),
      ],
      want: { status: "covered", workspace: WORKSPACE, table: "AzureDiagnostics", setting: "to-law" },
    },
  ];

  it.each(cases)("$name", ({ settings, want }) => {
    expect(assessCoverage(settings, [WORKSPACE])).toEqual(want);
  });

  it("reports each blind spot as a finding and leaves a vault whose settings were not read out (unknown, not covered)", () => {
    const { verdicts, findings } = coverage(
      [VAULT, OTHER_VAULT, "/unread"],
      new Map([
        [VAULT, [setting()]],
        [OTHER_VAULT, []],
      ]),
      [WORKSPACE],
      at(5),
    );
    expect([...verdicts.keys()]).toEqual([VAULT, OTHER_VAULT]);
    expect(findings.map((f) => [f.kind, f.subject.vaultResourceId, f.summary])).toEqual([
      [
        "blind-spot",
        OTHER_VAULT,
        "vault kv-orders-dr is a blind spot: it has no diagnostic setting, so its AuditEvent goes nowhere",
      ],
    ]);
  });
});
