import { RecordError, type LogStore } from "../emulator/store.js";
import {
  KIND_FIELDS,
  KV_AUDIT_TABLES,
  type ParsedScenarioFileV2,
  type RecordEntrySpec,
  type RecordField,
  type RecordFields,
  type RecordKind,
} from "./format-v2.js";
import { buildRecords } from "./record-kinds.js";
import type { ActivitySpec } from "./world-parts.js";
import { MAX_SPAN_DAYS, type Problem } from "./world-checks.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** ARM writes and deletes change configuration; actions (a restart, reading keys) do not. */
const CHANGE = /\/(write|delete)$/i;
/** When an entry's records happen, and how many at each time. */
type Timing = { times: number[]; counts: number[] };

/**
 * Puts every record of a v2 scenario into the store: templates merged into their entries, each
 * entry checked against its kind's fields, expanded over its repetitions and built into records,
 * each added with its multiplicity and its ingestion time (its own, or the workspace's delays).
 * Returns the successful control-plane changes among them (the world's `activity`): writes and
 * deletes that succeeded, not actions.
 */
export function fillStore(f: ParsedScenarioFileV2, store: LogStore, problem: Problem): ActivitySpec[] {
  f.workspace.tables.forEach((table, i) => {
    try {
      store.declare(table);
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      problem(["workspace", "tables", i], error.message);
    }
  });
  const activity: ActivitySpec[] = [];
  f.records.forEach((entry, i) => {
    const path = ["records", i];
    const merged = mergeTemplate(f, entry, path, problem);
    if (!merged) return;
    const timing = timingOf(entry, path, problem);
    if (!timing) return;
    const { kind, fields, delayMinutes } = merged;
    const ingestedAt = entry.ingestedAt;
    for (let k = 0; k < timing.times.length; k++) {
      const n = timing.counts[k]!;
      if (n === 0) continue;
      const at = new Date(timing.times[k]!);
      try {
        for (const { table, record } of buildRecords(kind, fields, at, k)) {
          const time = Date.parse(String(record.TimeGenerated));
          const when =
            ingestedAt ??
            (delayMinutes !== undefined
              ? new Date((Number.isNaN(time) ? at.getTime() : time) + delayMinutes * MINUTE)
              : undefined);
          store.add(table, record, { count: n, ...(when ? { ingestedAt: when } : {}) });
        }
      } catch (error) {
        // A record the store refuses (RecordError names table and column) or a builder cannot make.
        if (!(error instanceof Error)) throw error;
        // Once per entry: an entry repeated 2,000 times has one problem, not 2,000.
        problem(path, `the record${timing.times.length > 1 ? ` at ${at.toISOString()}` : ""}: ${error.message}`);
        return;
      }
      if (kind === "activity" && fields.outcome !== "Failed" && CHANGE.test(fields.operation!))
        activity.push({
          at,
          operation: fields.operation!,
          scope: fields.scope!,
          principalId: fields.principalId ?? "",
          roleDefinitionId: fields.roleDefinitionId ?? "",
          caller: fields.caller!,
        });
    }
  });
  return activity.sort((a, b) => a.at.getTime() - b.at.getTime());
}

const TIMING_KEYS = new Set([
  "template",
  "at",
  "count",
  "every",
  "until",
  "counts",
  "ingestedAt",
  "ingestionDelayMinutes",
]);

