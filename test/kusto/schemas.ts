/**
 * Column schemas of the Log Analytics tables vaultwatch reads, for the Kusto language service.
 * Names and types follow the Azure Monitor table reference (AzureDiagnostics, AZKVAuditLogs,
 * AppTraces); see docs/signals.md for which diagnostic settings populate them.
 */

const AZURE_DIAGNOSTICS_BASE = [
  "TenantId:string", "TimeGenerated:datetime", "ResourceId:string", "Category:string", "ResourceGroup:string",
  "SubscriptionId:string", "ResourceProvider:string", "Resource:string", "ResourceType:string", "OperationName:string",
  "ResultType:string", "CorrelationId:string", "ResultDescription:string", "DurationMs:long", "CallerIPAddress:string",
  "OperationVersion:string", "ResultSignature:string", "id_s:string", "identity_claim_appid_g:guid",
  "identity_claim_ipaddr_s:string", "isAccessPolicyMatch_b:bool", "requestUri_s:string", "clientInfo_s:string",
  "httpStatusCode_d:real", "AdditionalFields:dynamic", "SourceSystem:string", "Type:string", "_ResourceId:string",
];

/** Columns AzureDiagnostics gains the first time a Key Vault event carries them. */
const AZURE_DIAGNOSTICS_KEYVAULT_EXTRA = [
  "identity_claim_oid_g:guid", "identity_claim_xms_mirid_s:string", "identity_claim_upn_s:string",
  "identity_claim_idtyp_s:string", "identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g:guid",
  "isRbacAuthorized_b:bool", "appliedAssignmentId_g:guid", "addrAuthType_s:string", "isAddressAuthorized_b:bool",
  "tlsVersion_s:string", "subnetId_s:string", "trustedService_s:string",
];

const AZKV_AUDIT_LOGS = [
  "TimeGenerated:datetime", "AddressAuthorizationType:string", "Algorithm:string", "AppliedAssignmentId:string",
  "CallerIpAddress:string", "CertificateIssuerProperties:dynamic", "CertificatePolicyProperties:dynamic",
  "CertificateProperties:dynamic", "CertificateRequestProperties:dynamic", "ClientInfo:string", "CorrelationId:string",
  "DurationMs:int", "EnabledForDeployment:bool", "EnabledForDiskEncryption:bool", "EnabledForTemplateDeployment:bool",
  "EnablePurgeProtection:bool", "EnableRbacAuthorization:bool", "EnableSoftDelete:bool", "HsmPoolResourceId:string",
  "HttpStatusCode:int", "Id:string", "Identity:dynamic", "IsAccessPolicyMatch:bool", "IsAddressAuthorized:bool",
  "IsRbacAuthorized:bool", "KeyProperties:dynamic", "NetworkAcls:dynamic", "Nsp:dynamic", "OperationName:string",
  "OperationVersion:string", "Properties:dynamic", "RequestUri:string", "ResultDescription:string", "ResultSignature:string",
  "ResultType:string", "SecretProperties:dynamic", "Sku:dynamic", "SoftDeleteRetentionInDays:int", "SourceSystem:string",
  "StorageAccountProperties:dynamic", "StorageSasDefinitionProperties:dynamic", "SubnetId:string", "TenantId:string",
  "Tlsversion:string", "TrustedService:string", "Type:string", "VaultProperties:dynamic", "_ResourceId:string",
  "_SubscriptionId:string", "_BilledSize:real", "_IsBillable:string",
];

const APP_TRACES = [
  "TimeGenerated:datetime", "AppRoleName:string", "AppRoleInstance:string", "AppVersion:string", "ClientType:string",
  "Message:string", "SeverityLevel:int", "Properties:dynamic", "OperationId:string", "OperationName:string",
  "ParentId:string", "ItemCount:int", "ResourceGUID:string", "SDKVersion:string", "Type:string", "_ResourceId:string",
];

const schema = (cols: string[]) => `(${cols.join(", ")})`;

/** A workspace whose AzureDiagnostics has seen Key Vault identity claims. */
export const WORKSPACE_FULL = {
  AzureDiagnostics: schema([...AZURE_DIAGNOSTICS_BASE, ...AZURE_DIAGNOSTICS_KEYVAULT_EXTRA]),
  AZKVAuditLogs: schema(AZKV_AUDIT_LOGS),
  AppTraces: schema(APP_TRACES),
};

/** A workspace whose AzureDiagnostics has only the guaranteed base columns. */
export const WORKSPACE_BASE_COLUMNS = {
  AzureDiagnostics: schema(AZURE_DIAGNOSTICS_BASE),
  AZKVAuditLogs: schema(AZKV_AUDIT_LOGS),
  AppTraces: schema(APP_TRACES),
};
