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

const APP_DEPENDENCIES = [
  "TimeGenerated:datetime", "AppRoleName:string", "AppRoleInstance:string", "AppVersion:string", "ClientType:string",
  "Data:string", "DependencyType:string", "DurationMs:real", "Id:string", "ItemCount:int", "Measurements:dynamic",
  "Name:string", "OperationId:string", "OperationName:string", "ParentId:string", "Properties:dynamic",
  "ResourceGUID:string", "ResultCode:string", "SDKVersion:string", "Success:bool", "Target:string", "Type:string",
  "_ResourceId:string",
];

const APP_REQUESTS = [
  "TimeGenerated:datetime", "AppRoleName:string", "AppRoleInstance:string", "AppVersion:string", "ClientType:string",
  "DurationMs:real", "Id:string", "ItemCount:int", "Measurements:dynamic", "Name:string", "OperationId:string",
  "OperationName:string", "ParentId:string", "Properties:dynamic", "ResultCode:string", "Source:string", "Success:bool",
  "Url:string", "ResourceGUID:string", "SDKVersion:string", "Type:string", "_ResourceId:string",
];

const FUNCTION_APP_LOGS = [
  "TimeGenerated:datetime", "AppName:string", "FunctionName:string", "FunctionInvocationId:string", "Category:string",
  "Level:string", "LevelId:int", "Message:string", "ExceptionType:string", "ExceptionMessage:string",
  "ExceptionDetails:string", "EventId:int", "EventName:string", "HostInstanceId:string", "HostVersion:string",
  "ActivityId:string", "Location:string", "ProcessId:int", "RoleInstance:string", "_ResourceId:string",
  "_SubscriptionId:string", "TenantId:string", "SourceSystem:string", "Type:string",
];

const AZURE_ACTIVITY = [
  "TimeGenerated:datetime", "OperationNameValue:string", "OperationName:string", "CategoryValue:string",
  "ActivityStatusValue:string", "ActivitySubstatusValue:string", "Caller:string", "CallerIpAddress:string",
  "CorrelationId:string", "OperationId:string", "EventDataId:string", "Level:string", "Properties:string",
  "Properties_d:dynamic", "Authorization:string", "Authorization_d:dynamic", "Claims:string", "Claims_d:dynamic",
  "HTTPRequest:string", "Resource:string", "ResourceGroup:string", "ResourceId:string", "ResourceProviderValue:string",
  "SubscriptionId:string", "EventSubmissionTimestamp:datetime", "Hierarchy:string", "_ResourceId:string",
  "TenantId:string", "SourceSystem:string", "Type:string",
];

/** Classic Application Insights (queried on the App Insights resource): other names, other case. */
const CLASSIC_COMMON = [
  "itemType:string", "customDimensions:dynamic", "customMeasurements:dynamic", "operation_Name:string",
  "operation_Id:string", "operation_ParentId:string", "cloud_RoleName:string", "cloud_RoleInstance:string",
  "appId:string", "appName:string", "iKey:string", "sdkVersion:string", "itemId:string", "itemCount:int",
];
const CLASSIC_DEPENDENCIES = ["timestamp:datetime", "id:string", "target:string", "type:string", "name:string", "data:string", "success:bool", "resultCode:string", "duration:real", "performanceBucket:string", ...CLASSIC_COMMON];
const CLASSIC_TRACES = ["timestamp:datetime", "message:string", "severityLevel:int", ...CLASSIC_COMMON];
const CLASSIC_REQUESTS = ["timestamp:datetime", "id:string", "source:string", "name:string", "url:string", "success:bool", "resultCode:string", "duration:real", "performanceBucket:string", ...CLASSIC_COMMON];

const schema = (cols: string[]) => `(${cols.join(", ")})`;

const WORKSPACE_COMMON = {
  AZKVAuditLogs: schema(AZKV_AUDIT_LOGS),
  AppTraces: schema(APP_TRACES),
  AppDependencies: schema(APP_DEPENDENCIES),
  AppRequests: schema(APP_REQUESTS),
  FunctionAppLogs: schema(FUNCTION_APP_LOGS),
  AzureActivity: schema(AZURE_ACTIVITY),
};

/** A workspace whose AzureDiagnostics has seen Key Vault identity and authorization columns. */
export const WORKSPACE_FULL = { ...WORKSPACE_COMMON, AzureDiagnostics: schema([...AZURE_DIAGNOSTICS_BASE, ...AZURE_DIAGNOSTICS_KEYVAULT_EXTRA]) };

/** A workspace whose AzureDiagnostics has only the guaranteed base columns. */
export const WORKSPACE_BASE_COLUMNS = { ...WORKSPACE_COMMON, AzureDiagnostics: schema(AZURE_DIAGNOSTICS_BASE) };

/** A classic Application Insights resource. */
export const CLASSIC_APP_INSIGHTS = { dependencies: schema(CLASSIC_DEPENDENCIES), traces: schema(CLASSIC_TRACES), requests: schema(CLASSIC_REQUESTS) };
