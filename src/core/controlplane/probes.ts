import { scrubSample } from "../common/scrub.js";
import { finding, type ControlPlaneFinding, type Hypothesis, type SeverityHint } from "./findings.js";

export type ProbeCause =
  | "identity-not-found"
  | "identity-unavailable"
  | "invalid-audience"
  | "endpoint-timeout"
  | "endpoint-unreachable"
  | "endpoint-error"
  | "unclassified";

export interface ProbeClassification {
  cause: ProbeCause;
  hypothesis: Hypothesis | undefined;
  /** What on-call should read: the cause in words, then the credential's own first line. */
  explanation: string;
  detail: string;
}

export interface ProbeContext {
  /** The platform names its token endpoint (IDENTITY_ENDPOINT on App Service / Functions, MSI_ENDPOINT). */
  endpointConfigured: boolean;
  /** The probe gave up waiting. */
  timedOut: boolean;
  timeoutSeconds: number;
}

// @azure/identity 4.x wraps every managed-identity failure in CredentialUnavailableError (no status
// code), so the cause is read from the message. Texts seen from the App Service endpoint and MSAL:
const NOT_FOUND =
  /Unable to load the proper Managed Identity|Identity not found|No User Assigned or Delegated Managed Identity found/i;
const AUDIENCE =
  /AADSTS500011|AADSTS50001\b|invalid_resource|resource principal named .* was not found|Multiple scopes are not supported|invalid (audience|scope|resource)/i;
const NETWORK =
  /Network unreachable|network_error|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|socket hang up/i;
const SERVER = /ServiceUnavailable|InternalServerError|BadGateway|GatewayTimeout|\b50[0-4]\b|timed? ?out/i;
const UNAVAILABLE = /not available|no managed identity endpoint|not supported in this environment/i;

/**
 * Classifies a failed token acquisition: identity unavailable or not found (H1), invalid audience
 * (H5), endpoint timeout or outage (H6). An unreachable endpoint is H6 where the platform names
 * one (the endpoint should be there), H1 where it does not (no managed identity here).
 */
export function classifyProbeFailure(error: unknown, c: ProbeContext): ProbeClassification {
  const detail = firstLine(error);
  const make = (cause: ProbeCause, hypothesis: Hypothesis | undefined, explanation: string): ProbeClassification => ({
    cause,
    hypothesis,
    explanation,
    detail,
  });
  if (c.timedOut)
    return make("endpoint-timeout", "H6", `the managed identity endpoint did not answer within ${c.timeoutSeconds} s`);
  if (AUDIENCE.test(detail))
    return make("invalid-audience", "H5", "Entra ID does not know this audience (wrong resource or scope)");
  if (NOT_FOUND.test(detail))
    return make("identity-not-found", "H1", "the managed identity is not attached to this app, or does not exist");
  if (NETWORK.test(detail)) {
    return c.endpointConfigured
      ? make(
          "endpoint-unreachable",
          "H6",
          "the platform's managed identity endpoint did not answer (connection failed)",
        )
      : make(
          "identity-unavailable",
          "H1",
          "no managed identity endpoint is reachable here: the app has no managed identity",
        );
  }
  if (SERVER.test(detail)) return make("endpoint-error", "H6", "the managed identity endpoint failed (server error)");
  if (UNAVAILABLE.test(detail)) return make("identity-unavailable", "H1", "no managed identity is available here");
  return make("unclassified", undefined, "token acquisition failed");
}

export interface ProbeSubject {
  identity: { name: string; clientId: string | undefined };
  scope: string;
}

const SEVERITY: Record<ProbeCause, SeverityHint> = {
  // The identity cannot authenticate anywhere: every call it makes fails.
  "identity-not-found": "SEV-2",
  "identity-unavailable": "SEV-2",
  "invalid-audience": "SEV-3",
  "endpoint-timeout": "SEV-3",
  "endpoint-unreachable": "SEV-3",
  "endpoint-error": "SEV-3",
  unclassified: "SEV-3",
};

export function probeFinding(
  s: ProbeSubject,
  k: ProbeClassification,
  now: Date,
  monitorOwn: boolean,
): ControlPlaneFinding {
  const who = s.identity.clientId
    ? `${s.identity.name} (client ID ${s.identity.clientId})`
    : `${s.identity.name} (system-assigned)`;
  return finding({
    kind: monitorOwn ? "monitor-token-failed" : "probe-failed",
    subject: { identity: s.identity, audience: s.scope },
    hypothesis: k.hypothesis,
    severityHint: SEVERITY[k.cause],
    summary: `${who} cannot get a token for ${s.scope}: ${k.explanation}`,
    evidence: [`${k.hypothesis ?? "unclassified"}: ${k.explanation}`, `credential said: ${k.detail}`],
    observedAt: now,
  });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return scrubSample(text.split("\n")[0] ?? "").slice(0, 400);
}
