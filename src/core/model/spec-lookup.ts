import type { AppSpec, MonitorSpec, SloSpecV1 } from "../spec/monitor-spec.js";
import type { SeriesKey } from "./signals.js";
import type { Caller } from "./subject.js";
import { callerName, vaultName } from "./names.js";

/** The configured app that calls with this identity (by object ID or identity name), if any. */
export function appFor(
  caller: Caller | undefined,
  spec: MonitorSpec,
  legacyCritical: readonly string[] = [],
): AppSpec | undefined {
  if (!caller) return undefined;
  const ids = identityNames(caller);
  const app = spec.apps.find((a) => a.identities.some((i) => ids.has(i.toLowerCase())));
  if (app) return app;
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
