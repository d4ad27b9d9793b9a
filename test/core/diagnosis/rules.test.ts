import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/core/diagnosis/index.js";
import type { DiagnosisInput, HypothesisId, HypothesisVerdict, Verdict } from "../../../src/core/diagnosis/index.js";
import {
  aChange,
  aDependency,
  anInput,
  aStartupFailure,
  at,
  aTrace,
  kvCounts,
  ORDERS,
  OTHER_PRINCIPAL,
  OTHER_VAULT_ID,
  RG,
  SITE_ID,
  SUB,
} from "./fixtures.js";

/** One line of the evidence table each: what on-call would see it say, or not say. */

const hypothesis = (input: DiagnosisInput, id: HypothesisId): HypothesisVerdict =>
  diagnose(input).ranked.find((h) => h.id === id)!;

const rbacDenials = (o: Partial<DiagnosisInput> = {}) =>
  anInput({
    kv: kvCounts({ succeeded: 100, forbiddenRbac: 35, firstFailureAt: at("01:03"), lastFailureAt: at("01:10") }),
    ...o,
  });
const unauthorized = (o: Partial<DiagnosisInput> = {}) =>
  anInput({
    kv: kvCounts({ unauthorized: 20, firstFailureAt: at("01:03"), lastFailureAt: at("01:10") }),
    ...o,
  });

