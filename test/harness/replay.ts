import type { Runtime } from "../../src/app/runtime.js";
import { runTick, type TickReport } from "../../src/app/run-tick.js";
import { DEFAULT_DELIVERY, type DeliveryOptions } from "../../src/app/delivery/options.js";
import type { Logger } from "../../src/core/ports/ports.js";

/**
 * The monitor's time under the test's control: nothing moves unless the test says so, so no test
 * waits in real time and every run sees the same times. `now` is the monitor's clock;
 * `monotonicMs` is what the delivery step measures its budget and dates its claims with.
 * - `advance(minutes)` moves both between ticks.
 * - `elapse(ms)` lets time pass within a tick (a slow query, a slow write), on both.
 * - `sleep(ms)`, the delivery step's wait between tries, is over at once and moves the monotonic
 *   reading only: as before this clock was controlled, a simulated clock stands still within a
 *   tick and the delivery step adds what elapsed (deliver.ts, `tickClock`).
 */
export function manualClock(start: Date) {
  let wall = start.getTime();
  let monotonic = 0;
  const sleep = async (ms: number) => {
    monotonic += ms;
  };
  const monotonicMs = () => monotonic;
  return {
    now: () => new Date(wall),
    monotonicMs,
    sleep,
    advance(minutes: number) {
      wall += minutes * 60_000;
      monotonic += minutes * 60_000;
    },
    elapse(ms: number) {
      wall += ms;
      monotonic += ms;
    },
    /** Delivery options (the production schedule unless `o` says otherwise) that wait on this clock. */
    delivery(o: Partial<DeliveryOptions> = {}): DeliveryOptions {
      return { ...DEFAULT_DELIVERY, ...o, sleep, monotonicMs };
    },
  };
}

export type ManualClock = ReturnType<typeof manualClock>;

/** Runs one tick per simulated minute from `clock`'s time until `until`, collecting reports. */
export async function replay(runtimes: Runtime[], clock: ManualClock, until: Date, log: Logger): Promise<TickReport[]> {
  const reports: TickReport[] = [];
  while (clock.now().getTime() < until.getTime()) {
    clock.advance(1);
    const settled = await Promise.allSettled(runtimes.map((rt) => runTick(rt, log)));
    for (const s of settled) if (s.status === "fulfilled") reports.push(s.value);
  }
  return reports;
}

/** The headline of each Adaptive Card the Teams stand-in accepted, in order. */
export function headlines(posts: { body: unknown }[]): string[] {
  return posts.map((p) => {
    const card = (p.body as { attachments: { content: { body: { items?: { text: string }[] }[] } }[] }).attachments[0]!
      .content;
    return card.body[0]!.items![0]!.text;
  });
}
