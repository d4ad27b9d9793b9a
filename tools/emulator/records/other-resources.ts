import { SUBSCRIPTION_ID, WORKSPACE_ID } from "./environment.js";
import { azureIpOf, guidOf, intOf } from "./hash.js";
import type { RawRecord } from "./raw-record.js";

/**
 * AzureDiagnostics rows of other services. About forty services write to the shared table, so a
 * workspace's AzureDiagnostics is never only Key Vault's: these rows share column names with
 * Key Vault's (requestUri_s, CallerIPAddress, ResultType) and must be told apart by
 * ResourceProvider and Category. Shapes:
 * - Azure SQL auditing, category SQLSecurityAuditEvents: the audit fields with Log Analytics
 *   suffixes (MicrosoftDocs/azure-docs articles/azure-sql/database/audit-log-format.md; the column
 *   names and types a real workspace exported, foundationallm old.bicep — see schemas.ts);
 * - Application Gateway, category ApplicationGatewayAccessLog, operation ApplicationGatewayAccess
 *   (MicrosoftDocs/azure-docs application-gateway/application-gateway-diagnostics.md, access log);
 * - Service Bus, category OperationalLogs: ActivityId, EventName, EventTimeString,
 *   EventProperties, Status, Caller (MicrosoftDocs/azure-docs service-bus-messaging/service-bus-diagnostic-logs.md).
 */
export type OtherResourceKind = "sql" | "appgw" | "servicebus";

const RG = "RG-PLATFORM";
const rid = (provider: string, path: string) =>
  `/SUBSCRIPTIONS/${SUBSCRIPTION_ID.toUpperCase()}/RESOURCEGROUPS/${RG}/PROVIDERS/${provider}/${path}`;

function common(at: Date, resourceId: string, provider: string, type: string, resource: string) {
  return {
    TenantId: WORKSPACE_ID,
    TimeGenerated: at.toISOString(),
    ResourceId: resourceId,
    _ResourceId: resourceId.toLowerCase(),
    SubscriptionId: SUBSCRIPTION_ID,
    ResourceGroup: RG,
    ResourceProvider: provider,
    ResourceType: type,
    Resource: resource,
    SourceSystem: "Azure",
    Type: "AzureDiagnostics",
  };
}

function sqlAudit(at: Date, seq: number): RawRecord {
  const id = rid("MICROSOFT.SQL", "SERVERS/SQL-ORDERS/DATABASES/ORDERSDB");
  const statements = [
    "SELECT TOP (50) [o].[Id], [o].[Status] FROM [dbo].[Orders] AS [o] WHERE [o].[CustomerId] = @p0",
    "UPDATE [dbo].[Orders] SET [Status] = @p0 WHERE [Id] = @p1",
    "INSERT INTO [dbo].[OrderEvents] ([OrderId], [Kind]) VALUES (@p0, @p1)",
  ];
  const statement = statements[seq % statements.length]!;
  return {
    ...common(at, id, "MICROSOFT.SQL", "SERVERS/DATABASES", "ORDERSDB"),
    Category: "SQLSecurityAuditEvents",
    OperationName: "AuditEvent",
    LogicalServerName_s: "sql-orders",
    server_instance_name_s: "sql-orders",
    database_name_s: "ordersdb",
    schema_name_s: "dbo",
    object_name_s: "Orders",
    action_id_s: "BCM",
    action_name_s: "BATCH COMPLETED",
    succeeded_s: "true",
    class_type_s: "DB",
    class_type_description_s: "DATABASE",
    securable_class_type_s: "DATABASE",
    server_principal_name_s: "orders-api",
    database_principal_name_s: "orders-api",
    server_principal_sid_s: `0x${guidOf("sql-sid", "orders-api").replaceAll("-", "").toUpperCase()}`,
    statement_s: statement,
    application_name_s: "Core Microsoft SqlClient Data Provider",
    client_ip_s: azureIpOf("sql-client", seq % 3),
    host_name_s: `orders-api-${seq % 3}`,
    session_id_d: intOf(51, 120, "sql-session", seq),
    sequence_number_d: 1,
    duration_milliseconds_d: intOf(1, 40, "sql-duration", at.getTime(), seq),
    response_rows_d: statement.startsWith("SELECT") ? intOf(0, 50, "sql-rows", seq) : 0,
    affected_rows_d: statement.startsWith("SELECT") ? 0 : 1,
    event_time_t: at.toISOString(),
    audit_schema_version_d: 1,
    is_server_level_audit_s: "false",
    sequence_group_id_g: guidOf("sql-group", at.getTime(), seq),
    event_id_g: guidOf("sql-event", at.getTime(), seq),
    connection_id_g: guidOf("sql-connection", seq % 3),
    client_tls_version_d: 12,
  };
}

