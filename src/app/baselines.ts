import {
  describe,
  judge,
  learnBaseline,
  updateBaseline,
  type Baseline,
  type CountPoint,
  type ExcludedWindow,
} from "../core/baselines/index.js";
import { seriesId } from "../core/evaluate.js";
import type { BaselineOpinion, Incident, RuleId, RequestRuleId } from "../core/model/index.js";
import type { BaselineJudge } from "../core/tick.js";
import type { SignalRow } from "../core/signals/signal-set.js";
import type { BaselineStore, Logger } from "../core/ports/ports.js";

/** One backfill of 14 days instead of waiting days, as Azure's dynamic thresholds do. */
export const BACKFILL_HOURS = 14 * 24;
/** After the backfill, the last few hours once an hour: a re-read bin replaces what was learned. */
export const REFRESH_HOURS = 3;
const HOUR = 3_600_000;
/** Logs of the last minutes may still be arriving: learn only hours that ended this long ago. */
const SETTLE_MS = 15 * 60_000;
/** Baseline writes in flight at once: well within a storage account's per-partition rate. */
const SAVE_CONCURRENCY = 8;

/** Keeps the learned baselines: reads them once, learns from history, judges windows. */
export interface BaselineKeeper {
  /** Hours of history this tick should read: a backfill until one succeeded, then a refresh hourly. */
  historyHours(now: Date): Promise<number>;
  /** Learns from the history rows read this tick (undefined: none read, or not trusted). */
  absorb(
    now: Date,
    rows: readonly SignalRow<"kv-history">[] | undefined,
    incidents: readonly Incident[],
    log: Logger,
  ): Promise<void>;
  /** The tick's judge: baselines as they stand after `absorb`. */
  judge: BaselineJudge;
}

/** The key of a series' baseline under a rule. */
export const baselineKey = (rule: RuleId, series: string) => `${rule}|${series}`;

export function createBaselineKeeper(store: BaselineStore): BaselineKeeper {
  let state: Promise<{ baselines: Map<string, Baseline>; historyReadAt: Date | undefined }> | undefined;
  const loaded = () =>
    (state ??= store.load().catch((e: unknown) => {
      state = undefined;
      return Promise.reject(e);
    }));
  let current = new Map<string, Baseline>();

  return {
    async historyHours(now) {
      const s = await loaded();
      current = s.baselines;
      if (!s.historyReadAt) return BACKFILL_HOURS;
      return now.getTime() - s.historyReadAt.getTime() >= HOUR ? REFRESH_HOURS : 0;
    },

    async absorb(now, rows, incidents, log) {
      if (!rows) return;
      const s = await loaded();
      const points = new Map<string, CountPoint[]>();
      for (const r of rows) {
        if (r.binStart.getTime() + HOUR > now.getTime() - SETTLE_MS) continue;
        const series = seriesId(r.dims);
        const add = (rule: RequestRuleId, failures: number) => {
          const key = baselineKey(rule, series);
          const list = points.get(key) ?? [];
          list.push({ at: r.binStart, failures, total: r.counts.total });
          points.set(key, list);
        };
        add("kv-auth-denied", r.counts.denied);
        add("kv-throttled", r.counts.throttled);
      }
      const exclusions = incidentWindows(incidents, now);
      const learned: [string, Baseline][] = [];
      for (const [key, list] of points) {
        const previous = s.baselines.get(key);
        const exclude = exclusions.get(key) ?? [];
        try {
          const next = previous ? updateBaseline(previous, list, exclude, now) : learnBaseline(key, list, exclude, now);
          s.baselines.set(key, next);
          learned.push([key, next]);
        } catch (error) {
          // A series the learner refuses keeps its previous baseline; the others go on.
          log.error(`baseline ${key} not updated: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      // The backfill tick writes every series: a few at a time rather than one after another.
      for (let i = 0; i < learned.length; i += SAVE_CONCURRENCY) {
        await Promise.all(learned.slice(i, i + SAVE_CONCURRENCY).map(([key, b]) => store.save(key, b)));
      }
      const saved = learned.length;
      s.historyReadAt = now;
      await store.saveHistoryReadAt(now);
      current = s.baselines;
      log.info(`baselines: learned from ${rows.length} hourly row(s); ${saved} baseline(s) updated`);
    },

    judge(series, rule, observed) {
      return opinion(judge(current.get(baselineKey(rule, series)), observed));
    },
  };
}

/** Incident periods per baseline key: never learned from (an open one runs an hour past now). */
function incidentWindows(incidents: readonly Incident[], now: Date): Map<string, ExcludedWindow[]> {
  const out = new Map<string, ExcludedWindow[]>();
  for (const i of incidents) {
    const key = baselineKey(i.rule, seriesId(i.key));
    const to = i.resolvedAt ?? new Date(now.getTime() + HOUR);
    const list = out.get(key) ?? [];
    list.push({ from: new Date(i.openedAt.getTime() - HOUR), to });
    out.set(key, list);
  }
  return out;
}

function opinion(v: ReturnType<typeof judge>): BaselineOpinion {
  switch (v.kind) {
    case "anomalous":
      return {
        kind: "anomalous",
        expectedRatio: v.expectedRatio,
        observedRatio: v.observedRatio,
        pValue: v.pValue,
        text: describe(v, "denials"),
      };
    case "normal":
      return { kind: "normal", text: describe(v, "denials") };
    case "cold":
    case "no-traffic":
      return { kind: "cold", reason: v.reason };
  }
}
