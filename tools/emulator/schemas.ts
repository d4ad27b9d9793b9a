import { type ColumnSpec, KUSTO_TYPES, type KustoType } from "../kusto/types.js";

/**
 * The column sets and Kusto types of the Azure tables the emulated workspace holds. Sources:
 * - table references, MicrosoftDocs/azure-reference-other `azure-monitor-ref/tables/includes/<table>-include.md`
 *   (AZKVAuditLogs, AzureActivity, AppDependencies, AppTraces, AppRequests, AppExceptions,
 *   FunctionAppLogs, Operation) and `azure-monitor-ref/tables/azurediagnostics.md` (the ~200
 *   columns every AzureDiagnostics table has; the newer include file for it is a copy of
 *   AzureDevOpsAuditing's and was not used);
 * - the classic Application Insights tables: the legacy-to-workspace column mapping in
 *   MicrosoftDocs/azure-docs `articles/azure-monitor/app/convert-classic-resource.md`;
 * - AzureDiagnostics columns that appear once an event carries them: a real workspace's exported
 *   table schema (foundationallm/foundationallm `deploy/standard/bicep/ops-rg/old.bicep`, the
 *   AzureDiagnostics `columns` list: Key Vault, Azure SQL auditing, Application Gateway fields).
 * Doc type names map as String→string, Double→real, BigInt→long, Guid→guid, Bool→bool, DateTime→datetime.
 */

function columns(...specs: string[]): ColumnSpec[] {
  return specs.map((spec) => {
    const [name, type] = spec.split(":");
    if (!name || !KUSTO_TYPES.includes(type as KustoType)) throw new Error(`bad column spec ${JSON.stringify(spec)}`);
    return { name, type: type as KustoType };
  });
}

// ---------------------------------------------------------------------------------------------
// AzureDiagnostics

/**
 * The columns every workspace's AzureDiagnostics has ("at a minimum the same 200 columns",
 * azurediagnostics.md, Columns). The doc lists SubscriptionId as both Guid and String; it is
 * kept as string, as test/kusto/schemas.ts always had it. `ResourceId` is not in the doc's list
 * but every exported AzureDiagnostics schema and every Key Vault row has it (upper case).
 */
