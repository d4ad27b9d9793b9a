import type { Runtime } from "../../src/app/runtime.js";
import { runTick, type TickReport } from "../../src/app/run-tick.js";
import type { Logger } from "../../src/core/ports/ports.js";

/**
 * A clock the test moves by hand. `flow(rate)` lets it also run on its own at `rate` times real
 * time (0 stops it again), for runs whose real slowness must show on the monitor's clock.
 */
export function manualClock(start: Date) {
  let base = start.getTime();
  let rate = 0;
  let since = performance.now();
  const now = () => new Date(base + (performance.now() - since) * rate);
  return {
    now,
    advance(minutes: number) {
      base = now().getTime() + minutes * 60_000;
      since = performance.now();
    },
    flow(next: number) {
      base = now().getTime();
      since = performance.now();
      rate = next;
    },
  };
}

/** Runs one tick per simulated minute from `clock`'s time until `until`, collecting reports. */
export async function replay(
  runtimes: Runtime[],
  clock: ReturnType<typeof manualClock>,
  until: Date,
  log: Logger,
): Promise<TickReport[]> {
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
