import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkHealth } from "../../src/app/check-health.js";
import { runTick } from "../../src/app/run-tick.js";
import type { Runtime } from "../../src/app/runtime.js";
import type { SignalSource } from "../../src/core/ports/ports.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";
import { recordingLogger, startStack, type Stack } from "../harness/stack.js";
import { steadyTraffic } from "../fixtures/traffic.js";
import { at } from "../fixtures/incidents.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ traffic: steadyTraffic(() => ({ ok: 20 })) });
});
afterAll(() => stack.close());
afterEach(() => {
  vi.useRealTimers();
});

/** A runtime with state of its own in memory, after one tick on the stand-in's workspace. */
async function ticked(clock: () => Date = () => at(20)): Promise<Runtime> {
  const state = createMemoryState();
  const rt = {
    ...stack.runtime({ clock }),
    store: state.store,
    silences: state.silences,
    baselines: state.baselines,
  };
  await runTick(rt, recordingLogger());
  return rt;
}

describe("the on-demand health check", () => {
  it("answers within its budget when the workspace is slow, saying it shows the last tick", async () => {
    const rt = await ticked();
    // A workspace that never answers, and the budget's timer under the test's control.
    const silent: SignalSource = { fetch: () => new Promise(() => {}) };
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let answered = false;
    const check = checkHealth({ ...rt, signals: silent }, { live: true, budgetMs: 300 }).finally(() => {
      answered = true;
    });
    await vi.advanceTimersByTimeAsync(299);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const report = await check;
    expect(report).toMatchObject({ status: "degraded", httpStatus: 503, live: { status: "timed-out" } });
    expect(report.reasons).toContain("the live check did not finish within 0.3 s; showing the last tick");
  });

  it("queries the workspace once a minute at most, however often it is probed", async () => {
    let elapsed = 0;
    const rt = await ticked(() => new Date(at(20).getTime() + elapsed));
    const answer = await rt.signals.fetch(at(20), { historyHours: 0 });
    let queries = 0;
    const counted: SignalSource = {
      async fetch() {
        queries++;
        return answer;
      },
    };
    const probed = { ...rt, signals: counted };
    // The monitor's clock and the wall clock move together, by the test's hand.
    vi.useFakeTimers({ toFake: ["Date"] });
    const pass = (ms: number) => {
      elapsed += ms;
      vi.advanceTimersByTime(ms);
    };

    const reports = await Promise.all([1, 2, 3].map(() => checkHealth(probed, { live: true })));
    expect(reports.map((r) => r.live.status)).toEqual(["ran", "ran", "ran"]);
    expect(queries).toBe(1);
    pass(59_000);
    expect((await checkHealth(probed, { live: true })).live.status).toBe("ran");
    expect(queries).toBe(1);
    pass(1_000);
    expect((await checkHealth(probed, { live: true })).live.status).toBe("ran");
    expect(queries).toBe(2);
  });
});