const AZURE_DIAGNOSTICS_STANDARD = columns(
  "TenantId:string",
  "TimeGenerated:datetime",
  "ResourceId:string",
  "_ResourceId:string",
  "SubscriptionId:string",
  "ResourceGroup:string",
  "ResourceProvider:string",
  "ResourceType:string",
  "Resource:string",
  "Category:string",
  "OperationName:string",
  "OperationVersion:string",
  "ResultType:string",
  "ResultSignature:string",
  "ResultDescription:string",
  "DurationMs:long",
  "CallerIPAddress:string",
  "CorrelationId:string",
  "Level:string",
  "Message:string",
  "SourceSystem:string",
  "Type:string",
  "AdditionalFields:dynamic",
  // Key Vault's standard columns.
  "id_s:string",
  "identity_claim_appid_g:guid",
  "identity_claim_ipaddr_s:string",
  "isAccessPolicyMatch_b:bool",
  "requestUri_s:string",
  "clientInfo_s:string",
  "httpStatusCode_d:real",
  "subnetId_s:string",
  "properties_enabledForDeployment_b:bool",
  "properties_enabledForDiskEncryption_b:bool",
  "properties_enabledForTemplateDeployment_b:bool",
  "properties_s:string",
  "properties_sku_Family_s:string",
  "properties_sku_Name_s:string",
  "properties_tenantId_g:guid",
  // The rest of the documented list, in its order.
  "action_id_s:string",
  "action_name_s:string",
  "action_s:string",
  "ActivityId_g:guid",
  "AdHocOrScheduledJob_s:string",
  "application_name_s:string",
  "audit_schema_version_d:real",
  "avg_cpu_percent_s:string",
  "avg_mean_time_s:string",
  "backendHostname_s:string",
  "Caller_s:string",
  "callerId_s:string",
  "calls_s:string",
  "client_ip_s:string",
  "clientIP_s:string",
  "clientIp_s:string",
  "clientIpAddress_s:string",
  "clientPort_d:real",
  "code_s:string",
  "collectionName_s:string",
  "conditions_destinationIP_s:string",
  "conditions_destinationPortRange_s:string",
  "conditions_None_s:string",
  "conditions_protocols_s:string",
  "conditions_sourceIP_s:string",
  "conditions_sourcePortRange_s:string",
  "count_executions_d:real",
  "cpu_time_d:real",
  "database_name_s:string",
  "database_principal_name_s:string",
  "DatabaseName_s:string",
  "db_id_s:string",
  "direction_s:string",
  "dop_d:real",
  "duration_d:real",
  "duration_milliseconds_d:real",
  "ElasticPoolName_s:string",
  "endTime_t:datetime",
  "Environment_s:string",
  "error_code_s:string",
  "error_message_s:string",
  "errorLevel_s:string",
  "event_class_s:string",
  "event_s:string",
  "event_subclass_s:string",
  "event_time_t:datetime",
  "EventName_s:string",
  "execution_type_d:real",
  "executionInfo_endTime_t:datetime",
  "executionInfo_exitCode_d:real",
  "executionInfo_startTime_t:datetime",
  "host_s:string",
  "httpMethod_s:string",
  "httpStatus_d:real",
  "httpStatusCode_s:string",
  "httpVersion_s:string",
  "instanceId_s:string",
  "interval_end_time_d:real",
  "interval_start_time_d:real",
  "ip_s:string",
  "is_column_permission_s:string",
  "JobDurationInSecs_s:string",
  "JobFailureCode_s:string",
  "JobId_g:guid",
  "jobId_s:string",
  "JobOperation_s:string",
  "JobOperationSubType_s:string",
  "JobStartDateTime_s:string",
  "JobStatus_s:string",
  "JobUniqueId_g:guid",
  "log_bytes_used_d:real",
  "logical_io_reads_d:real",
  "logical_io_writes_d:real",
  "LogicalServerName_s:string",
  "macAddress_s:string",
  "matchedConnections_d:real",
  "max_cpu_time_d:real",
  "max_dop_d:real",
  "max_duration_d:real",
  "max_log_bytes_used_d:real",
  "max_logical_io_reads_d:real",
  "max_logical_io_writes_d:real",
  "max_num_physical_io_reads_d:real",
  "max_physical_io_reads_d:real",
  "max_query_max_used_memory_d:real",
  "max_rowcount_d:real",
  "max_time_s:string",
  "mean_time_s:string",
  "min_time_s:string",
  "msg_s:string",
  "num_physical_io_reads_d:real",
  "object_id_d:real",
  "object_name_s:string",
  "partitionKey_s:string",
  "physical_io_reads_d:real",
  "plan_id_d:real",
  "policy_s:string",
  "policyMode_s:string",
  "primaryIPv4Address_s:string",
  "priority_d:real",
  "query_hash_s:string",
  "query_id_d:real",
  "query_max_used_memory_d:real",
  "query_plan_hash_s:string",
  "query_time_d:real",
  "querytext_s:string",
  "receivedBytes_d:real",
  "Region_s:string",
  "requestCharge_s:string",
  "requestQuery_s:string",
  "requestResourceId_s:string",
  "requestResourceType_s:string",
  "reserved_storage_mb_s:string",
  "resource_actionName_s:string",
  "resource_location_s:string",
  "resource_originRunId_s:string",
  "resource_resourceGroupName_s:string",
  "resource_runId_s:string",
  "resource_subscriptionId_g:guid",
  "resource_triggerName_s:string",
  "resource_workflowId_g:guid",
  "resource_workflowName_s:string",
  "response_rows_d:real",
  "resultCode_s:string",
  "resultDescription_ChildJobs_s:string",
  "resultDescription_ErrorJobs_s:string",
  "resultMessage_s:string",
  "rootCauseAnalysis_s:string",
  "routingRuleName_s:string",
  "rowcount_d:real",
  "ruleName_s:string",
  "RunbookName_s:string",
  "RunOn_s:string",
  "schema_name_s:string",
  "sentBytes_d:real",
  "sequence_group_id_g:guid",
  "sequence_number_d:real",
  "server_principal_sid_s:string",
  "session_id_d:real",
  "sizeKb_d:real",
  "sql_text_s:string",
  "sslEnabled_s:string",
  "start_time_t:datetime",
  "startTime_s:string",
  "startTime_t:datetime",
  "statement_s:string",
  "statement_sql_handle_s:string",
  "status_s:string",
  "Status_s:string",
  "statusCode_s:string",
  "storage_space_used_mb_s:string",
  "StreamType_s:string",
  "subnetPrefix_s:string",
  "succeeded_s:string",
  "sum_calls_s:string",
  "systemId_g:guid",
  "target_database_principal_name_s:string",
  "target_server_principal_name_s:string",
  "Tenant_g:guid",
  "timeTaken_d:real",
  "type_s:string",
  "user_defined_information_s:string",
  "user_id_s:string",
  "user_s:string",
  "userAgent_s:string",
  "vnetResourceGuid_g:guid",
  "workflowId_s:string",
);

