import { describe, expect, it } from "vitest";
import { judge, learnBaseline, type BaselineVerdict, type CountPoint } from "../../../src/core/baselines/index.js";
import { DAY, endOf, generate, hoursAfter, prng, T0 } from "./series.js";

/** Property-style checks over generated series: every case is seeded, so a failure reproduces. */

const VOLUMES = [10, 30, 100, 500, 2000, 20_000];
const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
/** A ratio spread evenly on a log scale from 0.05% to 20%. */
const someRatio = (rand: () => number) => Math.exp(Math.log(0.0005) + rand() * (Math.log(0.2) - Math.log(0.0005)));

/** A generated healthy series: its own volume, ratio, daily swing in traffic and a noisier hour. */
function someSeries(
  rand: () => number,
  days: number,
  seed: number,
): { points: CountPoint[]; calls: number; ratio: number } {
  const calls = pick(rand, VOLUMES);
  const ratio = someRatio(rand);
  const swing = 0.5 + rand();
  const noisyHour = Math.floor(rand() * 24);
  const points = generate(
    T0,
    days * 24,
    {
      calls: (at) => Math.max(1, calls * (1 + 0.4 * swing * Math.sin((at.getUTCHours() / 24) * 2 * Math.PI))),
      ratio: (at) => Math.min(1, at.getUTCHours() === noisyHour ? ratio * 2 : ratio),
    },
    seed,
  );
  return { points, calls, ratio };
}

const judged = (v: BaselineVerdict) => {
  if (v.kind !== "normal" && v.kind !== "anomalous") throw new Error(`expected a verdict, got ${v.kind}`);
  return v;
};

