import { capped } from "../../src/core/common/zod-issues.js";
import { AZURE_DELAYS, fixedDelays } from "../emulator/ingestion.js";
import { LogStore } from "../emulator/store.js";
import { convertV1Value } from "./convert-v1.js";
import { SCENARIO_FORMAT_V1 } from "./format-v1.js";
import { SCENARIO_FORMAT_V2, ScenarioFileV2, type AnswerDrift, type ParsedScenarioFileV2 } from "./format-v2.js";
import { checkAnswerDrifts } from "./answer-drifts.js";
import type { ScenarioFormat } from "./format.js";
import { fillStore } from "./fill-store.js";
import { jsonPathOf } from "./json-path.js";
import { ScenarioError, zodProblems } from "./scenario-error.js";
import { checkWorldParts, problemList, settingsOf } from "./world-checks.js";
import type { ActivitySpec, ControlPlaneSnapshotSpec, ProbeSpec, TruthIncidentSpec } from "./world-parts.js";

export { ScenarioError } from "./scenario-error.js";

/** Everything the replay shows the monitor. Ground truth is kept apart, in `LoadedScenario.truth`. */
export interface ScenarioWorld {
  name: string;
  description: string;
  start: Date;
  end: Date;
  tickMinutes: number;
  workspace: {
    resourceId: string;
    /** Tables that exist: declared ones and every table with records. */
    tables: string[];
    /** When records without their own ingestion time become queryable: Azure's distributions, or fixed minutes. */
    ingestion: "azure" | number;
    /** Stretches in which the answers to the signals query come back drifted (none when absent). */
    answerDrifts?: AnswerDrift[];
  };
  /** App settings as strings, the way the Functions host hands them over. */
  settings: Record<string, string>;
  /** Every record of the workspace, with its ingestion time; `logs.view(now)` is what a query at `now` sees. */
  logs: LogStore;
  /** The control-plane changes among the records (AzureActivity writes and deletes that succeeded), in time order. */
  activity: ActivitySpec[];
  controlPlane: ControlPlaneSnapshotSpec[];
  probes: ProbeSpec[];
  /** The format the file was written in; a v1 file was converted (convert-v1.ts). */
  format: ScenarioFormat;
}

export interface LoadedScenario {
  world: ScenarioWorld;
  truth: { incidents: TruthIncidentSpec[] } | undefined;
}

/** `$.records[3].status`: JSONPath, brackets for names that need them. */
export const jsonPath = jsonPathOf;

/**
 * Parses and checks scenario text, v2 or v1 (converted to v2 first, by the documented mapping);
 * throws ScenarioError naming every problem's JSON path.
 */
export function parseScenario(text: string, source = "scenario"): LoadedScenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(source, [`$: not JSON: ${(error as Error).message}`], { cause: error });
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format === SCENARIO_FORMAT_V1) {
    const converted = convertV1Value(raw, source);
    return loadV2(converted, source, SCENARIO_FORMAT_V1);
  }
  if (format !== SCENARIO_FORMAT_V2 && typeof raw === "object" && raw !== null && !Array.isArray(raw))
    throw new ScenarioError(source, [
      `$.format: expected "${SCENARIO_FORMAT_V1}" or "${SCENARIO_FORMAT_V2}" (v2 is current; a v1 file is converted as it is read)`,
    ]);
  return loadV2(raw, source, SCENARIO_FORMAT_V2);
}

function loadV2(raw: unknown, source: string, format: ScenarioFormat): LoadedScenario {
  const parsed = ScenarioFileV2.safeParse(raw);
  // A converted v1 file's problems are the converter's: name them so, with the v2 paths.
  const prefix = format === SCENARIO_FORMAT_V1 ? "after conversion from v1: " : "";
  if (!parsed.success)
    throw new ScenarioError(
      source,
      zodProblems(parsed.error.issues).map((p) => prefix + p),
      { cause: parsed.error },
    );
  const { problems, problem } = problemList();
  checkWorldParts(parsed.data, problem);
  const world = toWorld(parsed.data, format, (path, message) => problem(path, message));
  if (problems.length > 0) throw new ScenarioError(source, capped(problems.map((p) => prefix + p)));
  return { world, truth: parsed.data.truth ? { incidents: parsed.data.truth.incidents } : undefined };
}

function toWorld(
  f: ParsedScenarioFileV2,
  format: ScenarioFormat,
  problem: (path: readonly PropertyKey[], message: string) => void,
): ScenarioWorld {
  const ingestion = f.workspace.ingestion;
  const logs = new LogStore({
    delays: ingestion === "azure" ? AZURE_DELAYS : fixedDelays(ingestion),
    stops: f.workspace.stops.map((s) => ({
      from: s.from.getTime(),
      ...(s.until ? { until: s.until.getTime() } : {}),
      ...(s.tables ? { tables: s.tables } : {}),
    })),
  });
  f.workspace.stops.forEach((s, i) => {
    if (s.until && s.until.getTime() <= s.from.getTime())
      problem(["workspace", "stops", i, "until"], "expected a time after from: ingestion resumes after it stops");
    s.tables?.forEach((table, k) => {
      if (!logs.schemaOf(table))
        problem(
          ["workspace", "stops", i, "tables", k],
          `no such table in the emulated workspace: ${table} (tools/emulator/schemas.ts lists them)`,
        );
    });
  });
  checkAnswerDrifts(f.workspace.answerDrifts, problem);
  const activity = fillStore(f, logs, problem);
  return {
    name: f.name,
    description: f.description,
    start: f.start,
    end: f.end,
    tickMinutes: f.tickMinutes,
    workspace: {
      resourceId: f.workspace.resourceId,
      tables: logs.tables(),
      ingestion,
      answerDrifts: f.workspace.answerDrifts,
    },
    settings: settingsOf(f.settings),
    logs,
    activity,
    controlPlane: [...f.controlPlane].sort((a, b) => a.at.getTime() - b.at.getTime()),
    probes: [...f.probes].sort((a, b) => a.at.getTime() - b.at.getTime()),
    format,
  };
}