/**
 * Key Vault columns AzureDiagnostics gains the first time an AuditEvent carries them (and never
 * gains once the table is at 500 columns: the values go to AdditionalFields instead). Names and
 * types as a real workspace exported them (old.bicep above); identity_claim_upn_s, _idtyp_s and
 * addrAuthType_s as test/kusto/schemas.ts listed them. Which claims a token carries depends on
 * the caller: managed identities send oid, appid, appidacr, idtyp, xms_mirid, xms_az_nwperimid;
 * users send upn, unique_name, scp, amr, ipaddr; ARM-originated calls send the long-form object ID.
 */
const AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL = columns(
  "identity_claim_oid_g:guid",
  "identity_claim_xms_mirid_s:string",
  "identity_claim_appidacr_s:string",
  "identity_claim_idtyp_s:string",
  "identity_claim_xms_az_nwperimid_s:string",
  "identity_claim_upn_s:string",
  "identity_claim_unique_name_s:string",
  "identity_claim_scp_s:string",
  "identity_claim_amr_s:string",
  "identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g:guid",
  "identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s:string",
  "identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_name_s:string",
  "isRbacAuthorized_b:bool",
  "appliedAssignmentId_g:guid",
  "isAddressAuthorized_b:bool",
  "addrAuthType_s:string",
  "tlsVersion_s:string",
  "trustedService_s:string",
  "privateEndpointId_s:string",
  "secretProperties_type_s:string",
  "secretProperties_attributes_enabled_b:bool",
  "keyProperties_type_s:string",
  "keyProperties_size_d:real",
  "keyProperties_operations_s:string",
  "keyProperties_attributes_enabled_b:bool",
  "certificateProperties_subject_s:string",
  "certificateProperties_exp_t:datetime",
  "properties_networkAcls_bypass_s:string",
  "properties_networkAcls_defaultAction_s:string",
  "properties_enableSoftDelete_b:bool",
  "properties_softDeleteRetentionInDays_d:real",
  "properties_enableRbacAuthorization_b:bool",
  "properties_enablePurgeProtection_b:bool",
);

/**
 * Columns other resource types add to the shared table (old.bicep above): Azure SQL auditing
 * (SQLSecurityAuditEvents), Application Gateway access logs, and Service Bus operational logs
 * (EventTimeString, EventProperties: MicrosoftDocs/azure-docs service-bus-diagnostic-logs.md).
 */
