import type { AppSpec, MonitorSpec, SloSpecV1 } from "../spec/monitor-spec.js";
import type { SeriesKey } from "./signals.js";
import type { Caller } from "./subject.js";
import { callerName, vaultName, type VaultName } from "./names.js";

/** An app's outgoing call as Application Insights logs it (a dependency-calls row): its cloud role name and target. */
export interface AppCall {
  dims: { appRoleName: string; target: string };
}

/**
 * The configured app that calls with this identity (by object ID or identity name), if any. When
 * several apps list the identity and the caller is on a vault, the app is the one whose own
 * dependency calls (`calls`) reach that vault's host, else the one that lists the vault under
 * `vaults`, else the first that lists the identity: a shared user-assigned identity's incident on
 * a vault belongs to the app that reads that vault.
 */
export function appFor(
  caller: (Caller & { vaultResourceId?: string | undefined }) | undefined,
  spec: MonitorSpec,
  legacyCritical: readonly string[] = [],
  calls: readonly AppCall[] = [],
): AppSpec | undefined {
  if (!caller) return undefined;
  const ids = identityNames(caller);
  const listing = spec.apps.filter((a) => a.identities.some((i) => ids.has(i.toLowerCase())));
  if (listing.length > 1 && caller.vaultResourceId) {
    const vault = vaultName(caller.vaultResourceId);
    const app = listing.find((a) => callsVault(a, vault.name, calls)) ?? listing.find((a) => listsVault(a, vault));
    if (app) return app;
  }
  if (listing[0]) return listing[0];
  // CRITICAL_IDENTITIES predates the spec: a listed identity is a critical app without fallback.
  if (legacyCritical.some((c) => ids.has(c.toLowerCase())))
    return {
      name: callerName(caller).name ?? caller.callerObjectId,
      identities: [...ids],
      critical: true,
      hasFallback: false,
    };
  return undefined;
}

/** The app's calls (by cloud role name, which is the app's name) reach the vault's host. */
function callsVault(app: AppSpec, vault: string, calls: readonly AppCall[]): boolean {
  const name = app.name.toLowerCase();
  return calls.some(
    (c) => c.dims.appRoleName.toLowerCase() === name && vaultOfHost(c.dims.target) === vault.toLowerCase(),
  );
}

function listsVault(app: AppSpec, vault: VaultName): boolean {
  return (app.vaults ?? []).some(
    (v) => v.toLowerCase() === vault.name.toLowerCase() || v.toLowerCase() === vault.id.toLowerCase(),
  );
}

/**
 * The vault a dependency target names: "kv-orders.vault.azure.net", as a URL or with a port; the
 * sovereign clouds' hosts (vault.azure.cn, vault.usgovcloudapi.net) have the same first label.
 */
export function vaultOfHost(target: string): string | undefined {
  const host = target
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .split(/[/:?#\s|]/)[0];
  const m = /^([a-z0-9-]+)\.vault\./.exec(host ?? "");
  return m?.[1];
}

/** The identity→vault SLO that covers this series, if any. */
export function sloFor(key: SeriesKey, spec: MonitorSpec): Extract<SloSpecV1, { kind: "identity-vault" }> | undefined {
  const ids = identityNames(key);
  const vault = vaultName(key.vaultResourceId);
  return spec.slos.find(
    (s): s is Extract<SloSpecV1, { kind: "identity-vault" }> =>
      s.kind === "identity-vault" &&
      ids.has(s.identity.toLowerCase()) &&
      (s.vault.toLowerCase() === vault.name.toLowerCase() ||
        s.vault.toLowerCase() === key.vaultResourceId.toLowerCase()),
  );
}

function identityNames(key: Caller): Set<string> {
  const out = new Set<string>();
  if (key.callerObjectId) out.add(key.callerObjectId.toLowerCase());
  if (key.callerAppId) out.add(key.callerAppId.toLowerCase());
  const name = callerName(key).name;
  if (name) out.add(name.toLowerCase());
  return out;
}