describe("evidence the table finds", () => {
  it.each<[string, DiagnosisInput, HypothesisId, "confirming" | "disproving" | "unchecked", string]>([
    [
      "a role deleted on the parent resource group counts as deleted on the vault",
      rbacDenials({ changes: [aChange("role-assignment-delete", at("01:00"), { scope: RG })] }),
      "H2",
      "confirming",
      "role assignment Key Vault Secrets User for id-func-orders on resource group rg-orders-prod deleted at 01:00 UTC",
    ],
    [
      "a deletion logged in the same 5-minute bin as the first 403 still counts, and says so",
      anInput({
        kv: kvCounts({ forbiddenRbac: 35, firstFailureAt: at("01:00"), lastFailureAt: at("01:10") }),
        changes: [aChange("role-assignment-delete", at("01:02"))],
      }),
      "H2",
      "confirming",
      "deleted at 01:02 UTC by deploy-pipeline@contoso.com, in the same log bin as the first 403",
    ],
    [
      "a custom role is named by the start of its definition GUID",
      rbacDenials({
        changes: [
          aChange("role-assignment-delete", at("01:00"), {
            roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/0f0e1d2c-aaaa-bbbb-cccc-000000000000`,
          }),
        ],
      }),
      "H2",
      "confirming",
      "role assignment (role 0f0e1d2c) for id-func-orders",
    ],
    [
      "a near-total share of RBAC denials is printed as 99%, never rounded up to all of them",
      anInput({ kv: kvCounts({ forbiddenRbac: 199, unauthorized: 1, firstFailureAt: at("01:03") }) }),
      "H2",
      "confirming",
      "199 of 200 denials (99%) were RBAC denials (isRbacAuthorized=false)",
    ],
    [
      "a control-plane check finding the role only at another scope confirms a mis-scoped role",
      rbacDenials({ access: { hasRequiredRole: true, roleAtWrongScope: true } }),
      "H2",
      "confirming",
      "id-func-orders holds the role only at a scope that does not cover kv-orders-prod",
    ],
    [
      "no RBAC or access-policy denials and no role change for the caller weaken a missing role",
      anInput({ kv: kvCounts({ forbiddenOther: 30, firstFailureAt: at("01:03") }) }),
      "H2",
      "disproving",
      "no RBAC or access-policy denials among 30 denials and no role assignment change for id-func-orders in the change log",
    ],
    [
      "denials 21 minutes after a restore keep propagation possible and say to restart the app",
      rbacDenials({
        now: at("01:35"),
        kv: kvCounts({ forbiddenRbac: 35, firstFailureAt: at("01:03"), lastFailureAt: at("01:35") }),
        changes: [
          aChange("role-assignment-delete", at("01:00")),
          aChange("role-assignment-write", at("01:14"), { caller: "oncall@contoso.com" }),
        ],
      }),
      "H3",
      "confirming",
      "failures continued into the 5-minute bin from 01:35 UTC, 21 minutes after the role assignment Key Vault Secrets User for id-func-orders on kv-orders-prod restored at 01:14 UTC by oncall@contoso.com: past the 10-minute window but not yet 30; restart the app to refresh its token and re-test",
    ],
    [
      "denials 36 minutes after a restore are more than propagation explains",
      rbacDenials({
        now: at("01:50"),
        kv: kvCounts({ forbiddenRbac: 35, firstFailureAt: at("01:03"), lastFailureAt: at("01:50") }),
        changes: [aChange("role-assignment-write", at("01:14"), { caller: "oncall@contoso.com" })],
      }),
      "H3",
      "disproving",
      "failures continued 36 minutes after the role assignment Key Vault Secrets User for id-func-orders on kv-orders-prod restored at 01:14 UTC by oncall@contoso.com: more than 30 minutes",
    ],
    [
      "trigger listeners failing to start on an auth error confirm a missing identity",
      unauthorized({
        hostStartup: [
          aStartupFailure(
            "OrdersQueueTrigger",
            3,
            at("01:04"),
            "Listener unable to start: ManagedIdentityCredential authentication failed",
          ),
        ],
      }),
      "H1",
      "confirming",
      '3 trigger listener start-up failures with an auth error (OrdersQueueTrigger): "Listener unable to start: ManagedIdentityCredential authentication failed"',
    ],
    [
      "401s dominating confirm a missing identity with the count",
      unauthorized(),
      "H1",
      "confirming",
      "20 of 20 denials (100%) were 401: no valid token was presented",
    ],
    [
      "403s carrying the caller's token weaken a missing identity",
      rbacDenials(),
      "H1",
      "disproving",
      "35 of 35 denials (100%) were 403 with a token for id-func-orders: the identity exists and gets tokens",
    ],
    [
      "a caller logged without its resource ID is named by its object ID",
      rbacDenials({ caller: { objectId: ORDERS.objectId, appId: ORDERS.appId, resourceId: "" } }),
      "H1",
      "disproving",
      `a token for principal ${ORDERS.objectId}`,
    ],
    [
      "an identity change on the caller's own user-assigned identity counts without any app telemetry",
      unauthorized({ changes: [aChange("app-identity-change", at("01:01"), { scope: ORDERS.resourceId })] }),
      "H1",
      "confirming",
      "identity of id-func-orders changed at 01:01 UTC by deploy-pipeline@contoso.com, 2 minutes before the first 401",
    ],
    [
      "a vault write before the first RBAC denial points at a switch to RBAC",
      rbacDenials({ changes: [aChange("vault-write", at("00:58"), { caller: "platform-team@contoso.com" })] }),
      "H4",
      "confirming",
      "kv-orders-prod updated at 00:58 UTC by platform-team@contoso.com, 5 minutes before the first 403: its denials since are RBAC denials: a vault write that switches to RBAC leaves grants held as access policies ignored",
    ],
    [
      "an access-policy change before the first access-policy denial is a permission taken away (H2), not a model mismatch",
      anInput({
        kv: kvCounts({ forbiddenPolicy: 30, firstFailureAt: at("01:03") }),
        changes: [aChange("vault-access-policy-write", at("01:01"))],
      }),
      "H2",
      "confirming",
      "access policies of kv-orders-prod changed at 01:01 UTC by deploy-pipeline@contoso.com, 2 minutes before the first 403: its access policies now refuse id-func-orders",
    ],
    [
      "mixed RBAC and access-policy denials are the playbook's mismatch signature",
      anInput({ kv: kvCounts({ forbiddenRbac: 14, forbiddenPolicy: 12, firstFailureAt: at("01:03") }) }),
      "H4",
      "confirming",
      "mixed denials: 14 RBAC (ForbiddenByRbac) and 12 access-policy (ForbiddenByPolicy) on kv-orders-prod",
    ],
    [
      "access-policy denials on a vault known to use RBAC conflict with its model",
      anInput({
        kv: kvCounts({ forbiddenPolicy: 30, firstFailureAt: at("01:03") }),
        vault: { enableRbacAuthorization: true },
      }),
      "H4",
      "confirming",
      "kv-orders-prod uses RBAC (enableRbacAuthorization=true), yet 30 of the denials were access-policy denials",
    ],
    [
      "an RBAC vault holding no access policy for the caller weakens a model mismatch: nothing in the other model is ignored",
      rbacDenials({ vault: { enableRbacAuthorization: true }, access: { hasAccessPolicy: false } }),
      "H4",
      "disproving",
      "kv-orders-prod uses RBAC and holds no access policy for id-func-orders: no grant in the other model is being ignored",
    ],
    [
      "401s while the app's traces show no credential errors suggest a token for the wrong audience",
      unauthorized(),
      "H5",
      "confirming",
      "20 of 20 denials (100%) were 401 while the app's traces show no credential errors",
    ],
    [
      "403s from a permission check mean Key Vault accepted the token's audience",
      rbacDenials(),
      "H5",
      "disproving",
      "Key Vault accepted the token's audience (a wrong audience is a 401)",
    ],
    [
      "Key Vault calls are judged apart from the app's other targets",
      rbacDenials({
        dependencyCalls: [
          aDependency({ forbidden: 30 }),
          aDependency({ timeouts: 500 }, { target: "stordersprod.blob.core.windows.net", targetKind: "storage" }),
        ],
      }),
      "H6",
      "disproving",
      "30 calls to kv-orders-prod.vault.azure.net failed with 401/403 and none timed out, failed to connect or got a 5xx: the network path works",
    ],
    [
      "with no Key Vault calls recorded, the app's other targets count",
      rbacDenials({
        dependencyCalls: [
          aDependency({ timeouts: 500 }, { target: "stordersprod.blob.core.windows.net", targetKind: "storage" }),
        ],
      }),
      "H6",
      "confirming",
      "500 of 500 failed calls (100%) to stordersprod.blob.core.windows.net were timeouts (500)",
    ],
    [
      "public network access disabled backs firewall denials",
      anInput({
        kv: kvCounts({ forbiddenFirewall: 30, firstFailureAt: at("01:03") }),
        vault: { publicNetworkAccess: "Disabled" },
      }),
      "H6",
      "confirming",
      "kv-orders-prod has public network access disabled",
    ],
    [
      "credential traces unavailable leave the audience check undone, and say why",
      unauthorized({
        signalStatus: {
          "kv-requests": "ok",
          changes: "ok",
          "dependency-calls": "ok",
          "host-startup": "ok",
          "credential-traces": "unavailable",
        },
        signalProblems: { "credential-traces": "no AppTraces data" },
      }),
      "H5",
      "unchecked",
      "not checked (credential traces unavailable: no AppTraces data): invalid-audience errors (AADSTS500011)",
    ],
    [
      "a signal without a status is not reported, and its checks are undone",
      unauthorized({ signalStatus: { "kv-requests": "ok" } }),
      "H5",
      "unchecked",
      "not checked (credential traces not reported)",
    ],
  ])("%s", (_, input, id, list, sentence) => {
    expect(hypothesis(input, id)[list].join("\n")).toContain(sentence);
  });
});

describe("evidence the table leaves out", () => {
  it.each<[string, DiagnosisInput, HypothesisId, string]>([
    [
      "a role deleted on a sibling vault is not this vault's cause",
      rbacDenials({ changes: [aChange("role-assignment-delete", at("01:00"), { scope: OTHER_VAULT_ID })] }),
      "H2",
      "deleted",
    ],
    [
      "a role deleted for another principal is not this caller's cause",
      rbacDenials({ changes: [aChange("role-assignment-delete", at("01:00"), { principalId: OTHER_PRINCIPAL })] }),
      "H2",
      "deleted",
    ],
    [
      "a role deleted two hours before the first 403 is background, not the cause",
      rbacDenials({
        changes: [aChange("role-assignment-delete", at("23:00"))],
        kv: kvCounts({ forbiddenRbac: 35, firstFailureAt: at("01:03") }),
      }),
      "H2",
      "deleted",
    ],
    [
      "a role deleted after the failures began did not cause them",
      rbacDenials({ changes: [aChange("role-assignment-delete", at("01:09"))] }),
      "H2",
      "deleted",
    ],
    [
      "an identity change on another app is not this caller's",
      unauthorized({
        changes: [
          aChange("app-identity-change", at("01:01"), { scope: SITE_ID.replace("func-orders", "func-billing") }),
        ],
      }),
      "H1",
      "identity of",
    ],
    [
      "start-up failures without an auth hint say nothing about the identity",
      unauthorized({
        hostStartup: [aStartupFailure("OrdersQueueTrigger", 3, at("01:04"), "Storage account not found", false)],
      }),
      "H1",
      "start-up",
    ],
  ])("%s", (_, input, id, word) => {
    expect(hypothesis(input, id).confirming.join("\n")).not.toContain(word);
  });
});

describe("verdicts from single pieces of evidence", () => {
  it.each<[string, DiagnosisInput, HypothesisId, Verdict]>([
    [
      "a control-plane check finding the role in place makes a missing role unlikely despite RBAC denials",
      rbacDenials({ access: { hasRequiredRole: true, roleAtWrongScope: false } }),
      "H2",
      "unlikely",
    ],
    [
      "network failures that outnumber auth failures without dominating make an outage possible, not likely",
      rbacDenials({ dependencyCalls: [aDependency({ timeouts: 60, forbidden: 40 })] }),
      "H6",
      "possible",
    ],
    [
      "an exhausted credential chain alone makes a missing identity possible, not likely",
      rbacDenials({
        credentialTraces: [aTrace("chain-exhausted", 4, at("01:03"))],
        kv: kvCounts({ forbiddenOther: 5, unauthorized: 5, firstFailureAt: at("01:03") }),
      }),
      "H1",
      "possible",
    ],
    [
      "with the change log failed, propagation is unknown, never unlikely",
      rbacDenials({
        signalStatus: {
          "kv-requests": "ok",
          "credential-traces": "ok",
          "dependency-calls": "ok",
          "host-startup": "ok",
          changes: "failed",
        },
      }),
      "H3",
      "unknown",
    ],
    [
      "with the change log failed, a missing role is possible at most, however many RBAC denials",
      rbacDenials({
        signalStatus: {
          "kv-requests": "ok",
          "credential-traces": "ok",
          "dependency-calls": "ok",
          "host-startup": "ok",
          changes: "failed",
        },
      }),
      "H2",
      "possible",
    ],
    [
      "with dependency calls degraded, an outage cannot be ruled out from the app's side",
      rbacDenials({
        signalStatus: {
          "kv-requests": "ok",
          "credential-traces": "ok",
          "dependency-calls": "degraded",
          "host-startup": "ok",
          changes: "ok",
        },
      }),
      "H6",
      "unknown",
    ],
    [
      "with credential traces unavailable and only 401s to go on, a wrong audience is unknown",
      unauthorized({
        signalStatus: {
          "kv-requests": "ok",
          changes: "ok",
          "dependency-calls": "ok",
          "host-startup": "ok",
          "credential-traces": "unavailable",
        },
      }),
      "H5",
      "unknown",
    ],
    [
      "with credential traces unavailable, their silence is not read as token acquisition working: a missing identity stays possible",
      unauthorized({
        signalStatus: {
          "kv-requests": "ok",
          changes: "ok",
          "dependency-calls": "ok",
          "host-startup": "ok",
          "credential-traces": "unavailable",
        },
      }),
      "H1",
      "possible",
    ],
    [
      "with credential traces unavailable, 403s still rule out a wrong audience",
      rbacDenials({
        signalStatus: {
          "kv-requests": "ok",
          changes: "ok",
          "dependency-calls": "ok",
          "host-startup": "ok",
          "credential-traces": "unavailable",
        },
      }),
      "H5",
      "unlikely",
    ],
    [
      "a degraded Key Vault signal leaves a missing role unknown",
      rbacDenials({
        signalStatus: {
          "kv-requests": "degraded",
          changes: "ok",
          "dependency-calls": "ok",
          "host-startup": "ok",
          "credential-traces": "ok",
        },
      }),
      "H2",
      "unknown",
    ],
    [
      "Key Vault requests without a status count as ok: their counts are the finding",
      rbacDenials({
        changes: [aChange("role-assignment-delete", at("01:00"))],
        signalStatus: { changes: "ok", "dependency-calls": "ok", "host-startup": "ok", "credential-traces": "ok" },
      }),
      "H2",
      "likely",
    ],
  ])("%s", (_, input, id, verdict) => {
    expect(hypothesis(input, id).verdict).toBe(verdict);
  });
});