const AZURE_DIAGNOSTICS_OTHER_OPTIONAL = columns(
  // Azure SQL auditing.
  "server_principal_name_s:string",
  "session_server_principal_name_s:string",
  "server_instance_name_s:string",
  "class_type_s:string",
  "class_type_description_s:string",
  "securable_class_type_s:string",
  "affected_rows_d:real",
  "client_tls_version_d:real",
  "additional_information_s:string",
  "host_name_s:string",
  "connection_id_g:guid",
  "event_id_g:guid",
  "is_server_level_audit_s:string",
  "transaction_id_d:real",
  "server_principal_id_d:real",
  "database_principal_id_d:real",
  "data_sensitivity_information_s:string",
  "session_context_s:string",
  "client_tls_version_name_s:string",
  "originalEventTimestamp_t:datetime",
  // Application Gateway access log.
  "listenerName_s:string",
  "backendPoolName_s:string",
  "backendSettingName_s:string",
  "originalRequestUriWithArgs_s:string",
  "originalHost_s:string",
  "serverRouted_s:string",
  "serverStatus_s:string",
  "serverResponseLatency_s:string",
  "upstreamSourcePort_s:string",
  "transactionId_g:guid",
  "clientResponseTime_d:real",
  "WAFEvaluationTime_s:string",
  "WAFMode_s:string",
  "WAFPolicyID_s:string",
  "sslCipher_s:string",
  "sslProtocol_s:string",
  "sslClientVerify_s:string",
  "connectionSerialNumber_d:real",
  "noOfConnectionRequests_d:real",
  // Service Bus operational logs.
  "EventTimeString_s:string",
  "EventProperties_s:string",
);

/** AzureDiagnostics columns present only once some Key Vault event carried them. */
export const AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL_COLUMNS: readonly string[] = AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL.map(
  (c) => c.name,
);

/** Every AzureDiagnostics column outside the documented standard set (Key Vault's and other services'). */
export const AZURE_DIAGNOSTICS_OPTIONAL_COLUMNS: readonly string[] = [
  ...AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL_COLUMNS,
  ...AZURE_DIAGNOSTICS_OTHER_OPTIONAL.map((c) => c.name),
];

// ---------------------------------------------------------------------------------------------
// Key Vault resource-specific table (azkvauditlogs-include.md).

const AZKV_AUDIT_LOGS = columns(
  "TimeGenerated:datetime",
  "AddressAuthorizationType:string",
  "Algorithm:string",
  "AppliedAssignmentId:string",
  "CallerIpAddress:string",
  "CertificateIssuerProperties:dynamic",
  "CertificatePolicyProperties:dynamic",
  "CertificateProperties:dynamic",
  "CertificateRequestProperties:dynamic",
  "ClientInfo:string",
  "CorrelationId:string",
  "DurationMs:int",
  "EnabledForDeployment:bool",
  "EnabledForDiskEncryption:bool",
  "EnabledForTemplateDeployment:bool",
  "EnablePurgeProtection:bool",
  "EnableRbacAuthorization:bool",
  "EnableSoftDelete:bool",
  "HsmPoolResourceId:string",
  "HttpStatusCode:int",
  "Id:string",
  "Identity:dynamic",
  "IsAccessPolicyMatch:bool",
  "IsAddressAuthorized:bool",
  "IsRbacAuthorized:bool",
  "KeyProperties:dynamic",
  "NetworkAcls:dynamic",
  "Nsp:dynamic",
  "OperationName:string",
  "OperationVersion:string",
  "Properties:dynamic",
  "RequestUri:string",
  "ResultDescription:string",
  "ResultSignature:string",
  "ResultType:string",
  "SecretProperties:dynamic",
  "Sku:dynamic",
  "SoftDeleteRetentionInDays:int",
  "SourceSystem:string",
  "StorageAccountProperties:dynamic",
  "StorageSasDefinitionProperties:dynamic",
  "SubnetId:string",
  "TenantId:string",
  "Tlsversion:string",
  "TrustedService:string",
  "Type:string",
  "VaultProperties:dynamic",
  "_ResourceId:string",
  "_SubscriptionId:string",
  "_BilledSize:real",
  "_IsBillable:string",
);

