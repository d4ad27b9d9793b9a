import { baselineKey } from "../../src/core/baselines/index.js";
import { judge, type Baseline } from "../../src/core/baselines/index.js";
import { seriesId } from "../../src/core/evaluate.js";
import type { Severity } from "../../src/core/model/index.js";
import { SCENARIO_BIN_MINUTES, type TruthIncidentSpec } from "../scenario/format.js";
import type { ScenarioWorld } from "../scenario/load.js";
import type { DetectorRun, Episode } from "./score.js";
import { deniedOf } from "../../src/core/signals/request-counts.js";
import { kvRowsByBin } from "./kv-rows.js";

/**
 * One SVG timeline per scenario, hand-written (no charting library): Key Vault requests and
 * denials per bin, what the learned baseline expected, the truth's incident windows shaded, and a
 * lane per detector with one bar per alert from firing to resolution. Pure: data in, text out.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BIN = SCENARIO_BIN_MINUTES * MINUTE;

export interface TimelineBin {
  /** Bin start, epoch ms. */
  at: number;
  requests: number;
  /** 401 + 403 over every caller and vault. */
  denials: number;
  /** Denials the learned baselines expected from these requests; undefined where they cannot say. */
  expected: number | undefined;
}

export interface TimelineBar {
  id: string;
  from: Date;
  /** Undefined: still firing at the end of the scenario. */
  to: Date | undefined;
  label: string;
  severity: Severity;
}

export interface TimelineLane {
  title: string;
  bars: TimelineBar[];
}

export interface Timeline {
  title: string;
  subtitle: string;
  start: Date;
  end: Date;
  bins: TimelineBin[];
  /** What the expected-denials line is, or why there is none. */
  expectedNote: string;
  /** A horizontal reference in the denials panel. */
  reference: { value: number; label: string } | undefined;
  truths: { name: string; from: Date; to: Date; label: string }[];
  lanes: TimelineLane[];
}

/**
 * Requests, denials and expected denials per 5-minute bin from start to end. Expected denials in a
 * bin: for each caller×vault series with requests in it, the kv-auth-denied baseline the monitor
 * had learned by its last tick is asked (core/baselines `judge`) for the expected denial ratio of
 * the bin's season slot (the slot it would test against), times the series' requests in the bin;
 * summed over the series whose baseline is warm. Cold series (under 3 days or 30 hourly bins of
 * history, or never learned) are left out of the sum, and the share of requests they made is
 * reported, so the line is labelled for what it covers; a bin without a warm series has no value.
 */
export function timelineBins(
  world: Pick<ScenarioWorld, "start" | "end" | "logs">,
  baselines: ReadonlyMap<string, Baseline>,
): { bins: TimelineBin[]; warmSeries: number; series: number; warmRequestShare: number } {
  const out: TimelineBin[] = [];
  const all = new Set<string>();
  const warm = new Set<string>();
  let allRequests = 0;
  let warmRequests = 0;
  const kvRows = kvRowsByBin(world.logs);
  for (let t = Math.floor(world.start.getTime() / BIN) * BIN; t < world.end.getTime(); t += BIN) {
    let requests = 0;
    let denials = 0;
    let expected: number | undefined;
    for (const row of kvRows.get(t) ?? []) {
      const c = row.counts;
      requests += c.total;
      denials += deniedOf(c);
      if (c.total === 0) continue;
      const series = seriesId(row.dims);
      all.add(series);
      allRequests += c.total;
      const v = judge(baselines.get(baselineKey("kv-auth-denied", series)), {
        failures: 0,
        total: c.total,
        at: new Date(t),
      });
      if (v.kind !== "normal" && v.kind !== "anomalous") continue;
      warm.add(series);
      warmRequests += c.total;
      expected = (expected ?? 0) + v.expectedRatio * c.total;
    }
    out.push({ at: t, requests, denials, expected });
  }
  return {
    bins: out,
    warmSeries: warm.size,
    series: all.size,
    warmRequestShare: allRequests === 0 ? 0 : warmRequests / allRequests,
  };
}

