import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
} from "@azure/core-rest-pipeline";
import { normalizeId } from "../../core/controlplane/arm-ids.js";
import type { ArmRead, DiagnosticSettingsReader } from "../../core/controlplane/ports.js";
import type { DiagnosticSettingView } from "../../core/controlplane/views.js";
import { failureOfResponse } from "../http-failure.js";
import { armErrorBody, fromStatus } from "./errors.js";
import { armPolicies, armRead, endpointOf, type ArmAdapterOptions } from "./options.js";

/** Diagnostic Settings - List; the latest version that reports category groups. */
export const DIAGNOSTIC_SETTINGS_API_VERSION = "2021-05-01-preview";

interface SettingJson {
  name?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    eventHubName?: string | null;
    /** Kept by the API "to maintain backwards compatibility" (Diagnostic Settings - Create Or Update). */
    serviceBusRuleId?: string | null;
    marketplacePartnerId?: string | null;
    logAnalyticsDestinationType?: string | null;
    logs?: { category?: string | null; categoryGroup?: string | null; enabled?: boolean }[];
  };
}

/**
 * A vault's diagnostic settings, read with a plain ARM GET (no SDK package is installed for
 * Microsoft.Insights): the core pipeline with the same retry, bearer-token and traffic policies
 * as the ARM clients, and the same redirecting HttpClient in tests.
 */
export function createDiagnosticSettingsReader(o: ArmAdapterOptions): DiagnosticSettingsReader {
  const pipeline = createPipelineFromOptions({
    // The SDK's retry policy is off; ours (armPolicies) follows the same rules.
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: "vaultwatch" },
  });
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({ credential: o.credential, scopes: `${endpointOf(o)}/.default` }),
  );
  // "perRetry", as the SDK clients place additionalPolicies: the traffic log sees every attempt.
  for (const policy of armPolicies(o)) pipeline.addPolicy(policy, { afterPhase: "Sign" });
  const http = o.httpClient ?? createDefaultHttpClient();

  return {
    async list(resourceId): Promise<ArmRead<DiagnosticSettingView[]>> {
      const id = normalizeId(resourceId);
      const url = `${endpointOf(o)}${id}/providers/Microsoft.Insights/diagnosticSettings?api-version=${DIAGNOSTIC_SETTINGS_API_VERSION}`;
      const answered = await armRead(o, id, (abortSignal) =>
        pipeline.sendRequest(http, createPipelineRequest({ url, method: "GET", abortSignal })),
      );
      if (!answered.ok) return answered;
      const res = answered.value;
      if (res.status !== 200) {
        const { code, message } = armErrorBody(res.bodyAsText ?? undefined);
        return { ok: false, failure: fromStatus(failureOfResponse(res.status, res.headers), code, message, id) };
      }
      try {
        const body = JSON.parse(res.bodyAsText ?? "") as { value?: SettingJson[] };
        return { ok: true, value: (body.value ?? []).map(toView) };
      } catch {
        return {
          ok: false,
          failure: { kind: "unexpected", status: res.status, message: "the diagnostic settings answer is not JSON" },
        };
      }
    },
  };
}

function toView(s: SettingJson): DiagnosticSettingView {
  const p = s.properties ?? {};
  const audit = (p.logs ?? []).some(
    (l) =>
      l.enabled === true &&
      ((l.category ?? "").toLowerCase() === "auditevent" ||
        ["audit", "alllogs"].includes((l.categoryGroup ?? "").toLowerCase())),
  );
  return {
    name: s.name ?? "(unnamed)",
    workspaceId: p.workspaceId ? normalizeId(p.workspaceId) : undefined,
    sendsAuditEvent: audit,
    destinationType:
      (p.logAnalyticsDestinationType ?? "").toLowerCase() === "dedicated" ? "Dedicated" : "AzureDiagnostics",
    otherDestinations: [p.storageAccountId, p.eventHubAuthorizationRuleId, p.marketplacePartnerId, p.serviceBusRuleId]
      .filter((d): d is string => !!d)
      .map(normalizeId),
    ...(p.eventHubAuthorizationRuleId && p.eventHubName ? { eventHubName: p.eventHubName } : {}),
  };
}