// ---------------------------------------------------------------------------------------------
// AzureActivity (azureactivity-include.md). Category, ActivityStatus, ActivitySubstatus,
// OperationName and ResourceProvider are the legacy columns: present, empty for events exported
// by a diagnostic setting (azure-docs articles/azure-monitor/essentials/activity-log.md, "Data
// structure changes"); the *Value columns hold the data.

const AZURE_ACTIVITY = columns(
  "TimeGenerated:datetime",
  "OperationNameValue:string",
  "OperationName:string",
  "CategoryValue:string",
  "Category:string",
  "ActivityStatusValue:string",
  "ActivityStatus:string",
  "ActivitySubstatusValue:string",
  "ActivitySubstatus:string",
  "Caller:string",
  "CallerIpAddress:string",
  "CorrelationId:string",
  "OperationId:string",
  "EventDataId:string",
  "Level:string",
  "Properties:string",
  "Properties_d:dynamic",
  "Authorization:string",
  "Authorization_d:dynamic",
  "Claims:string",
  "Claims_d:dynamic",
  "HTTPRequest:string",
  "Resource:string",
  "ResourceGroup:string",
  "ResourceId:string",
  "ResourceProvider:string",
  "ResourceProviderValue:string",
  "SubscriptionId:string",
  "EventSubmissionTimestamp:datetime",
  "Hierarchy:string",
  "_ResourceId:string",
  "_SubscriptionId:string",
  "_BilledSize:real",
  "_IsBillable:string",
  "TenantId:string",
  "SourceSystem:string",
  "Type:string",
);

// ---------------------------------------------------------------------------------------------
// Workspace-based Application Insights (app*-include.md). The columns every App* table shares:

const APP_COMMON = columns(
  "TimeGenerated:datetime",
  "AppRoleName:string",
  "AppRoleInstance:string",
  "AppVersion:string",
  "ClientBrowser:string",
  "ClientCity:string",
  "ClientCountryOrRegion:string",
  "ClientIP:string",
  "ClientModel:string",
  "ClientOS:string",
  "ClientStateOrProvince:string",
  "ClientType:string",
  "IKey:string",
  "ItemCount:int",
  "Measurements:dynamic",
  "OperationId:string",
  "OperationName:string",
  "ParentId:string",
  "Properties:dynamic",
  "ResourceGUID:string",
  "SDKVersion:string",
  "SessionId:string",
  "SyntheticSource:string",
  "UserAccountId:string",
  "UserAuthenticatedId:string",
  "UserId:string",
  "SourceSystem:string",
  "TenantId:string",
  "Type:string",
  "_ResourceId:string",
  "_SubscriptionId:string",
  "_BilledSize:real",
  "_IsBillable:string",
);

const APP_DEPENDENCIES = [
  ...APP_COMMON,
  ...columns(
    "Data:string",
    "DependencyType:string",
    "DurationMs:real",
    "Id:string",
    "Name:string",
    "ReferencedItemId:string",
    "ReferencedType:string",
    "ResultCode:string",
    "Success:bool",
    "Target:string",
  ),
];

const APP_TRACES = [
  ...APP_COMMON,
  ...columns("Message:string", "SeverityLevel:int", "ReferencedItemId:string", "ReferencedType:string"),
];

const APP_REQUESTS = [
  ...APP_COMMON,
  ...columns(
    "DurationMs:real",
    "Id:string",
    "Name:string",
    "ReferencedItemId:string",
    "ReferencedType:string",
    "ResultCode:string",
    "Source:string",
    "Success:bool",
    "Url:string",
  ),
];

