import { readFileSync } from "node:fs";
import { compactSeries } from "./compact.js";
import {
  APP_SIGNAL_TABLES,
  DEP_COUNTS,
  KV_COUNTS,
  ScenarioFileV1,
  type ParsedScenarioFileV1,
  type RowSignal,
  type ScenarioFileV1Input,
} from "./format-v1.js";
import {
  SCENARIO_FORMAT_V2,
  type RecordEntryInput,
  type RecordFields,
  type RecordTemplateInput,
  type ScenarioV2Input,
} from "./format-v2.js";
import { SCENARIO_BIN_MINUTES } from "./format.js";
import { listenerHostMessage } from "./record-kinds.js";
import { renderScenarioV2 } from "./render.js";
import { routineActivityEntry } from "./routine-activity.js";
import { ScenarioError, zodProblems } from "./scenario-error.js";
import { DEP_RESULT, KV_STATUS, listenerCause, traceMessage, type ErrorClass } from "./v1-mapping.js";
import { dimsKey, v1Rows, type BinRows } from "./v1-rows.js";
import { checkWorldParts, problemList } from "./world-checks.js";

/**
 * Scenario format v1 → v2: every count of a v1 signal row becomes that many raw records that the
 * monitor's query counts the same way, at the bin's start, ingested `ingestionDelayMinutes` after
 * the bin ends (v1's rule: a bin becomes visible as a whole once it is over). The mapping is
 * documented in docs/scenarios.md ("Reading v1 files"); the loader reads every v1 file through it.
 *
 *     node dist/tools/scenario/convert-v1.js in.json > out.json
 */

export interface ConvertV1Options {
  /**
   * Minutes a bin's records in a table arrive after the workspace's usual delay (0: on time): for
   * generators that want some late-arriving bins. Not used when reading a v1 file.
   */
  lateMinutes?: (table: string, binStart: number) => number;
  /** Leave out the routine activity-log events that keep AzureActivity present (for generators that add their own). */
  withoutRoutineActivity?: boolean;
}

/** Reads v1 text (or a parsed JSON value) into a v2 scenario; throws ScenarioError naming v1's JSON paths. */
export function convertV1Value(raw: unknown, source = "scenario", o: ConvertV1Options = {}): ScenarioV2Input {
  const parsed = ScenarioFileV1.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(source, zodProblems(parsed.error.issues), { cause: parsed.error });
  const { problems, problem } = problemList();
  checkWorldParts(parsed.data, problem);
  const rows = v1Rows(parsed.data, problem);
  if (problems.length > 0) throw new ScenarioError(source, problems.slice(0, 10));
  return convertV1(raw as ScenarioFileV1Input, parsed.data, rows.bins, rows.seriesOf, o);
}

/** Times as the files write them: ISO 8601, without milliseconds when there are none. */
export const isoOf = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

interface Group {
  template: string;
  fields: RecordFields;
  lateMinutes: number;
  counts: Map<number, number>;
}

/**
 * The conversion proper, from a checked v1 file: `input` as written (settings, snapshots, probes
 * and truth are copied as they are), `f` parsed, and its rows per bin.
 */
