import type { SeriesKey } from "./signals.js";

/** What an incident or an evaluation is about: each rule's findings are about one kind. */
export type Subject = CallerOnVault | AppSubject | ControlPlaneSubject | MonitorSubject;

/** One caller's requests to one vault: what the request rules (kv-auth-denied, kv-throttled) judge. */
export interface CallerOnVault extends SeriesKey {
  kind: "caller-on-vault";
  /**
   * For calls without a token (no caller logged): the app whose own telemetry of the same minutes
   * made them (core/tokenless-attribution.ts). Not part of the fingerprint: it names who the
   * caller is, as far as anyone can tell, without changing which series it is.
   */
  attributedApp?: string | undefined;
}

/** One app's outgoing calls, as the network rule judges them: dependency calls carry no caller identity. */
export interface AppSubject {
  kind: "app";
  /** The app role name its calls are logged under. */
  app: string;
}

/** A control-plane finding: the vault and the principal it names, when it names them (lower case). */
export interface ControlPlaneSubject {
  kind: "control-plane";
  vaultResourceId: string | undefined;
  /** Object ID of the principal, or client ID of the identity, the finding is about. */
  principal: string | undefined;
}

/** The monitor itself, unable to read its workspace or to get its own token. */
export interface MonitorSubject {
  kind: "monitor";
}

/** A caller as Key Vault logs it: object ID, app (client) ID and managed-identity resource ID, "" when not logged. */
export type Caller = Pick<SeriesKey, "callerObjectId" | "callerAppId" | "callerResourceId">;

/** The subject of a request rule's finding. */
export function callerOnVault(key: SeriesKey): CallerOnVault {
  return {
    kind: "caller-on-vault",
    vaultResourceId: key.vaultResourceId,
    callerObjectId: key.callerObjectId,
    callerAppId: key.callerAppId,
    callerResourceId: key.callerResourceId,
    auditTable: key.auditTable,
  };
}

/** The vault a subject is about; undefined for an app, the monitor, or a finding about no vault. */
export function vaultOf(s: Subject): string | undefined {
  switch (s.kind) {
    case "caller-on-vault":
    case "control-plane":
      return s.vaultResourceId || undefined;
    case "app":
    case "monitor":
      return undefined;
  }
}

/** The caller a subject names: a control-plane finding's principal by its object ID; none for an app or the monitor. */
export function callerOf(s: Subject): Caller | undefined {
  switch (s.kind) {
    case "caller-on-vault":
      return s;
    case "control-plane":
      return s.principal ? { callerObjectId: s.principal, callerAppId: "", callerResourceId: "" } : undefined;
    case "app":
    case "monitor":
      return undefined;
  }
}

/**
 * The app a subject is about: an app's, or the app calls without a token were attributed to (a
 * caller's app otherwise comes from the spec: see appFor).
 */
export function appOf(s: Subject): string | undefined {
  if (s.kind === "app") return s.app;
  return s.kind === "caller-on-vault" ? s.attributedApp || undefined : undefined;
}