const APP_EXCEPTIONS = [
  ...APP_COMMON,
  ...columns(
    "Assembly:string",
    "Details:dynamic",
    "ExceptionType:string",
    "HandledAt:string",
    "InnermostAssembly:string",
    "InnermostMessage:string",
    "InnermostMethod:string",
    "InnermostType:string",
    "Message:string",
    "Method:string",
    "OuterAssembly:string",
    "OuterMessage:string",
    "OuterMethod:string",
    "OuterType:string",
    "ProblemId:string",
    "SeverityLevel:int",
  ),
];

// ---------------------------------------------------------------------------------------------
// FunctionAppLogs (functionapplogs-include.md).

const FUNCTION_APP_LOGS = columns(
  "TimeGenerated:datetime",
  "AppName:string",
  "FunctionName:string",
  "FunctionInvocationId:string",
  "Category:string",
  "Level:string",
  "LevelId:int",
  "Message:string",
  "ExceptionType:string",
  "ExceptionMessage:string",
  "ExceptionDetails:string",
  "EventId:int",
  "EventName:string",
  "HostInstanceId:string",
  "HostVersion:string",
  "ActivityId:string",
  "Location:string",
  "ProcessId:int",
  "RoleInstance:string",
  "_ResourceId:string",
  "_SubscriptionId:string",
  "_BilledSize:real",
  "_IsBillable:string",
  "TenantId:string",
  "SourceSystem:string",
  "Type:string",
);

// ---------------------------------------------------------------------------------------------
// Operation (operation-include.md): the workspace's own operational events, daily-cap
// notifications among them. The reference omits TenantId, but Microsoft's baseline daily-cap
// alert summarizes Operation `by TenantId` (Azure/azure-monitor-baseline-alerts,
// Deploy-LAWorkspace-DailyCapLimitReached-Alert.json), so the column is there.

const OPERATION = columns(
  "TimeGenerated:datetime",
  "Computer:string",
  "CorrelationId:string",
  "Detail:string",
  "ErrorId:string",
  "HelpLink:string",
  "ManagementGroupName:string",
  "OperationCategory:string",
  "OperationKey:string",
  "OperationStatus:string",
  "Solution:string",
  "SourceComputerId:string",
  "_ResourceId:string",
  "_SubscriptionId:string",
  "_BilledSize:real",
  "_IsBillable:string",
  "TenantId:string",
  "SourceSystem:string",
  "Type:string",
);

// ---------------------------------------------------------------------------------------------
// AuditLogs (auditlogs-include.md): Microsoft Entra ID's audit log, exported to the workspace by a
// diagnostic setting on the tenant (category AuditLogs). The reference lists no TenantId column;
// AADTenantId holds the tenant. `Category` is documented as "Audit", but exported records carry the
// Graph category (GroupManagement, UserManagement, ...), as the builder writes it (records/entra-audit.ts).

const AUDIT_LOGS = columns(
  "TimeGenerated:datetime",
  "AADOperationType:string",
  "AADTenantId:string",
  "ActivityDateTime:datetime",
  "ActivityDisplayName:string",
  "AdditionalDetails:dynamic",
  "Category:string",
  "CorrelationId:string",
  "DurationMs:long",
  "Id:string",
  "Identity:string",
  "InitiatedBy:dynamic",
  "Level:string",
  "Location:string",
  "LoggedByService:string",
  "OperationName:string",
  "OperationVersion:string",
  "Resource:string",
  "ResourceGroup:string",
  "ResourceId:string",
  "ResourceProvider:string",
  "Result:string",
  "ResultDescription:string",
  "ResultReason:string",
  "ResultSignature:string",
  "ResultType:string",
  "SourceSystem:string",
  "TargetResources:dynamic",
  "Type:string",
  "_BilledSize:real",
  "_IsBillable:string",
);

// ---------------------------------------------------------------------------------------------
// Classic Application Insights (queried on the App Insights resource): other names, other case,
// from the legacy column of convert-classic-resource.md. `success` is a string there
// ("True"/"False"), a bool only in the workspace tables.