/** The bars of one detector's lane. */
export function barsOf(run: DetectorRun, label: (e: Episode) => string): TimelineBar[] {
  return run.episodes.map((e) => ({
    id: e.incident,
    from: e.firedAt,
    to: e.resolvedAt,
    label: label(e),
    severity: e.peakSeverity,
  }));
}

/** "SEV-3→SEV-1 kv-auth-denied H2": the severity it fired at, the highest it reached, the rule and the cause. */
export function vaultwatchLabel(e: Episode): string {
  const sev = e.severity === e.peakSeverity ? e.severity : `${e.severity}→${e.peakSeverity}`;
  const cause = e.hypothesis && e.hypothesis !== "none" ? ` ${e.hypothesis}` : "";
  const subject = e.identity ?? e.app ?? e.vault;
  return `${sev} ${e.rule}${cause}${subject ? ` (${subject})` : ""}`;
}

export function peerLabel(e: Episode): string {
  return `${e.severity} ${e.vault ?? ""}`.trim();
}

/** Assembles a scenario's timeline from its world, truth, learned baselines and detector runs. */
export function timelineOf(
  world: Pick<ScenarioWorld, "name" | "start" | "end" | "tickMinutes" | "logs" | "workspace">,
  truth: readonly TruthIncidentSpec[],
  baselines: ReadonlyMap<string, Baseline>,
  lanes: TimelineLane[],
  reference?: { value: number; label: string },
): Timeline {
  const { bins, warmSeries, series, warmRequestShare } = timelineBins(world, baselines);
  const expectedNote =
    warmSeries === 0
      ? `expected denials not plotted: no series had a warm learned baseline at the last tick (${series} series; warm needs 3 days and 30 hourly bins)`
      : `expected denials: learned kv-auth-denied ratio × requests, summed over the ${warmSeries} of ${series} series warm at the last tick ` +
        `(${Math.round(100 * warmRequestShare)} % of requests; cold series left out)`;
  return {
    title: world.name,
    subtitle: `${iso(world.start)} to ${iso(world.end)} UTC, a tick every ${world.tickMinutes} min, ${ingestionNote(world.workspace.ingestion)}`,
    start: world.start,
    end: world.end,
    bins,
    expectedNote,
    reference,
    truths: truth.map((t) => ({
      name: t.name,
      from: t.onset,
      to: t.recovered,
      label: `truth: ${t.name} (${t.hypothesis}, ${t.severity})`,
    })),
    lanes,
  };
}

/** How late records become queryable: the workspace's fixed delay, or Azure's per-table distributions. */
export function ingestionNote(ingestion: ScenarioWorld["workspace"]["ingestion"]): string {
  return ingestion === "azure" ? "Azure's documented ingestion delays" : `${ingestion}-minute ingestion delay`;
}

const iso = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

// Layout, in pixels.
const WIDTH = 1200;
const LEFT = 190;
const RIGHT = 30;
const PLOT = WIDTH - LEFT - RIGHT;
const PANEL = 120;
const ROW = 18;
/** Average advance of a 10-px sans-serif character: enough to tell whether a label fits. */
const CHAR_WIDTH = 5.6;

const SEVERITY_FILL: Record<Severity, string> = {
  "SEV-1": "#b2182b",
  "SEV-2": "#e66101",
  "SEV-3": "#fdb863",
  "SEV-4": "#b2abd2",
};
const COLOR = {
  requests: "#2166ac",
  denials: "#d6604d",
  expected: "#4d4d4d",
  reference: "#7f7f7f",
  truth: "#fee08b",
  grid: "#e6e6e6",
  axis: "#333333",
};

