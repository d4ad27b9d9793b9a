import { ISSUER, LOCATION, WORKSPACE_ID } from "./environment.js";
import { azureIpOf, guidOf, hexOf, intOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";
import { type ArmId, parseArmId } from "./resource-id.js";

/**
 * Key Vault AuditEvent records, in both destination tables. Shapes from:
 * - the sample record in MicrosoftDocs/azure-docs `articles/key-vault/general/logging.md` (field
 *   names, "resultSignature": "OK", durationMs as a number of ms, properties clientInfo /
 *   requestUri / id / httpStatusCode, the ARM-originated identity with the long-form object ID);
 * - published data-plane records (managed-identity claims oid, appid, appidacr "2", idtyp "app",
 *   xms_mirid, xms_az_nwperimid []; properties isRbacAuthorized, appliedAssignmentId as 32 hex
 *   digits, tlsVersion "TLS1_3"; a 403 RBAC denial with resultSignature "Forbidden");
 * - Azure/azure-sdk-for-python#23252 and Azure/azure-sdk-for-net#17235 for the challenge row
 *   ("operationName":"Authentication","resultType":"Success","identity":{},"httpStatusCode":401,
 *   "resultSignature":"Unauthorized", requestUri the secret the client asked for, durationMs 34–38);
 * - the AzureDiagnostics flattening: `identity.claim.<k>` → `identity_claim_<k>_<g|s>`,
 *   `properties.<k>` → `<k>_<s|d|b>`, `_ResourceId` lower case and `ResourceId` upper case
 *   (test/kusto/schemas.ts, ../shared/reference/azure-log-shapes.md).
 * Key Vault writes ResultType "Success" for every request it answered, denials included (the
 * 403 and 401 samples above); a 403 is told apart by ResultSignature and the authorization flags.
 */
export interface KvAuditEvent {
  at: Date;
  vaultResourceId: string;
  callerObjectId: string;
  callerAppId: string;
  /** The caller's `xms_mirid` (a managed identity's resource ID); "" for a service principal or user. */
  callerResourceId: string;
  callerIpAddress?: string;
  /** Key Vault's operation name: SecretGet, KeyUnwrap, VaultGet, Authentication, … */
  operation: string;
  status: number;
  /**
   * What refused a 403: the permission model, the firewall, or public network access being off
   * (whether Key Vault also logs isAddressAuthorized false then is not published: the text alone
   * says it here).
   */
  denial?: "rbac" | "policy" | "firewall" | "public-network";
  /** A 403 to an authorized caller because of the object's state (`status` 403, no `denial`). */
  refusedState?: "disabled" | "expired";
  resultDescription?: string;
  correlationId?: string;
  durationMs?: number;
  requestUri?: string;
  /** The client's user agent (`properties.clientInfo`); a Node.js Key Vault SDK when absent. */
  clientInfo?: string;
  /** How the vault authorizes: RBAC unless the event is an access-policy denial. */
  permissionModel?: "rbac" | "accessPolicy";
}

/** Key Vault's REST API version the current SDKs send (`api-version=7.5`). */
const DATA_PLANE_API = "7.5";
/** What ARM's calls into Key Vault are logged with (logging.md's VaultGet sample). */
const ARM_CLIENT_INFO = "azure-resource-manager/2.0";
const NODE_SDK = (pkg: string) =>
  `azsdk-js-keyvault-${pkg}/4.9.0 core-rest-pipeline/1.18.1 Node/22.11.0 OS/(x64-Linux-5.15.164.1-microsoft-standard)`;

const SIGNATURES: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  204: "NoContent",
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/** ResultSignature: the HTTP status as its reason phrase without spaces ("OK", "Forbidden", "TooManyRequests"). */
export function resultSignatureOf(status: number): string {
  return SIGNATURES[status] ?? String(status);
}

/** The event as both tables see it, before each table's own column naming. */
interface KvFacts {
  time: string;
  vault: ArmId;
  operation: string;
  status: number;
  operationVersion: string;
  resultSignature: string;
  resultDescription: string;
  durationMs: number;
  callerIp: string;
  correlationId: string;
  requestUri: string;
  objectId?: string;
  clientInfo: string;
  claims: Record<string, string | readonly string[]>;
  rbacAuthorized?: boolean;
  accessPolicyMatch?: boolean;
  addressAuthorized?: boolean;
  appliedAssignment?: string;
  tlsVersion?: string;
}

function vaultUriOf(vault: ArmId): string {
  return `https://${vault.name.toLowerCase()}.vault.azure.net/`;
}

/** The object an operation addresses: collection and name by operation family. */
function objectOf(operation: string): { collection: string; name: string; pkg: string } {
  if (operation.startsWith("Key")) return { collection: "keys", name: "data-key", pkg: "keys" };
  if (operation.startsWith("Certificate")) return { collection: "certificates", name: "app-cert", pkg: "certificates" };
  return { collection: "secrets", name: "app-secret", pkg: "secrets" };
}

/** The request URI Key Vault logs when the event does not give one. */
function defaultRequestUri(operation: string, vault: ArmId): string {
  if (operation.startsWith("Vault"))
    return `https://control-prod-${LOCATION}.vaultcore.azure.net/subscriptions/${vault.subscriptionId.toLowerCase()}/resourcegroups/${vault.resourceGroup.toLowerCase()}/providers/Microsoft.KeyVault/vaults/${vault.name.toLowerCase()}?api-version=2023-07-01`;
  const { collection, name } = objectOf(operation);
  const base = vaultUriOf(vault);
  if (/List/.test(operation)) return `${base}${collection}?api-version=${DATA_PLANE_API}`;
  const crypto = /^Key(Unwrap|Wrap|Sign|Verify|Encrypt|Decrypt)$/.exec(operation)?.[1];
  if (crypto)
    return `${base}keys/${name}/${hexOf(32, vault.id.toLowerCase(), name)}/${crypto.toLowerCase()}key?api-version=${DATA_PLANE_API}`;
  return `${base}${collection}/${name}/?api-version=${DATA_PLANE_API}`;
}

/** `properties.id`: the vault, key, secret or certificate a successful request returned. */
function objectIdOf(operation: string, vault: ArmId, requestUri: string): string | undefined {
  if (operation.startsWith("Vault")) return vaultUriOf(vault);
  const path = requestUri.split("?")[0]!.replace(/\/(unwrapkey|wrapkey|signkey|verifykey|encryptkey|decryptkey)$/, "");
  const m = /^(https:\/\/[^/]+\/)(secrets|keys|certificates)\/([^/]+)\/?([0-9a-f]{32})?$/.exec(path);
  if (!m) return undefined;
  const [, base, collection, name, version] = m;
  return `${base}${collection}/${name}/${version ?? hexOf(32, vault.id.toLowerCase(), name!)}`;
}

/** The Caller line Key Vault puts in its denial texts. */
function callerLine(e: KvAuditEvent): string {
  return `Caller: appid=${e.callerAppId};oid=${e.callerObjectId};iss=${ISSUER}`;
}

/** The RBAC data action and the access-policy permission an operation needs (Key Vault RBAC guide, access policies). */
const PERMISSIONS: Readonly<Record<string, readonly [action: string, permission: string]>> = {
  SecretGet: ["secrets/getSecret/action", "get"],
  SecretList: ["secrets/readMetadata/action", "list"],
  SecretSet: ["secrets/setSecret/action", "set"],
  KeyGet: ["keys/read", "get"],
  KeyUnwrap: ["keys/unwrap/action", "unwrapKey"],
  KeyWrap: ["keys/wrap/action", "wrapKey"],
  KeySign: ["keys/sign/action", "sign"],
  KeyDecrypt: ["keys/decrypt/action", "decrypt"],
  KeyEncrypt: ["keys/encrypt/action", "encrypt"],
  CertificateGet: ["certificates/read", "get"],
};

/**
 * The text of a denial, as Key Vault answers it (and logs it in ResultDescription):
 * - firewall: "Client address is not authorized and caller is not a trusted service." with the
 *   address and vault lines (MicrosoftDocs/azure-docs key-vault/general/rest-error-codes.md,
 *   ForbiddenByFirewall; the continuation lines as published 403 answers show them);
 * - RBAC: "Caller is not authorized to perform action on resource." with the Caller, Action,
 *   Resource and Assignment lines (ForbiddenByRbac);
 * - access policy: "The user, group or application '…' does not have secrets get permission on
 *   key vault '…;location=…'" (AccessDenied);
 * - public network access disabled: "Public network access is disabled and request is not from a
 *   trusted service nor via an approved private link." (rest-error-codes.md, ForbiddenByPolicy),
 *   with the Caller and Vault lines;
 * - object state: "Operation get is not allowed on a disabled secret." (inner code SecretDisabled,
 *   Azure/azure-sdk-for-js issue 24756) and "… on an expired secret" (SecretExpired, as
 *   Azure/AzureKeyVault issue 19 quotes it), with the operation's permission and object kind.
 */
function denialText(e: KvAuditEvent, vault: ArmId, ip: string): string {
  const vaultName = vault.name.toLowerCase();
  const { collection, name } = objectOf(e.operation);
  const [action, permission] = PERMISSIONS[e.operation] ?? [`${collection}/read`, "get"];
  if (e.refusedState)
    return `Operation ${permission} is not allowed on ${e.refusedState === "expired" ? "an" : "a"} ${e.refusedState} ${collection.replace(/s$/, "")}.`;
  switch (e.denial) {
    case "public-network":
      return `Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\n${callerLine(e)}\r\nVault: ${vaultName};location=${LOCATION}`;
    case "firewall":
      return `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${ip}\r\n${callerLine(e)}\r\nVault: ${vaultName};location=${LOCATION}`;
    case "rbac":
      return [
        "Caller is not authorized to perform action on resource.",
        "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
        callerLine(e),
        `Action: 'Microsoft.KeyVault/vaults/${action}'`,
        `Resource: '${vault.id.toLowerCase()}/${collection}/${name}'`,
        "Assignment: (not found)",
        "DenyAssignmentId: null",
        "DecisionReason: null ",
        `Vault: ${vaultName};location=${LOCATION}`,
      ].join("\r\n");
    case "policy":
      return `The user, group or application 'appid=${e.callerAppId};oid=${e.callerObjectId};iss=${ISSUER}' does not have ${collection} ${permission} permission on key vault '${vaultName};location=${LOCATION}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`;
    default:
      return "";
  }
}

function isChallenge(e: Pick<KvAuditEvent, "operation" | "status">): boolean {
  return e.operation === "Authentication" && e.status === 401;
}

function factsOf(e: KvAuditEvent): KvFacts {
  const vault = parseArmId(e.vaultResourceId);
  const seed = [e.vaultResourceId.toLowerCase(), e.callerObjectId, e.operation, e.at.getTime()] as const;
  const challenge = isChallenge(e);
  const armOriginated = e.operation.startsWith("Vault");
  const ip = e.callerIpAddress ?? azureIpOf(challenge ? e.vaultResourceId.toLowerCase() : e.callerObjectId);
  const requestUri = e.requestUri ?? defaultRequestUri(challenge ? "SecretGet" : e.operation, vault);
  const version = /[?&]api-version=([^&]+)/.exec(requestUri)?.[1] ?? DATA_PLANE_API;

  // The token's claims: none on the challenge (no token was sent); the long-form object ID on
  // ARM-originated vault operations; a managed identity's claim set otherwise.
  let claims: KvFacts["claims"] = {};
  if (!challenge && armOriginated)
    claims = {
      "http://schemas.microsoft.com/identity/claims/objectidentifier": e.callerObjectId,
      appid: e.callerAppId,
    };
  else if (!challenge)
    claims = {
      oid: e.callerObjectId,
      appid: e.callerAppId,
      appidacr: "2",
      ...(e.callerResourceId ? { xms_mirid: e.callerResourceId } : {}),
      xms_az_nwperimid: [],
      idtyp: "app",
    };

  // Which checks ran: the firewall first (a refused address ends the request), then the
  // permission model, for the requests the vault got as far as authorizing.
  const f: KvFacts = {
    time: e.at.toISOString(),
    vault,
    operation: e.operation,
    status: e.status,
    operationVersion: version,
    resultSignature: resultSignatureOf(e.status),
    resultDescription: e.resultDescription ?? denialText(e, vault, ip),
    durationMs: e.durationMs ?? (challenge ? intOf(20, 45, ...seed) : intOf(4, 60, ...seed)),
    callerIp: ip,
    correlationId: e.correlationId ?? guidOf("kv-correlation", ...seed),
    requestUri,
    clientInfo: e.clientInfo ?? (armOriginated ? ARM_CLIENT_INFO : NODE_SDK(objectOf(e.operation).pkg)),
    claims,
  };
  const authorized = !e.denial && e.status !== 401 && e.status !== 429 && e.status < 500;
  const model = e.permissionModel ?? (e.denial === "policy" ? "accessPolicy" : "rbac");
  if (e.denial === "firewall") f.addressAuthorized = false;
  else if (e.denial === "rbac" || (authorized && model === "rbac" && !armOriginated)) {
    f.rbacAuthorized = e.denial !== "rbac";
    if (f.rbacAuthorized)
      f.appliedAssignment = hexOf(32, "assignment", e.vaultResourceId.toLowerCase(), e.callerObjectId);
  } else if (e.denial === "policy" || (authorized && model === "accessPolicy"))
    f.accessPolicyMatch = e.denial !== "policy";
  if (!challenge) f.tlsVersion = "TLS1_3";
  if (e.status >= 200 && e.status < 300) f.objectId = objectIdOf(e.operation, vault, requestUri);
  return f;
}

/** `identity_claim_<claim>_<g|s>`: the claim name with every run of other characters made one underscore. */
function claimColumn(claim: string, value: string | readonly string[]): string {
  const base = claim.replace(/[^A-Za-z0-9]+/g, "_");
  const isGuid =
    typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
  return `identity_claim_${base}_${isGuid ? "g" : "s"}`;
}

/** A 32-hex-digit ID as a GUID, the form a `_g` column holds. */
function dashed(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20)}`;
}

function compact(record: Record<string, unknown>): RawRecord {
  for (const [k, v] of Object.entries(record)) if (v === undefined || v === "") delete record[k];
  return record;
}

function diagnosticsRecord(f: KvFacts): RawRecord {
  const r: Record<string, unknown> = {
    TenantId: WORKSPACE_ID,
    TimeGenerated: f.time,
    ResourceId: f.vault.id.toUpperCase(),
    _ResourceId: f.vault.id.toLowerCase(),
    SubscriptionId: f.vault.subscriptionId.toLowerCase(),
    ResourceGroup: f.vault.resourceGroup.toUpperCase(),
    ResourceProvider: "MICROSOFT.KEYVAULT",
    ResourceType: "VAULTS",
    Resource: f.vault.name.toUpperCase(),
    Category: "AuditEvent",
    OperationName: f.operation,
    OperationVersion: f.operationVersion,
    ResultType: "Success",
    ResultSignature: f.resultSignature,
    ResultDescription: f.resultDescription,
    DurationMs: f.durationMs,
    CallerIPAddress: f.callerIp,
    CorrelationId: f.correlationId,
    id_s: f.objectId,
    requestUri_s: f.requestUri,
    clientInfo_s: f.clientInfo,
    httpStatusCode_d: f.status,
    isRbacAuthorized_b: f.rbacAuthorized,
    isAccessPolicyMatch_b: f.accessPolicyMatch,
    isAddressAuthorized_b: f.addressAuthorized,
    appliedAssignmentId_g: f.appliedAssignment && dashed(f.appliedAssignment),
    tlsVersion_s: f.tlsVersion,
    SourceSystem: "Azure",
    Type: "AzureDiagnostics",
  };
  for (const [claim, value] of Object.entries(f.claims))
    r[claimColumn(claim, value)] = typeof value === "string" ? value : JSON.stringify(value);
  return compact(r);
}

function resourceSpecificRecord(f: KvFacts): RawRecord {
  return compact({
    TenantId: WORKSPACE_ID,
    TimeGenerated: f.time,
    _ResourceId: f.vault.id.toLowerCase(),
    _SubscriptionId: f.vault.subscriptionId.toLowerCase(),
    OperationName: f.operation,
    OperationVersion: f.operationVersion,
    ResultType: "Success",
    ResultSignature: f.resultSignature,
    ResultDescription: f.resultDescription,
    DurationMs: f.durationMs,
    CallerIpAddress: f.callerIp,
    CorrelationId: f.correlationId,
    Identity: Object.keys(f.claims).length ? { claim: f.claims } : {},
    HttpStatusCode: f.status,
    RequestUri: f.requestUri,
    Id: f.objectId,
    ClientInfo: f.clientInfo,
    IsRbacAuthorized: f.rbacAuthorized,
    IsAccessPolicyMatch: f.accessPolicyMatch,
    IsAddressAuthorized: f.addressAuthorized,
    AppliedAssignmentId: f.appliedAssignment,
    Tlsversion: f.tlsVersion,
    SourceSystem: "Azure",
    Type: "AZKVAuditLogs",
  });
}

/** The event as the legacy AzureDiagnostics table holds it (a vault whose setting uses Azure diagnostics mode). */
export function azureDiagnosticsAudit(e: KvAuditEvent): RawRecord {
  return diagnosticsRecord(factsOf(e));
}

/** The same event in the resource-specific AZKVAuditLogs table. */
export function azkvAuditLog(e: KvAuditEvent): RawRecord {
  return resourceSpecificRecord(factsOf(e));
}

/**
 * The SDK's unauthenticated first request: every Key Vault client sends one without a token,
 * gets 401 with WWW-Authenticate, and retries with a token. Key Vault logs it as operation
 * "Authentication", 401, ResultSignature "Unauthorized", ResultType "Success", no identity
 * (Azure/azure-sdk-for-python#23252). The caller is unknown to the vault, so its address is
 * derived from the vault here.
 */
export function kvChallenge(at: Date, vaultResourceId: string, table: "AzureDiagnostics" | "AZKVAuditLogs"): RawRecord {
  const f = factsOf({
    at,
    vaultResourceId,
    callerObjectId: "",
    callerAppId: "",
    callerResourceId: "",
    operation: "Authentication",
    status: 401,
  });
  return table === "AzureDiagnostics" ? diagnosticsRecord(f) : resourceSpecificRecord(f);
}