const CLASSIC_COMMON = columns(
  "timestamp:datetime",
  "itemType:string",
  "itemId:string",
  "itemCount:int",
  "customDimensions:dynamic",
  "customMeasurements:dynamic",
  "operation_Name:string",
  "operation_Id:string",
  "operation_ParentId:string",
  "operation_SyntheticSource:string",
  "session_Id:string",
  "user_Id:string",
  "user_AuthenticatedId:string",
  "user_AccountId:string",
  "application_Version:string",
  "client_Type:string",
  "client_Model:string",
  "client_OS:string",
  "client_IP:string",
  "client_City:string",
  "client_StateOrProvince:string",
  "client_CountryOrRegion:string",
  "client_Browser:string",
  "cloud_RoleName:string",
  "cloud_RoleInstance:string",
  "appId:string",
  "appName:string",
  "iKey:string",
  "sdkVersion:string",
);

const CLASSIC_DEPENDENCIES = [
  ...CLASSIC_COMMON,
  ...columns(
    "id:string",
    "target:string",
    "type:string",
    "name:string",
    "data:string",
    "success:string",
    "resultCode:string",
    "duration:real",
    "performanceBucket:string",
  ),
];

const CLASSIC_TRACES = [...CLASSIC_COMMON, ...columns("message:string", "severityLevel:int")];

const CLASSIC_REQUESTS = [
  ...CLASSIC_COMMON,
  ...columns(
    "id:string",
    "source:string",
    "name:string",
    "url:string",
    "success:string",
    "resultCode:string",
    "duration:real",
    "performanceBucket:string",
  ),
];

const CLASSIC_EXCEPTIONS = [
  ...CLASSIC_COMMON,
  ...columns(
    "problemId:string",
    "handledAt:string",
    "type:string",
    "message:string",
    "assembly:string",
    "method:string",
    "outerType:string",
    "outerMessage:string",
    "outerAssembly:string",
    "outerMethod:string",
    "innermostType:string",
    "innermostMessage:string",
    "innermostAssembly:string",
    "innermostMethod:string",
    "severityLevel:int",
    "details:dynamic",
  ),
];

// ---------------------------------------------------------------------------------------------

/** Every table the emulated workspace (and classic App Insights resource) can hold, by name. */
export const TABLE_SCHEMAS: Readonly<Record<string, readonly ColumnSpec[]>> = {
  AzureDiagnostics: [
    ...AZURE_DIAGNOSTICS_STANDARD,
    ...AZURE_DIAGNOSTICS_KEYVAULT_OPTIONAL,
    ...AZURE_DIAGNOSTICS_OTHER_OPTIONAL,
  ],
  AZKVAuditLogs: AZKV_AUDIT_LOGS,
  AzureActivity: AZURE_ACTIVITY,
  AppDependencies: APP_DEPENDENCIES,
  AppTraces: APP_TRACES,
  AppRequests: APP_REQUESTS,
  AppExceptions: APP_EXCEPTIONS,
  FunctionAppLogs: FUNCTION_APP_LOGS,
  Operation: OPERATION,
  AuditLogs: AUDIT_LOGS,
  dependencies: CLASSIC_DEPENDENCIES,
  traces: CLASSIC_TRACES,
  requests: CLASSIC_REQUESTS,
  exceptions: CLASSIC_EXCEPTIONS,
};

/** The tables of a classic Application Insights resource (queried on the resource, not the workspace). */
export const CLASSIC_APP_INSIGHTS_TABLES: readonly string[] = ["dependencies", "traces", "requests", "exceptions"];

/** `schemas` with some AzureDiagnostics columns left out: a workspace that never saw events carrying them. */
export function withoutAzureDiagnosticsColumns(
  left: readonly string[],
  schemas: Readonly<Record<string, readonly ColumnSpec[]>> = TABLE_SCHEMAS,
): Record<string, readonly ColumnSpec[]> {
  const drop = new Set(left);
  return { ...schemas, AzureDiagnostics: (schemas.AzureDiagnostics ?? []).filter((c) => !drop.has(c.name)) };
}