/** Renders the timeline as a standalone SVG document. */
export function renderTimeline(t: Timeline): string {
  const t0 = t.start.getTime();
  const t1 = Math.max(t.end.getTime(), t0 + BIN);
  const x = (ms: number) => LEFT + ((Math.min(Math.max(ms, t0), t1) - t0) / (t1 - t0)) * PLOT;
  const out: string[] = [];
  let y = 20;
  out.push(text(LEFT, y, t.title, { size: 16, weight: "bold" }));
  y += 18;
  out.push(text(LEFT, y, t.subtitle, { size: 11, fill: "#555" }));
  y += 22;

  // Truth labels get up to two rows of their own above the panels (alternating, so neighbours do not collide).
  const top = y;
  y += Math.min(t.truths.length, 2) * 13 + 2;
  const requestsPanel = { top: y + 14, height: PANEL };
  y = requestsPanel.top + PANEL + 26;
  const denialsPanel = { top: y + 14, height: PANEL };
  y = denialsPanel.top + PANEL + 20;

  // Lanes: overlapping bars of one lane go on separate rows.
  const laneLayout = t.lanes.map((lane) => {
    const rows = packRows(lane.bars, t1);
    const height = Math.max(1, Math.max(0, ...rows) + 1) * ROW + 10;
    const layout = { lane, rows, top: y, height };
    y += height + 6;
    return layout;
  });
  const bottom = y;

  // Truth windows first, under everything else.
  t.truths.forEach((w, i) => {
    const x0 = x(w.from.getTime());
    const x1 = Math.max(x(w.to.getTime()), x0 + 2);
    out.push(
      `<rect class="truth" x="${f(x0)}" y="${f(top)}" width="${f(x1 - x0)}" height="${f(bottom - top)}" fill="${COLOR.truth}" fill-opacity="0.45"><title>${esc(w.label)}: ${esc(iso(w.from))} to ${esc(iso(w.to))} UTC</title></rect>`,
    );
    out.push(text(x0 + 2, top + 10 + (i % 2) * 13, w.label, { size: 10, fill: "#7a5c00" }));
  });

  // Time axis: grid lines through every panel and lane, labels below.
  const ticks = timeTicks(t0, t1);
  for (const tick of ticks)
    out.push(
      `<line x1="${f(x(tick.at))}" y1="${f(top)}" x2="${f(x(tick.at))}" y2="${f(bottom)}" stroke="${COLOR.grid}" stroke-width="1"/>`,
    );
  for (const tick of ticks) out.push(text(x(tick.at), bottom + 14, tick.label, { size: 10, anchor: "middle" }));
  out.push(text(LEFT + PLOT / 2, bottom + 30, "time (UTC)", { size: 11, anchor: "middle" }));

  // Counts are per bin: each is drawn as a flat step across its bin.
  const step = (b: TimelineBin, v: number | undefined, p: Panel, max: number): ([number, number] | undefined)[] =>
    v === undefined
      ? [undefined]
      : [
          [x(b.at), scaleY(p, max, v)],
          [x(b.at + BIN), scaleY(p, max, v)],
        ];
  // Requests panel.
  const maxRequests = niceCeil(Math.max(1, ...t.bins.map((b) => b.requests)));
  out.push(...panel(requestsPanel, "Key Vault requests per 5 min (all callers)", maxRequests));
  out.push(
    polylines(
      t.bins.flatMap((b) => step(b, b.requests, requestsPanel, maxRequests)),
      COLOR.requests,
      "requests",
    ),
  );

  // Denials panel: observed, expected, and the reference line.
  const maxDenials = niceCeil(
    Math.max(1, ...t.bins.map((b) => Math.max(b.denials, b.expected ?? 0)), (t.reference?.value ?? 0) * 1.25),
  );
  out.push(...panel(denialsPanel, "Denials (401 + 403) per 5 min (all callers)", maxDenials));
  if (t.reference) {
    const ry = scaleY(denialsPanel, maxDenials, t.reference.value);
    out.push(
      `<line class="reference" x1="${f(LEFT)}" y1="${f(ry)}" x2="${f(LEFT + PLOT)}" y2="${f(ry)}" stroke="${COLOR.reference}" stroke-dasharray="2 3" stroke-width="1"/>`,
    );
    out.push(text(LEFT + PLOT - 4, ry - 3, t.reference.label, { size: 10, fill: COLOR.reference, anchor: "end" }));
  }
  out.push(
    polylines(
      t.bins.flatMap((b) => step(b, b.expected, denialsPanel, maxDenials)),
      COLOR.expected,
      "expected",
      "5 3",
    ),
  );
  out.push(
    polylines(
      t.bins.flatMap((b) => step(b, b.denials, denialsPanel, maxDenials)),
      COLOR.denials,
      "denials",
    ),
  );

  // Detector lanes.
  for (const { lane, rows, top: laneTop, height } of laneLayout) {
    out.push(
      `<rect x="${f(LEFT)}" y="${f(laneTop)}" width="${f(PLOT)}" height="${f(height)}" fill="none" stroke="${COLOR.grid}"/>`,
    );
    out.push(
      text(LEFT - 8, laneTop + height / 2 + 4, `${lane.title} (${lane.bars.length})`, {
        size: 12,
        anchor: "end",
        weight: "bold",
      }),
    );
    if (lane.bars.length === 0)
      out.push(text(LEFT + 6, laneTop + height / 2 + 4, "no alerts", { size: 10, fill: "#999" }));
    lane.bars.forEach((bar, i) => {
      const x0 = x(bar.from.getTime());
      const x1 = Math.max(x(bar.to?.getTime() ?? t1), x0 + 3);
      const by = laneTop + 5 + (rows[i] ?? 0) * ROW;
      const when = `${iso(bar.from)} to ${bar.to ? `${iso(bar.to)} UTC` : "the end (still firing)"}`;
      out.push(
        `<rect class="bar" data-lane="${esc(lane.title)}" data-incident="${esc(bar.id)}" data-severity="${bar.severity}" x="${f(x0)}" y="${f(by)}" width="${f(x1 - x0)}" height="${ROW - 4}" fill="${SEVERITY_FILL[bar.severity]}" stroke="#333" stroke-width="0.5"><title>${esc(bar.label)}: ${esc(when)}</title></rect>`,
      );
      // A label runs from the bar's start to the next bar on its row; where it would not fit (a
      // week of short alerts) only the bar's tooltip carries it.
      const label = `${bar.label}${bar.to ? "" : " ▸ still firing"}`;
      const next = lane.bars.find((b, j) => j > i && rows[j] === rows[i] && b.from.getTime() >= bar.from.getTime());
      const room = (next ? x(next.from.getTime()) : LEFT + PLOT) - x0;
      if (label.length * CHAR_WIDTH + 6 <= room)
        out.push(text(x0 + 3, by + ROW - 8, label, { size: 10, fill: "#111", halo: true }));
    });
  }

  // Legend.
  let ly = bottom + 50;
  const legend: [string, string, string | undefined][] = [
    [COLOR.requests, "requests", undefined],
    [COLOR.denials, "denials (401 + 403)", undefined],
    [COLOR.expected, t.expectedNote, "5 3"],
  ];
  if (t.reference) legend.push([COLOR.reference, t.reference.label, "2 3"]);
  for (const [color, label, dash] of legend) {
    out.push(
      `<line x1="${LEFT}" y1="${ly - 4}" x2="${LEFT + 24}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`,
    );
    out.push(text(LEFT + 30, ly, label, { size: 11 }));
    ly += 16;
  }
  out.push(`<rect x="${LEFT}" y="${ly - 10}" width="24" height="10" fill="${COLOR.truth}" fill-opacity="0.45"/>`);
  out.push(
    text(LEFT + 30, ly, "truth incident: onset (first failing request) to recovery (last failing request)", {
      size: 11,
    }),
  );
  ly += 16;
  let lx = LEFT;
  for (const sev of ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] as const) {
    out.push(`<rect x="${lx}" y="${ly - 10}" width="24" height="10" fill="${SEVERITY_FILL[sev]}"/>`);
    out.push(text(lx + 30, ly, sev, { size: 11 }));
    lx += 80;
  }
  out.push(text(lx + 10, ly, "alert bars: fired → resolved, coloured by the highest severity reached", { size: 11 }));
  ly += 10;

  const height = Math.ceil(ly + 10);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...out,
    `</svg>`,
    "",
  ].join("\n");
}