function appGatewayAccess(at: Date, seq: number): RawRecord {
  const id = rid("MICROSOFT.NETWORK", "APPLICATIONGATEWAYS/AGW-FRONTDOOR");
  const paths = ["/api/orders", "/api/orders/42", "/health", "/api/customers"];
  const path = paths[seq % paths.length]!;
  const status = seq % 97 === 13 ? 502 : 200;
  return {
    ...common(at, id, "MICROSOFT.NETWORK", "APPLICATIONGATEWAYS", "AGW-FRONTDOOR"),
    Category: "ApplicationGatewayAccessLog",
    OperationName: "ApplicationGatewayAccess",
    instanceId_s: `appgw_${seq % 2}`,
    clientIP_s: azureIpOf("appgw-client", seq),
    clientPort_d: intOf(1024, 65535, "appgw-port", seq),
    httpMethod_s: path === "/health" ? "GET" : seq % 3 === 0 ? "POST" : "GET",
    requestUri_s: path,
    originalRequestUriWithArgs_s: path,
    userAgent_s:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    httpStatus_d: status,
    httpVersion_s: "HTTP/1.1",
    receivedBytes_d: intOf(300, 1800, "appgw-rx", seq),
    sentBytes_d: intOf(500, 9000, "appgw-tx", seq),
    timeTaken_d: intOf(5, 400, "appgw-time", at.getTime(), seq) / 1000,
    sslEnabled_s: "on",
    sslCipher_s: "ECDHE-RSA-AES256-GCM-SHA384",
    sslProtocol_s: "TLSv1.2",
    host_s: "shop.contoso.example",
    originalHost_s: "shop.contoso.example",
    listenerName_s: "https-listener",
    ruleName_s: "api-rule",
    backendPoolName_s: "orders-api-pool",
    backendSettingName_s: "orders-api-https",
    serverRouted_s: `10.1.2.${4 + (seq % 3)}:443`,
    serverStatus_s: String(status),
    serverResponseLatency_s: (intOf(4, 380, "appgw-backend", at.getTime(), seq) / 1000).toFixed(3),
    transactionId_g: guidOf("appgw-transaction", at.getTime(), seq),
  };
}

function serviceBusOperational(at: Date, seq: number): RawRecord {
  const id = rid("MICROSOFT.SERVICEBUS", "NAMESPACES/SB-ORDERS");
  const events = ["Retrieve Queue", "Create Queue", "Update Queue", "Retrieve Subscription"];
  const event = events[seq % events.length]!;
  return {
    ...common(at, id, "MICROSOFT.SERVICEBUS", "NAMESPACES", "SB-ORDERS"),
    Category: "OperationalLogs",
    ActivityId_g: guidOf("sb-activity", at.getTime(), seq),
    EventName_s: event,
    // The service's own timestamp text, in the format the doc's sample shows ("9/28/2016 8:40:06 PM +00:00").
    EventTimeString_s: serviceBusTime(at),
    EventProperties_s: JSON.stringify({
      SubscriptionId: SUBSCRIPTION_ID,
      Namespace: "sb-orders",
      Via: `https://sb-orders.servicebus.windows.net/orders/?api-version=2017-04`,
      TrackingId: `${guidOf("sb-tracking", at.getTime(), seq)}_G${seq % 8}`,
    }),
    Status_s: "Succeeded",
    Caller_s: "ServiceBus Client",
  };
}

function serviceBusTime(at: Date): string {
  const h = at.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()} ${h % 12 || 12}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} ${h < 12 ? "AM" : "PM"} +00:00`;
}

/** One AzureDiagnostics row of another service: `seq` varies the details (statement, path, event). */
export function otherDiagnostics(at: Date, kind: OtherResourceKind, seq = 0): RawRecord {
  switch (kind) {
    case "sql":
      return sqlAudit(at, seq);
    case "appgw":
      return appGatewayAccess(at, seq);
    case "servicebus":
      return serviceBusOperational(at, seq);
  }
}
