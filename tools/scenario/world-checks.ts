import { jsonPathOf } from "./json-path.js";
import type { ControlPlaneSnapshotSpec, SettingsSpec, TruthIncidentSpec } from "./world-parts.js";

/** Reports one problem at a JSON path of the file being read. */
export type Problem = (path: readonly PropertyKey[], message: string) => void;

/** A replay longer than this is a mistake (and would hold a lot of records in memory). */
export const MAX_SPAN_DAYS = 60;
const DAY_MS = 86_400_000;

/** Collects problems as `<JSONPath>: <message>` lines. */
export function problemList(): { problems: string[]; problem: Problem } {
  const problems: string[] = [];
  return { problems, problem: (path, message) => problems.push(`${jsonPathOf(path)}: ${message}`) };
}

/** The rules every format version shares: the clock, Resource Manager's snapshots, the truth. */
export function checkWorldParts(
  f: {
    start: Date;
    end: Date;
    settings: SettingsSpec;
    controlPlane: readonly ControlPlaneSnapshotSpec[];
    truth?: { incidents: readonly TruthIncidentSpec[] } | undefined;
  },
  problem: Problem,
): void {
  if (f.end.getTime() <= f.start.getTime()) problem(["end"], "expected a time after start");
  if (f.end.getTime() - f.start.getTime() > MAX_SPAN_DAYS * DAY_MS)
    problem(["end"], `expected at most ${MAX_SPAN_DAYS} days after start`);
  f.controlPlane.forEach((s, i) => {
    if (s.vaults.length === 0 && s.roleAssignments.length === 0)
      problem(["controlPlane", i], "expected vaults or roleAssignments: an empty snapshot hides every vault");
  });
  const hasCp = f.settings.CONTROL_PLANE_CONFIG !== undefined;
  const firstCp = Math.min(...f.controlPlane.map((s) => s.at.getTime()));
  if (hasCp && !(firstCp <= f.start.getTime()))
    problem(
      ["controlPlane"],
      "CONTROL_PLANE_CONFIG is set: expected a snapshot at or before start, so Resource Manager has something to show",
    );
  f.truth?.incidents.forEach((t, i) => {
    if (t.recovered.getTime() <= t.onset.getTime())
      problem(["truth", "incidents", i, "recovered"], "expected a time after onset");
    if (t.cause && t.cause.getTime() > t.onset.getTime())
      problem(["truth", "incidents", i, "cause"], "expected a time at or before onset");
  });
}

/** App settings as strings, the way the Functions host hands them over. */
export function settingsOf(s: SettingsSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}