/** The entry's fields over its template's, checked against its kind. */
function mergeTemplate(
  f: ParsedScenarioFileV2,
  entry: RecordEntrySpec,
  path: PropertyKey[],
  problem: Problem,
): { kind: RecordKind; fields: RecordFields; delayMinutes: number | undefined } | undefined {
  const own = Object.fromEntries(
    Object.entries(entry).filter(([k, v]) => v !== undefined && !TIMING_KEYS.has(k)),
  ) as RecordFields;
  let base: RecordFields = {};
  let templateDelay: number | undefined;
  const tName = entry.template;
  if (tName !== undefined) {
    const t = f.templates[tName];
    if (!t) {
      const known = Object.keys(f.templates);
      problem(
        [...path, "template"],
        `no template named ${JSON.stringify(tName)}${known.length ? `; known: ${known.slice(0, 20).join(", ")}` : ""}`,
      );
      return undefined;
    }
    const { ingestionDelayMinutes, ...rest } = t;
    templateDelay = ingestionDelayMinutes;
    base = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as RecordFields;
  }
  const fields: RecordFields = { ...base, ...own };
  if (base.columns || own.columns) fields.columns = { ...base.columns, ...own.columns };
  const where = (field: string): PropertyKey[] =>
    field in own || tName === undefined ? [...path, field] : ["templates", tName, field];
  const inTemplate = tName === undefined ? "" : ` (here or in template ${JSON.stringify(tName)})`;

  const kind = fields.kind;
  if (kind === undefined) {
    problem(path, `expected a kind${inTemplate}: one of ${Object.keys(KIND_FIELDS).join(", ")}`);
    return undefined;
  }
  const spec = KIND_FIELDS[kind];
  let ok = true;
  for (const field of spec.required)
    if (fields[field] === undefined) {
      problem([...path, field], `missing; ${kind} records need ${field}${inTemplate}`);
      ok = false;
    }
  const allowed = new Set<string>(["kind", ...spec.required, ...spec.optional]);
  for (const field of Object.keys(fields) as RecordField[])
    if (!allowed.has(field)) {
      problem(where(field), `${field} is not a field of ${kind} records`);
      ok = false;
    }
  if ((kind === "kv-audit" || kind === "kv-challenge") && fields.table !== undefined)
    if (!(KV_AUDIT_TABLES as readonly string[]).includes(fields.table)) {
      problem(where("table"), `expected ${KV_AUDIT_TABLES.join(" or ")}: Key Vault logs to one of them`);
      ok = false;
    }
  if (kind === "kv-audit" && fields.denial !== undefined && fields.status !== 403) {
    problem(where("denial"), `a denial is a 403; this record's status is ${fields.status}`);
    ok = false;
  }
  if (kind === "raw" && fields.columns && "TimeGenerated" in fields.columns) {
    problem([...where("columns"), "TimeGenerated"], "the record's time is `at`; remove TimeGenerated");
    ok = false;
  }
  if (!ok) return undefined;
  return { kind, fields, delayMinutes: entry.ingestionDelayMinutes ?? templateDelay };
}

/** The times an entry repeats at, and its multiplicity at each. */
function timingOf(e: RecordEntrySpec, path: PropertyKey[], problem: Problem): Timing | undefined {
  const at = e.at.getTime();
  const fail = (field: string, message: string) => {
    problem([...path, field], message);
    return undefined;
  };
  if (e.count !== undefined && e.counts !== undefined) return fail("counts", "give count or counts, not both");
  if (e.ingestedAt !== undefined && e.ingestionDelayMinutes !== undefined)
    return fail("ingestedAt", "give ingestedAt or ingestionDelayMinutes, not both");
  if (e.every === undefined) {
    if (e.until !== undefined) return fail("until", "until needs every (the minutes between repetitions)");
    if (e.counts !== undefined) return fail("counts", "counts needs every (the minutes between its elements)");
    if (e.ingestedAt !== undefined && e.ingestedAt.getTime() < at)
      return fail("ingestedAt", "expected a time at or after at: a record is ingested after it happens");
    return { times: [at], counts: [e.count ?? 1] };
  }
  const step = e.every * MINUTE;
  if (e.ingestedAt !== undefined)
    return fail("ingestedAt", "one ingestion time for a repeating entry: give ingestionDelayMinutes instead");
  if (e.counts !== undefined) {
    if (e.until !== undefined) return fail("until", "counts sets how often the entry repeats; remove until");
    if (e.counts.length * step > MAX_SPAN_DAYS * DAY)
      return fail("counts", `expected at most ${MAX_SPAN_DAYS} days of repetitions`);
    return { times: e.counts.map((_, k) => at + k * step), counts: e.counts };
  }
  if (e.until === undefined) return fail("every", "every needs until (or counts)");
  const until = e.until.getTime();
  if (until <= at) return fail("until", "expected a time after at");
  if (until - at > MAX_SPAN_DAYS * DAY) return fail("until", `expected at most ${MAX_SPAN_DAYS} days after at`);
  const times: number[] = [];
  for (let t = at; t < until; t += step) times.push(t);
  return { times, counts: times.map(() => e.count ?? 1) };
}