export function convertV1(
  input: ScenarioFileV1Input,
  f: ParsedScenarioFileV1,
  bins: ReadonlyMap<number, BinRows>,
  seriesOf: ReadonlyMap<string, string>,
  o: ConvertV1Options = {},
): ScenarioV2Input {
  const delay = SCENARIO_BIN_MINUTES + f.workspace.ingestionDelayMinutes;
  const templates: Record<string, RecordTemplateInput> = {};
  const templateOf = new Map<string, string>();
  const taken = new Set(seriesOf.values());
  const generated: Record<RowSignal, number> = {
    "kv-requests": 0,
    "dependency-calls": 0,
    "credential-traces": 0,
    "host-startup": 0,
  };
  const template = (signal: RowSignal, dims: Record<string, unknown>): string => {
    const key = dimsKey(signal, dims);
    let name = templateOf.get(key);
    if (name) return name;
    name = seriesOf.get(key);
    while (!name || templates[name]) {
      name = `${SHORT[signal]}-${++generated[signal]}`;
      if (taken.has(name)) name = undefined;
    }
    templateOf.set(key, name);
    templates[name] = { ...templateFields(signal, dims), ingestionDelayMinutes: delay };
    return name;
  };

  const groups = new Map<string, Group>();
  const count = (t: number, name: string, table: string, fields: RecordFields, n: number) => {
    if (n <= 0) return;
    const late = Math.max(0, o.lateMinutes?.(table, t) ?? 0);
    const key = `${name}|${JSON.stringify(fields)}|${late}`;
    let g = groups.get(key);
    if (!g) {
      g = { template: name, fields, lateMinutes: late, counts: new Map() };
      groups.set(key, g);
    }
    g.counts.set(t, (g.counts.get(t) ?? 0) + n);
  };

  for (const t of [...bins.keys()].sort((a, b) => a - b)) {
    const bin = bins.get(t)!;
    for (const r of bin["kv-requests"]) {
      const name = template("kv-requests", r.dims);
      const c = r.counts as Record<string, number>;
      let named = 0;
      for (const k of KV_COUNTS) {
        if (k === "total") continue;
        named += c[k] ?? 0;
        count(t, name, r.dims.source, KV_STATUS[k], c[k] ?? 0);
      }
      count(t, name, r.dims.source, KV_STATUS.rest, c.total! - named);
    }
    for (const r of bin["dependency-calls"]) {
      const name = template("dependency-calls", r.dims);
      const c = r.counts as Record<string, number>;
      let named = 0;
      for (const k of DEP_COUNTS) {
        if (k === "total") continue;
        named += c[k] ?? 0;
        count(t, name, APP_SIGNAL_TABLES["dependency-calls"], DEP_RESULT[k], c[k] ?? 0);
      }
      count(t, name, APP_SIGNAL_TABLES["dependency-calls"], DEP_RESULT.rest, c.total! - named);
    }
    for (const r of bin["credential-traces"]) {
      const name = template("credential-traces", r.dims);
      const message = traceMessage(r.dims.errorClass as ErrorClass, r.sample);
      count(t, name, APP_SIGNAL_TABLES["credential-traces"], { message }, r.counts.events);
    }
    for (const r of bin["host-startup"]) {
      const name = template("host-startup", r.dims);
      const host = listenerHostMessage(r.dims.appName, r.dims.functionName);
      const innerException = listenerCause(r.sample, host, r.dims.authRelated);
      count(t, name, APP_SIGNAL_TABLES["host-startup"], { innerException }, r.counts.events);
    }
  }

  // Entries grouped by template, in the order the templates first appear, then by time.
  const order = Object.keys(templates);
  const rank = (e: RecordEntryInput) => order.indexOf(e.template!);
  const records: RecordEntryInput[] = [...groups.values()]
    .flatMap((g) =>
      compactSeries(
        {
          template: g.template,
          ...(g.fields as Omit<RecordEntryInput, "at">),
          ...(g.lateMinutes > 0 ? { ingestionDelayMinutes: delay + g.lateMinutes } : {}),
        },
        g.counts,
        SCENARIO_BIN_MINUTES,
        isoOf,
        // Late bins are few and far apart: one entry each.
        g.lateMinutes > 0 ? 0 : undefined,
      ),
    )
    .sort((a, b) => rank(a) - rank(b) || Date.parse(a.at) - Date.parse(b.at));
  const activity: RecordEntryInput[] = f.activity.map((a) => ({
    kind: "activity",
    at: isoOf(a.at.getTime()),
    operation: a.operation,
    scope: a.scope,
    ...(a.principalId !== "" ? { principalId: a.principalId } : {}),
    ...(a.roleDefinitionId !== "" ? { roleDefinitionId: a.roleDefinitionId } : {}),
    caller: a.caller,
  }));
  // v1 said a listed table has data; routine key reads from a day before the start keep
  // AzureActivity present for the monitor's table check, as a subscription's log is in Azure.
  if (f.workspace.tables.includes("AzureActivity") && !o.withoutRoutineActivity)
    activity.push(
      routineActivityEntry(
        `${f.workspace.resourceId.split("/providers/")[0]}/providers/Microsoft.Storage/storageAccounts/stplatform`,
        isoOf(f.start.getTime() - 24 * 60 * 60_000),
        isoOf(f.end.getTime()),
      ),
    );

  return {
    ...(input.$schema !== undefined ? { $schema: input.$schema } : {}),
    format: SCENARIO_FORMAT_V2,
    name: f.name,
    description: f.description,
    start: isoOf(f.start.getTime()),
    end: isoOf(f.end.getTime()),
    tickMinutes: f.tickMinutes,
    // Activity records are visible `ingestionDelayMinutes` after they happen, as in v1; the
    // traffic's own delay (from the bin's start) is in its templates.
    workspace: {
      resourceId: f.workspace.resourceId,
      ingestion: f.workspace.ingestionDelayMinutes,
      tables: f.workspace.tables,
    },
    settings: input.settings ?? {},
    templates,
    records: [...activity, ...records],
    controlPlane: input.controlPlane ?? [],
    probes: input.probes ?? [],
    ...(input.truth !== undefined ? { truth: input.truth } : {}),
  };
}

const SHORT: Record<RowSignal, string> = {
  "kv-requests": "kv",
  "dependency-calls": "dependency",
  "credential-traces": "trace",
  "host-startup": "listener",
};

/** The fields a signal row's dims give every record made from it. */
function templateFields(signal: RowSignal, dims: Record<string, unknown>): RecordTemplateInput {
  const d = dims as Record<string, string>;
  const nonEmpty = (k: string) => (d[k] ? { [k]: d[k] } : {});
  switch (signal) {
    case "kv-requests":
      return {
        kind: "kv-audit",
        table: d.source!,
        vaultResourceId: d.vaultResourceId!,
        ...nonEmpty("callerObjectId"),
        ...nonEmpty("callerAppId"),
        ...nonEmpty("callerResourceId"),
        operation: d.operation!,
      };
    // targetKind is not a column: the query derives it from Target.
    case "dependency-calls":
      return {
        kind: "app-dependency",
        appRoleName: d.appRoleName!,
        target: d.target!,
        dependencyType: d.dependencyType!,
      };
    case "credential-traces":
      return { kind: "app-trace", appRoleName: d.appRoleName!, severityLevel: 3 };
    case "host-startup":
      return { kind: "listener-failure", appName: d.appName!, functionName: d.functionName! };
  }
}

/** The CLI: converts one v1 file and writes the v2 scenario to stdout. */
export function main(argv: readonly string[] = process.argv.slice(2)): number {
  const [file, ...rest] = argv;
  if (!file || rest.length > 0 || file === "--help") {
    process.stderr.write("usage: node dist/tools/scenario/convert-v1.js <v1-scenario.json> > <v2-scenario.json>\n");
    return 2;
  }
  try {
    const text = readFileSync(file, "utf8");
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ScenarioError(file, [`$: not JSON: ${(error as Error).message}`], { cause: error });
    }
    process.stdout.write(renderScenarioV2(convertV1Value(raw, file)));
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module)
  process.exitCode = main();