describe("properties over generated series", () => {
  it("more failures at fixed traffic never make a window less anomalous", () => {
    const rand = prng(101);
    for (let i = 0; i < 40; i++) {
      const days = 3 + Math.floor(rand() * 40);
      const { points, calls } = someSeries(rand, days, 2000 + i);
      const b = learnBaseline("s", points, [], endOf(days));
      const at = hoursAfter(endOf(days), Math.floor(rand() * 168));
      const total = Math.max(1, Math.round(calls * (0.2 + 2 * rand())));
      const step = Math.max(1, Math.floor(total / 150));
      let previous = judged(judge(b, { failures: 0, total, at }));
      for (let failures = step; failures <= total; failures += step) {
        const v = judged(judge(b, { failures, total, at }));
        expect(v.pValue).toBeLessThanOrEqual(previous.pValue);
        expect(v.z).toBeGreaterThanOrEqual(previous.z);
        expect(v.lift).toBeGreaterThanOrEqual(previous.lift);
        if (previous.kind === "anomalous") expect(v.kind).toBe("anomalous");
        previous = v;
      }
    }
  });

  it("an excluded incident window never lets the incident's points shift what is learned, whatever they hold", () => {
    const rand = prng(202);
    for (let i = 0; i < 30; i++) {
      const days = 4 + Math.floor(rand() * 30);
      const { points } = someSeries(rand, days, 3000 + i);
      // A window with ragged edges anywhere in the history, up to a day long.
      const from = new Date(T0.getTime() + Math.floor(rand() * (days * DAY - DAY)));
      const to = new Date(from.getTime() + 1 + Math.floor(rand() * DAY));
      const touches = (p: CountPoint) => p.at.getTime() < to.getTime() && from.getTime() < p.at.getTime() + 3_600_000;
      const incident = (seed: number) => {
        const r = prng(seed);
        return points.map((p) =>
          touches(p) ? { at: p.at, total: p.total * (1 + Math.floor(r() * 5)), failures: p.total } : p,
        );
      };
      const exclude = [{ from, to }];
      const clean = learnBaseline(
        "s",
        points.filter((p) => !touches(p)),
        [],
        endOf(days),
      );
      const a = learnBaseline("s", incident(1), exclude, endOf(days));
      const b = learnBaseline("s", incident(2), exclude, endOf(days));
      expect(a).toEqual(clean);
      expect(b).toEqual(clean);
    }
  });

  it("history length alone never raises the score of a fixed window: a longer stretch of the same normal", () => {
    // The same generated healthy week (or day) repeated: more of the same evidence must not make
    // the detector tighter, only a different normal may.
    const rand = prng(303);
    for (let i = 0; i < 12; i++) {
      const weekly = i % 2 === 0;
      const unit = weekly ? 7 : 1;
      const { points } = someSeries(rand, unit, 4000 + i);
      const repeated = (times: number) =>
        Array.from({ length: times }, (_, t) =>
          points.map((p) => ({ ...p, at: new Date(p.at.getTime() + t * unit * DAY) })),
        ).flat();
      const lengths = weekly ? [3, 4, 5, 6] : [3, 5, 8, 13, 20];
      const observations = Array.from({ length: 8 }, () => {
        const total = pick(rand, VOLUMES);
        return { failures: Math.floor(total * rand() * 0.3), total, hour: Math.floor(rand() * 168) };
      });
      let previous: BaselineVerdict[] | undefined;
      for (const times of lengths) {
        const b = learnBaseline("s", repeated(times), [], endOf(times * unit));
        const verdicts = observations.map((x) =>
          judge(b, { failures: x.failures, total: x.total, at: hoursAfter(endOf(times * unit), x.hour) }),
        );
        verdicts.forEach((v, j) => {
          const now = judged(v);
          const before = previous?.[j];
          if (!before) return;
          const then = judged(before);
          expect(now.pValue).toBeGreaterThanOrEqual(then.pValue);
          expect(now.z).toBeLessThanOrEqual(then.z);
          if (then.kind === "normal") expect(now.kind).toBe("normal");
        });
        previous = verdicts;
      }
    }
  });

  it("no length of healthy history pages on a window at twice the series' normal ratio", () => {
    const rand = prng(404);
    let judgedWindows = 0;
    for (let i = 0; i < 60; i++) {
      const days = 3 + Math.floor(rand() * 40);
      const calls = pick(rand, VOLUMES);
      const ratio = someRatio(rand);
      const b = learnBaseline(
        "s",
        generate(T0, days * 24, { calls: () => calls, ratio: () => ratio }, 5000 + i),
        [],
        endOf(days),
      );
      for (let j = 0; j < 24; j++) {
        const at = hoursAfter(endOf(days), Math.floor(rand() * 168));
        expect(judge(b, { failures: Math.floor(2 * ratio * calls), total: calls, at }).kind).toBe("normal");
        judgedWindows++;
      }
    }
    expect(judgedWindows).toBe(60 * 24);
  });

  it("a bursty series (hour-to-hour swings of about ±65%) almost never pages on its own healthy hours", () => {
    // Log-normal hour-to-hour variation with σ = 0.5: 3x the usual ratio happens in about 1.4% of
    // healthy hours, so the lift and tail tests alone would page on them; the spread must not.
    const rand = prng(606);
    const normal = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    let anomalous = 0;
    let windows = 0;
    for (let i = 0; i < 30; i++) {
      const calls = [100, 2000, 20_000][i % 3]!;
      const ratio = 0.005 * (1 + (i % 5));
      const b = learnBaseline(
        "s",
        generate(
          T0,
          28 * 24,
          { calls: () => calls, ratio: () => Math.min(1, ratio * Math.exp(0.5 * normal())) },
          7000 + i,
        ),
        [],
        endOf(28),
      );
      const healthy = generate(
        endOf(28),
        168,
        { calls: () => calls, ratio: () => Math.min(1, ratio * Math.exp(0.5 * normal())) },
        8000 + i,
      );
      for (const x of healthy) {
        windows++;
        if (judge(b, x).kind === "anomalous") anomalous++;
      }
    }
    expect(windows).toBe(30 * 168);
    expect(anomalous).toBeLessThanOrEqual(2); // under 1 in 2,500 healthy hours
  });

  it("any healthy history pages on a full outage once the floors can be met", () => {
    const rand = prng(505);
    for (let i = 0; i < 40; i++) {
      const days = 3 + Math.floor(rand() * 40);
      const calls = pick(rand, VOLUMES);
      const ratio = Math.min(someRatio(rand), 0.05);
      const b = learnBaseline(
        "s",
        generate(T0, days * 24, { calls: () => calls, ratio: () => ratio }, 6000 + i),
        [],
        endOf(days),
      );
      const at = hoursAfter(endOf(days), Math.floor(rand() * 168));
      expect(judge(b, { failures: calls, total: calls, at }).kind).toBe("anomalous");
    }
  });
});