/** Row per bar such that bars on one row do not overlap (greedy interval packing, in firing order). */
export function packRows(bars: readonly TimelineBar[], endMs: number): number[] {
  const rowEnds: number[] = [];
  return bars.map((b) => {
    const from = b.from.getTime();
    const to = b.to?.getTime() ?? endMs;
    let row = rowEnds.findIndex((end) => end < from);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = to;
    return row;
  });
}

interface Panel {
  top: number;
  height: number;
}

function panel(p: Panel, title: string, max: number): string[] {
  const out = [text(LEFT, p.top - 6, title, { size: 12, weight: "bold" })];
  out.push(
    `<rect x="${f(LEFT)}" y="${f(p.top)}" width="${f(PLOT)}" height="${f(p.height)}" fill="none" stroke="${COLOR.axis}" stroke-width="0.5"/>`,
  );
  for (const v of [0, max / 2, max]) {
    const y = scaleY(p, max, v);
    out.push(`<line x1="${f(LEFT - 4)}" y1="${f(y)}" x2="${f(LEFT)}" y2="${f(y)}" stroke="${COLOR.axis}"/>`);
    out.push(text(LEFT - 6, y + 4, formatCount(v), { size: 10, anchor: "end" }));
  }
  return out;
}

const scaleY = (p: Panel, max: number, v: number) => p.top + p.height - (v / max) * p.height;

