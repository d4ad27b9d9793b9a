import { BIN_MINUTES } from "../../src/core/signals/bin.js";
import { SCENARIO_FORMAT_V1, type ScenarioFileV1Input } from "./format-v1.js";
import { SCENARIO_FORMAT_V2 } from "./format-v2.js";

/**
 * The scenario formats, in one place: v2 (raw log records, format-v2.ts) is what scenarios are
 * written in; v1 (signal rows per bin, format-v1.ts) is still read and converted (convert-v1.ts).
 * docs/scenarios.md describes both; docs/scenario.schema.json is v2's JSON Schema.
 */

/** The version new scenarios are written in. */
export const SCENARIO_FORMAT = SCENARIO_FORMAT_V2;
export const SCENARIO_FORMATS = [SCENARIO_FORMAT_V1, SCENARIO_FORMAT_V2] as const;
export type ScenarioFormat = (typeof SCENARIO_FORMATS)[number];

/** The monitor's Kusto bin (core/signals/bin.ts): v1 timeline entries start on its boundaries. */
export const SCENARIO_BIN_MINUTES = BIN_MINUTES;

/**
 * A v1 file as written.
 * @deprecated kept for code that writes v1 scenarios; use ScenarioFileV1Input, or ScenarioV2Input for v2.
 */
export type ScenarioFileInput = ScenarioFileV1Input;

export {
  APP_SIGNAL_TABLES,
  DEP_COUNTS,
  KV_COUNTS,
  ROW_SIGNALS,
  SCENARIO_FORMAT_V1,
  ScenarioFileV1,
  type ParsedScenarioFileV1,
  type RowSignal,
  type ScenarioFileV1Input,
  type SeriesSpec,
  type TimelineEntrySpec,
} from "./format-v1.js";
export {
  KIND_FIELDS,
  RECORD_FIELDS,
  RECORD_KINDS,
  SCENARIO_FORMAT_V2,
  ScenarioFileV2,
  type ParsedScenarioFileV2,
  type RecordEntryInput,
  type RecordEntrySpec,
  type RecordFields,
  type RecordKind,
  type RecordTemplateInput,
  type ScenarioV2Input,
} from "./format-v2.js";
export {
  HYPOTHESES,
  PROBE_OUTCOMES,
  SEVERITIES,
  TRUTH_SUBJECTS,
  type ActivitySpec,
  type ControlPlaneSnapshotSpec,
  type ProbeOutcomeName,
  type ProbeSpec,
  type TruthIncidentSpec,
} from "./world-parts.js";
