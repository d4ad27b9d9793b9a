import type { CorpusStory } from "./config.js";
import { rbacRemoval } from "./rbac-removal.js";
import type { SeriesInput } from "./timeline.js";

/** Where the twin series of a caller logs: the resource-specific table. */
const TWIN = (series: string) => `${series}-azkv`;

/**
 * rbac-removal's story on a vault with two diagnostic settings: kv-orders-prod sends AuditEvent to
 * AzureDiagnostics and, through a second setting added during a migration, to AZKVAuditLogs, so
 * every request is logged in both tables (learn.microsoft.com/azure/azure-monitor/essentials/
 * diagnostic-settings allows several settings per resource, each with its own destination mode).
 * The monitor reads both (KEYVAULT_AUDIT_TABLE=auto). Nothing else differs, so the truth is
 * rbac-removal's: the same incident, onset, recovery, hypothesis and severity, from the same
 * number of requests — a monitor that counted the vault twice would see the same denial ratio but
 * twice the volume in its SLO sums and baselines.
 */
export function dualTableVault(): CorpusStory {
  const story = rbacRemoval();
  const v1 = story.v1;
  const series: Record<string, SeriesInput> = { ...v1.series };
  for (const [name, s] of Object.entries(v1.series ?? {})) {
    if (s.signal !== "kv-requests") continue;
    series[TWIN(name)] = { ...s, dims: { ...s.dims, source: "AZKVAuditLogs" } } as SeriesInput;
  }
  const timeline = (v1.timeline ?? []).map((entry) => {
    const rows = entry["kv-requests"];
    if (!rows) return entry;
    const twins = rows.flatMap((r) => (r.series ? [{ ...r, series: TWIN(r.series) }] : []));
    return { ...entry, "kv-requests": [...rows, ...twins] };
  });
  return {
    ...story,
    v1: {
      ...v1,
      name: "dual-table-vault",
      description:
        "rbac-removal on a vault that logs every request to both AzureDiagnostics and AZKVAuditLogs (two diagnostic settings): " +
        "Key Vault Secrets User for id-func-orders on kv-orders-prod is deleted at 01:00 UTC, the first 403 comes at 01:03, " +
        "the assignment is restored at 01:14 and the 403s fade out until 01:25. Counted once, it is the same incident.",
      workspace: { ...v1.workspace, tables: [...(v1.workspace?.tables ?? []), "AZKVAuditLogs"] },
      settings: { ...v1.settings, KEYVAULT_AUDIT_TABLE: "auto" },
      series,
      timeline,
    },
  };
}
