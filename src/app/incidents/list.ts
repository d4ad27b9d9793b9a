import type { Incident } from "../../core/model/index.js";
import { isActive } from "../../core/model/incidents.js";
import { SEVERITY_RANK } from "../../core/model/severity.js";
import type { StateStore } from "../../core/ports/ports.js";

/** The list sorts what it reads; reading more than it returns keeps "newest" true for big tables. */
const LIST_SCAN = 5000;

export interface IncidentList {
  /** At most `limit`, most urgent first. */
  incidents: Incident[];
  /** More matched than `limit`. */
  truncated: boolean;
  /** How many matched, up to the scan's size. */
  matched: number;
  /** Rows that could not be read, as `rule/id`. */
  unreadable: string[];
}

/** The incidents on-call looks at first: active ones (or all), then the most severe, then the newest. */
export async function listIncidents(
  deps: { store: Pick<StateStore, "list"> },
  query: { activeOnly: boolean; limit: number },
): Promise<IncidentList> {
  const read = await deps.store.list({ activeOnly: query.activeOnly, limit: LIST_SCAN });
  const sorted = [...read.incidents].sort(byUrgency);
  return {
    incidents: sorted.slice(0, query.limit),
    truncated: sorted.length > query.limit,
    matched: sorted.length,
    unreadable: read.unreadable,
  };
}

/** Active first, then the most severe, then the newest. */
function byUrgency(a: Incident, b: Incident): number {
  return (
    Number(isActive(b)) - Number(isActive(a)) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    b.openedAt.getTime() - a.openedAt.getTime()
  );
}
