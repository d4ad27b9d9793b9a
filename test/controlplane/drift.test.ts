import { describe, expect, it } from "vitest";
import { diffVault, type VaultSnapshot } from "../../src/core/controlplane/drift.js";
import type { VaultConfig } from "../../src/core/controlplane/views.js";
import { at, change, ORDERS_OID, policy, VAULT, vaultConfig } from "./fixtures.js";

const snapshot = (config: VaultConfig, minute: number): VaultSnapshot => ({
  vaultResourceId: VAULT,
  takenAt: at(minute),
  config,
  recentChanges: [],
});
const diff = (
  before: VaultConfig | undefined,
  after: VaultConfig,
  minute: number,
  activity = [change("vault-write", minute - 2)],
  previous?: VaultSnapshot,
) =>
  diffVault(previous ?? (before ? snapshot(before, minute - 5) : undefined), after, {
    vaultId: VAULT,
    now: at(minute),
    activity,
    reportForMinutes: 60,
  });

describe("drift of a vault's configuration since the last snapshot", () => {
  const cases: {
    name: string;
    after: Partial<VaultConfig>;
    want: { hypothesis: string | undefined; severityHint: string; line: string };
  }[] = [
    {
      name: "switching the permission model to access policies supports H4",
      after: { permissionModel: "access-policies" },
      want: {
        hypothesis: "H4",
        severityHint: "SEV-2",
        line: "permission model: rbac -> access-policies (between 2026-11-23 01:05 UTC and 2026-11-23 01:10 UTC)",
      },
    },
    {
      name: "disabling public network access supports H6",
      after: { publicNetworkAccess: "Disabled" },
      want: {
        hypothesis: "H6",
        severityHint: "SEV-3",
        line: "public network access: Enabled -> Disabled (between 2026-11-23 01:05 UTC and 2026-11-23 01:10 UTC)",
      },
    },
    {
      name: "a firewall that starts denying, with an IP rule added, supports H6",
      after: { networkDefaultAction: "Deny", ipRules: ["203.0.113.0/24"] },
      want: {
        hypothesis: "H6",
        severityHint: "SEV-3",
        line: "IP rules: none -> 203.0.113.0/24 (between 2026-11-23 01:05 UTC and 2026-11-23 01:10 UTC)",
      },
    },
    {
      name: "a removed access policy supports H2",
      after: { accessPolicies: [] },
      want: {
        hypothesis: "H2",
        severityHint: "SEV-3",
        line: `access policy for ${ORDERS_OID}: secrets: get, list; keys: -; certificates: -; storage: - -> none`,
      },
    },
    {
      name: "a shorter soft delete retention is reported without a hypothesis",
      after: { softDeleteRetentionDays: 7 },
      want: { hypothesis: undefined, severityHint: "SEV-4", line: "soft delete retention (days): 90 -> 7" },
    },
  ];

  it.each(cases)("$name, with who changed it", ({ after, want }) => {
    const before = vaultConfig({ accessPolicies: [policy({ secrets: ["get", "list"] })] });
    const { findings } = diff(before, { ...before, ...after }, 10);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: "vault-config-drift",
      hypothesis: want.hypothesis,
      severityHint: want.severityHint,
      subject: { vaultResourceId: VAULT },
    });
    expect(findings[0]?.evidence.join("\n")).toContain(want.line);
    expect(findings[0]?.evidence).toContain(
      "changed by alice@contoso.com at 2026-11-23 01:08 UTC (microsoft.keyvault/vaults/write)",
    );
  });

  it("takes the first snapshot as a baseline and reports nothing", () => {
    const { findings, snapshot: s } = diff(undefined, vaultConfig(), 10);
    expect(findings).toEqual([]);
    expect(s).toEqual({ vaultResourceId: VAULT, takenAt: at(10), config: vaultConfig(), recentChanges: [] });
  });

  it("reports nothing when nothing changed", () => {
    expect(diff(vaultConfig(), vaultConfig(), 10).findings).toEqual([]);
  });

  it("says the activity log has not caught up when no write is found yet, and names the writer on a later tick", () => {
    const first = diff(vaultConfig(), vaultConfig({ publicNetworkAccess: "Disabled" }), 10, []);
    expect(first.findings[0]?.evidence).toContain(
      "who: not in AzureActivity yet (the activity log reaches the workspace 3-20 minutes late)",
    );
    // Next tick: no new change, but the write reached the workspace meanwhile.
    const later = diffVault(first.snapshot, vaultConfig({ publicNetworkAccess: "Disabled" }), {
      vaultId: VAULT,
      now: at(20),
      activity: [change("vault-write", 8)],
      reportForMinutes: 60,
    });
    expect(later.findings).toHaveLength(1);
    expect(later.findings[0]?.id).toBe(first.findings[0]?.id);
    expect(later.findings[0]?.evidence).toContain(
      "changed by alice@contoso.com at 2026-11-23 01:08 UTC (microsoft.keyvault/vaults/write)",
    );
  });

  it("does not blame a write from before the previous snapshot", () => {
    const { findings } = diff(vaultConfig(), vaultConfig({ publicNetworkAccess: "Disabled" }), 30, [
      change("vault-write", 10),
    ]);
    expect(findings[0]?.evidence).toContain(
      "who: not in AzureActivity yet (the activity log reaches the workspace 3-20 minutes late)",
    );
  });

  it("says who is unknown when the changes signal did not answer", () => {
    const { findings } = diffVault(snapshot(vaultConfig(), 5), vaultConfig({ purgeProtection: false }), {
      vaultId: VAULT,
      now: at(10),
      activity: undefined,
      reportForMinutes: 60,
    });
    expect(findings[0]?.evidence).toContain(
      "who: unknown, the changes signal (AzureActivity) did not answer this tick",
    );
  });

  it("stops reporting a change once it is older than the report period", () => {
    const first = diff(vaultConfig(), vaultConfig({ publicNetworkAccess: "Disabled" }), 10);
    const stillDisabled = vaultConfig({ publicNetworkAccess: "Disabled" });
    const at60 = diffVault(first.snapshot, stillDisabled, {
      vaultId: VAULT,
      now: at(60),
      activity: [],
      reportForMinutes: 60,
    });
    expect(at60.findings).toHaveLength(1);
    const at71 = diffVault(at60.snapshot, stillDisabled, {
      vaultId: VAULT,
      now: at(71),
      activity: [],
      reportForMinutes: 60,
    });
    expect(at71.findings).toEqual([]);
    expect(at71.snapshot.recentChanges).toEqual([]);
  });
  it("stops reporting a change as soon as it is reverted: the vault no longer differs", () => {
    const switched = diff(vaultConfig(), vaultConfig({ permissionModel: "access-policies" }), 10);
    expect(switched.findings.map((f) => f.hypothesis)).toEqual(["H4"]);
    // Switched back, and the firewall closed meanwhile: only what still differs is reported.
    const back = diffVault(switched.snapshot, vaultConfig({ publicNetworkAccess: "Disabled" }), {
      vaultId: VAULT,
      now: at(15),
      activity: [],
      reportForMinutes: 60,
    });
    expect(back.findings.map((f) => f.hypothesis)).toEqual(["H6"]);
    expect(back.snapshot.recentChanges.map((c) => c.field)).toEqual(["public network access"]);
  });
});
