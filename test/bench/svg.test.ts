import { describe, expect, it } from "vitest";
import { anEpisode } from "./fixtures.js";
import { baselineKey } from "../../src/core/baselines/index.js";
import { learnBaseline } from "../../src/core/baselines/index.js";
import { seriesId } from "../../src/core/evaluate.js";
import { parseScenario } from "../../tools/scenario/load.js";
import type { Episode } from "../../tools/bench/score.js";
import {
  barsOf,
  ingestionNote,
  niceCeil,
  packRows,
  peerLabel,
  renderTimeline,
  timelineBins,
  timelineOf,
  timeTicks,
  vaultwatchLabel,
} from "../../tools/bench/svg.js";

const T0 = Date.parse("2026-03-02T01:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();
const VAULT =
  "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourcegroups/rg-app/providers/microsoft.keyvault/vaults/kv-a";
const DIMS = {
  vaultResourceId: VAULT,
  callerObjectId: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
  callerAppId: "",
  callerResourceId: "",
  source: "AzureDiagnostics",
  operation: "SecretGet",
};

/** The caller's reads of kv-a, as a v2 template. */
const READS = {
  kind: "kv-audit",
  table: "AzureDiagnostics",
  vaultResourceId: VAULT,
  callerObjectId: DIMS.callerObjectId,
  operation: "SecretGet",
};

/** 01:00 to 02:00; 200 calls a bin, and 150 denied plus 10 unauthenticated a bin from 01:10 to 01:20. */
const world = parseScenario(
  JSON.stringify({
    format: "vaultwatch/scenario/v2",
    name: "svg",
    start: iso(0),
    end: iso(60),
    workspace: { ingestion: 3 },
    templates: { reads: READS },
    records: [
      { template: "reads", status: 200, at: iso(-10), every: 5, until: iso(60), count: 200 },
      { template: "reads", status: 403, denial: "rbac", at: iso(10), every: 5, until: iso(20), count: 150 },
      { template: "reads", status: 401, at: iso(10), every: 5, until: iso(20), count: 10 },
    ],
  }),
).world;

function episode(o: Partial<Episode>): Episode {
  return anEpisode({ incident: "i1", firedAt: at(15), resolvedAt: at(35), vault: "kv-a", ...o });
}

/**
 * Well-formedness without an XML library: every tag is a name with double-quoted attributes,
 * tags nest and close, `&` only starts an entity, and there is exactly one root element.
 */
function wellFormed(xml: string): string | undefined {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  let roots = 0;
  const tag =
    /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")*)\s*(\/?)>/y;
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === "<") {
      tag.lastIndex = i;
      const m = tag.exec(body);
      if (!m) return `bad tag at ${i}: ${body.slice(i, i + 60)}`;
      const [, close, name, , self] = m;
      if (close) {
        if (stack.pop() !== name) return `</${name}> at ${i} closes nothing open`;
      } else if (!self) {
        if (stack.length === 0) roots++;
        stack.push(name!);
      } else if (stack.length === 0) roots++;
      i = tag.lastIndex;
    } else if (c === "&") {
      if (!/^&(?:amp|lt|gt|quot|apos|#\d+);/.test(body.slice(i, i + 8))) return `bare & at ${i}`;
      i++;
    } else if (stack.length === 0 && !/\s/.test(c)) return `text outside the root at ${i}`;
    else i++;
  }
  if (stack.length > 0) return `unclosed ${stack.join(" > ")}`;
  return roots === 1 ? undefined : `${roots} root elements`;
}

describe("the SVG timeline", () => {
  it("draws one bar per incident in each lane, and is well-formed XML", () => {
    const vaultwatch = {
      episodes: [
        episode({}),
        episode({
          incident: "i2",
          rule: "control-plane",
          firedAt: at(5),
          resolvedAt: undefined,
          hypothesis: "H2",
          severity: "SEV-3",
          peakSeverity: "SEV-2",
        }),
      ],
      notifications: 3,
      pages: 1,
      escalations: 0,
    };
    const peer = {
      episodes: [
        episode({
          incident: "static-403|kv-a",
          rule: "static-403",
          severity: "SEV-2",
          peakSeverity: "SEV-2",
          hypothesis: undefined,
          identity: undefined,
        }),
      ],
      notifications: 2,
      pages: 1,
      escalations: 0,
    };
    const truth = [
      { name: 'rbac <&> "x"', onset: at(10), recovered: at(20), hypothesis: "H2" as const, severity: "SEV-1" as const },
    ];
    const svg = renderTimeline(
      timelineOf(
        world,
        truth,
        new Map(),
        [
          { title: "vaultwatch", bars: barsOf(vaultwatch, vaultwatchLabel) },
          { title: "static 403 rule", bars: barsOf(peer, peerLabel) },
          { title: "AMBA availability", bars: [] },
        ],
        { value: 10, label: "threshold" },
      ),
    );
    expect(wellFormed(svg)).toBeUndefined();
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg.match(/data-lane="vaultwatch"/g)).toHaveLength(2);
    expect(svg.match(/data-lane="static 403 rule"/g)).toHaveLength(1);
    expect(svg).toContain('data-severity="SEV-2"');
    // Escalated from SEV-3 to SEV-2, still open at the end.
    expect(svg).toContain("SEV-3→SEV-2 control-plane H2 (id-func-orders) ▸ still firing");
    expect(svg).toContain("truth: rbac &lt;&amp;&gt; &quot;x&quot; (H2, SEV-1)");
    expect(svg.match(/<rect class="truth"/g)).toHaveLength(1);
    expect(svg).toContain("no alerts");
  });

  it("says in the subtitle when records become queryable: the workspace's fixed delay or Azure's", () => {
    expect(timelineOf(world, [], new Map(), []).subtitle).toBe(
      "2026-03-02 01:00 to 2026-03-02 02:00 UTC, a tick every 5 min, 3-minute ingestion delay",
    );
    expect(ingestionNote("azure")).toBe("Azure's documented ingestion delays");
    expect(ingestionNote(0)).toBe("0-minute ingestion delay");
  });

  it("catches what is not well-formed (the checker itself)", () => {
    expect(wellFormed("<svg><g></svg>")).toBeDefined();
    expect(wellFormed("<svg><text>a & b</text></svg>")).toBeDefined();
    expect(wellFormed('<svg><rect x="1"/></svg>')).toBeUndefined();
  });

  it("sums requests and denials (401 + 403) per bin over callers", () => {
    const { bins } = timelineBins(world, new Map());
    expect(bins).toHaveLength(12);
    const b = bins.find((x) => x.at === T0 + 10 * 60_000)!;
    expect(b).toMatchObject({ requests: 360, denials: 160, expected: undefined });
    expect(bins[0]).toMatchObject({ requests: 200, denials: 0 });
  });

  it("plots the learned baseline's expected denials as its slot's ratio times the bin's requests, and nothing for a cold series", () => {
    // 14 days of hourly history at 1 % denied: a warm, flat-enough baseline whose every slot expects 0.01.
    const points = Array.from({ length: 14 * 24 }, (_, h) => ({
      at: new Date(T0 - (14 * 24 - h) * 3_600_000),
      failures: 10,
      total: 1000,
    }));
    const key = baselineKey("kv-auth-denied", seriesId(DIMS));
    const warm = timelineBins(world, new Map([[key, learnBaseline(key, points, [], at(0))]]));
    expect(warm).toMatchObject({ warmSeries: 1, series: 1 });
    expect(warm.bins[0]!.expected).toBeCloseTo(2, 6);
    expect(warm.bins.find((x) => x.at === T0 + 10 * 60_000)!.expected).toBeCloseTo(3.6, 6);
    const cold = timelineOf(world, [], new Map(), []);
    expect(cold.bins.every((b) => b.expected === undefined)).toBe(true);
    expect(cold.expectedNote).toMatch(/not plotted/);

    // A second caller without a baseline: left out of the sum, and the note says what share of requests the line covers.
    const other = { ...DIMS, callerObjectId: "2e9b7c4d-6a1f-4e3b-8d5c-9f0a1b2c3d4e" };
    const two = parseScenario(
      JSON.stringify({
        format: "vaultwatch/scenario/v2",
        name: "two",
        start: iso(0),
        end: iso(60),
        workspace: { ingestion: 3 },
        templates: { reads: READS },
        records: [
          { template: "reads", status: 200, at: iso(0), every: 5, until: iso(60), count: 300 },
          {
            template: "reads",
            callerObjectId: other.callerObjectId,
            status: 200,
            at: iso(0),
            every: 5,
            until: iso(60),
            count: 100,
          },
        ],
      }),
    ).world;
    const partial = timelineOf(two, [], new Map([[key, learnBaseline(key, points, [], at(0))]]), []);
    expect(partial.bins[0]!.expected).toBeCloseTo(3, 6);
    expect(partial.expectedNote).toContain(
      "summed over the 1 of 2 series warm at the last tick (75 % of requests; cold series left out)",
    );
  });

  it("shows every bar but leaves out labels that would run into the next bar", () => {
    // Eleven 2-minute alerts every 4 minutes on a one-hour axis (4 minutes is 67 px, the label some 150),
    // then one at 00:45 with the last quarter hour to itself.
    const starts = [...Array.from({ length: 11 }, (_, i) => i * 4), 45];
    const bars = starts.map((m, i) => ({
      id: `a${i}`,
      from: at(m),
      to: at(m + 2),
      label: "SEV-2 kv-a-with-a-long-name",
      severity: "SEV-2" as const,
    }));
    const svg = renderTimeline(timelineOf(world, [], new Map(), [{ title: "AMBA availability", bars }]));
    expect(wellFormed(svg)).toBeUndefined();
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(12);
    expect(svg).toContain("AMBA availability (12)");
    expect(svg.match(/>SEV-2 kv-a-with-a-long-name<\/text>/g)).toHaveLength(1);
  });

  it("labels the axis in UTC on round times, compressing a week to daily ticks", () => {
    const hour = timeTicks(T0, T0 + 80 * 60_000);
    expect(hour.map((t) => t.label)).toEqual([
      "03-02 01:00",
      "01:10",
      "01:20",
      "01:30",
      "01:40",
      "01:50",
      "02:00",
      "02:10",
      "02:20",
    ]);
    const week = timeTicks(T0, T0 + 7 * 86_400_000);
    expect(week.map((t) => t.label)).toEqual(["03-03", "03-04", "03-05", "03-06", "03-07", "03-08", "03-09"]);
    expect(
      timeTicks(Date.parse("2026-03-02T22:00:00Z"), Date.parse("2026-03-03T02:00:00Z")).map((t) => t.label),
    ).toEqual(["03-02 22:00", "22:30", "23:00", "23:30", "03-03 00:00", "00:30", "01:00", "01:30", "02:00"]);
  });

  it("puts overlapping bars of one lane on separate rows", () => {
    const bar = (from: number, to: number | undefined) => ({
      id: `${from}`,
      from: at(from),
      to: to === undefined ? undefined : at(to),
      label: "",
      severity: "SEV-2" as const,
    });
    expect(packRows([bar(0, 10), bar(5, 20), bar(15, 30), bar(25, undefined)], T0 + 60 * 60_000)).toEqual([0, 1, 0, 1]);
  });

  it("rounds axis maxima up to 1, 2, 2.5 or 5 × 10^k", () => {
    expect([1, 3, 160, 240, 999, 1001].map(niceCeil)).toEqual([1, 5, 200, 250, 1000, 2000]);
  });
});