/** One polyline per run of defined points (a gap breaks the line). */
function polylines(points: ([number, number] | undefined)[], color: string, cls: string, dash?: string): string {
  const runs: [number, number][][] = [[]];
  for (const p of points) {
    if (p) runs[runs.length - 1]!.push(p);
    else if (runs[runs.length - 1]!.length > 0) runs.push([]);
  }
  return runs
    .filter((r) => r.length > 0)
    .map((r) => {
      const pts =
        r.length === 1
          ? [
              [r[0]![0] - 1, r[0]![1]],
              [r[0]![0] + 1, r[0]![1]],
            ]
          : r;
      return `<polyline class="${cls}" points="${pts.map(([a, b]) => `${f(a!)},${f(b!)}`).join(" ")}" fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
    })
    .join("\n");
}

/** The smallest of 1, 2, 2.5 or 5 × 10^k at or above v. */
export function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880].map((m) => m * MINUTE);

/**
 * Axis ticks on round UTC times, at most about a dozen: 15 minutes for an hour and a half, six
 * hours for a couple of days, a day for a week. Every label carries the time; the date is added at
 * midnight and on the first tick.
 */
export function timeTicks(t0: number, t1: number): { at: number; label: string }[] {
  const step = STEPS.find((s) => (t1 - t0) / s <= 12) ?? Math.ceil((t1 - t0) / 12 / DAY) * DAY;
  const out: { at: number; label: string }[] = [];
  for (let at = Math.ceil(t0 / step) * step; at <= t1; at += step) {
    const d = new Date(at);
    const hhmm = d.toISOString().slice(11, 16);
    const date = d.toISOString().slice(5, 10);
    const label = step >= DAY ? date : out.length === 0 || hhmm === "00:00" ? `${date} ${hhmm}` : hhmm;
    out.push({ at, label });
  }
  return out;
}

function formatCount(v: number): string {
  if (v >= 1_000_000) return `${Number((v / 1_000_000).toFixed(1))}M`;
  if (v >= 10_000) return `${Number((v / 1000).toFixed(1))}k`;
  return String(Number(v.toFixed(1)));
}

/** `halo`: a white outline under the glyphs, so a label stays readable over a dark bar. */
function text(
  x: number,
  y: number,
  s: string,
  o: { size: number; fill?: string; anchor?: "start" | "middle" | "end"; weight?: "bold"; halo?: boolean },
): string {
  const attrs = [`x="${f(x)}"`, `y="${f(y)}"`, `font-size="${o.size}"`];
  if (o.fill) attrs.push(`fill="${o.fill}"`);
  if (o.anchor && o.anchor !== "start") attrs.push(`text-anchor="${o.anchor}"`);
  if (o.weight) attrs.push(`font-weight="${o.weight}"`);
  if (o.halo) attrs.push(`stroke="#ffffff" stroke-width="3" stroke-opacity="0.85" paint-order="stroke"`);
  return `<text ${attrs.join(" ")}>${esc(s)}</text>`;
}

/** XML-escapes text and attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const f = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
