import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { evidenceLink, incidentEvidenceLink } from "../../src/core/portal-link.js";
import { snapshotOf } from "../../src/core/model/incidents.js";
import { anIncident, at, someCounts } from "../fixtures/incidents.js";

const WORKSPACE =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-ops";
const KQL =
  'AzureDiagnostics\n| where ResourceProvider == "MICROSOFT.KEYVAULT" and httpStatusCode_d in (401, 403)\n| where identity_claim_oid_g == "aaaaaaaa-0000-0000-0000-000000000001" // +/= and ünïcode\n| summarize count() by bin(TimeGenerated, 5m)';

const PREFIX =
  "https://portal.azure.com/#blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView/resourceId/";

/** Reads a link back the way the portal does: path segments, each URL-decoded, the query once more. */
function parse(link: string): { resourceId: string; query: string; timespan: string } {
  expect(link.startsWith(PREFIX)).toBe(true);
  const parts = link.slice(PREFIX.length).split("/");
  expect(parts).toHaveLength(7);
  const [resourceId, source, sourceName, q, query, t, timespan] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  expect([source, sourceName, q, t]).toEqual(["source", "LogsBlade.AnalyticsShareLinkToQuery", "q", "timespan"]);
  const base64 = decodeURIComponent(decodeURIComponent(query));
  return {
    resourceId: decodeURIComponent(resourceId),
    query: gunzipSync(Buffer.from(base64, "base64")).toString("utf8"),
    timespan: decodeURIComponent(timespan),
  };
}

describe("the evidence link", () => {
  it("opens the exact query in the workspace's Logs blade", () => {
    const link = evidenceLink(WORKSPACE, KQL, "PT1H");
    expect(link).toBeDefined();
    const back = parse(link!);
    expect(back.query).toBe(KQL);
    expect(back.resourceId).toBe(WORKSPACE);
    expect(back.timespan).toBe("PT1H");
  });

  it("encodes the workspace ID as one path segment", () => {
    const link = evidenceLink(WORKSPACE, "AzureDiagnostics | take 10", "P1D")!;
    expect(link).toContain(
      `/resourceId/%2Fsubscriptions%2F11111111-2222-3333-4444-555555555555%2FresourceGroups%2Frg-monitor%2Fproviders%2FMicrosoft.OperationalInsights%2Fworkspaces%2Flaw-ops/source/`,
    );
    // Nothing in the query part can break the path apart.
    expect(link.split("/q/")[1]!.split("/timespan/")[0]).toMatch(/^[A-Za-z0-9%]+$/);
  });

  it("sets a start and end interval when given one", () => {
    const start = new Date("2026-11-20T01:00:00Z");
    const end = new Date("2026-11-20T02:15:00Z");
    const link = evidenceLink(WORKSPACE, KQL, { start, end })!;
    expect(parse(link).timespan).toBe("2026-11-20T01:00:00.000Z/2026-11-20T02:15:00.000Z");
    expect(link.endsWith("/timespan/2026-11-20T01%3A00%3A00.000Z%2F2026-11-20T02%3A15%3A00.000Z")).toBe(true);
  });

  it("accepts the workspace ID in any letter case, as ARM returns it both ways", () => {
    expect(evidenceLink(WORKSPACE.toLowerCase(), KQL, "PT1H")).toBeDefined();
    expect(parse(evidenceLink(WORKSPACE.toUpperCase(), KQL, "PT1H")!).resourceId).toBe(WORKSPACE.toUpperCase());
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["a workspace GUID, not an ARM ID", "5f2a8f0e-1111-2222-3333-444444444444"],
    ["a Key Vault", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-app"],
    [
      "an Application Insights component",
      "/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/appi",
    ],
    ["a workspace ID with extra segments", `${WORKSPACE}/tables/AzureDiagnostics`],
  ])("is undefined when the workspace ID is %s", (_, id) => {
    expect(evidenceLink(id, KQL, "PT1H")).toBeUndefined();
  });
});

describe("the evidence link of an incident", () => {
  const notice = (o: Parameters<typeof anIncident>[0], decidedAt: Date) => ({
    decidedAt,
    snapshot: snapshotOf(anIncident(o)),
  });

  it("opens the Key Vault audit query of a 401-heavy incident over the incident's own window", () => {
    const link = incidentEvidenceLink(
      WORKSPACE,
      notice({ counts: someCounts({ unauthorized: 80, forbidden: 10 }) }, at(20)),
      15,
    )!;
    const back = parse(link);
    expect(back.query).toMatch(/^AzureDiagnostics\n/);
    expect(back.query).not.toContain("AppTraces");
    expect(back.query).toContain(
      "| where TimeGenerated between (datetime(2026-11-20T00:00:00.000Z) .. datetime(2026-11-20T01:35:00.000Z))",
    );
    expect(back.timespan).toBe("2026-11-20T00:00:00.000Z/2026-11-20T01:35:00.000Z");
  });

  it("still shows the incident from a resolve notice sent hours later, not an empty last hour", () => {
    const back = parse(
      incidentEvidenceLink(WORKSPACE, notice({ state: "resolved", resolvedAt: at(40) }, at(8 * 60)), 15)!,
    );
    expect(back.query).not.toContain("ago(");
    expect(back.timespan).toBe("2026-11-20T00:00:00.000Z/2026-11-20T01:55:00.000Z");
  });

  it("is undefined for a control-plane finding or an unusable workspace ID", () => {
    expect(
      incidentEvidenceLink(
        WORKSPACE,
        notice(
          {
            rule: "control-plane",
            triggers: [{ kind: "control-plane", finding: "role-missing", summary: "s", evidence: [] }],
          },
          at(20),
        ),
        15,
      ),
    ).toBeUndefined();
    expect(incidentEvidenceLink("5f2a8f0e-1111-2222-3333-444444444444", notice({}, at(20)), 15)).toBeUndefined();
  });
});
