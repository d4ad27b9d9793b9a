import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayScenario, startReplayHost, type ReplayHost } from "../../tools/replay/replay.js";
import { parseScenario } from "../../tools/scenario/load.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";

/**
 * The corpus' blind-monitor scenarios, replayed over the stretch where the monitor must speak: it
 * says it is blind, and names why (the daily cap; the deleted setting, with who deleted it).
 */

const worldOf = (name: string) =>
  parseScenario(readFileSync(`test/scenarios/${name}.json`, "utf8"), `${name}.json`).world;

async function replayed(name: string, from: string, to: string, host: ReplayHost) {
  const state = createMemoryState();
  const { lines } = await replayScenario(
    { ...worldOf(name), start: new Date(from), end: new Date(to) },
    { host, state },
  );
  const { incidents, unreadable } = await state.store.list({ activeOnly: false, limit: 50 });
  const problems = incidents.flatMap((i) => i.triggers.map((t) => (t.kind === "monitor" ? t.problem : "")));
  return { lines, incidents, unreadable, problems };
}

describe("a monitor that cannot see says so, and why", () => {
  let host: ReplayHost;
  beforeAll(async () => {
    host = await startReplayHost();
  });
  afterAll(async () => {
    await host.close();
  });

  it("daily-cap: pages (SEV-2) that the workspace stopped at its daily cap", async () => {
    const r = await replayed("daily-cap", "2026-03-24T13:50:00Z", "2026-03-24T14:10:00Z", host);
    expect(r.lines.filter((l) => l.event === "fired").map((l) => [l.rule, l.severity])).toEqual([["monitor", "SEV-2"]]);
    expect(r.problems.join("\n")).toContain("the workspace's daily cap was reached at 13:40 UTC");
  });

  it("diagnostic-setting-deleted: opens the monitor's incident naming the deleted setting and who deleted it, and can read it back", async () => {
    const r = await replayed("diagnostic-setting-deleted", "2026-03-25T10:15:00Z", "2026-03-25T10:45:00Z", host);
    expect(r.unreadable).toEqual([]);
    expect(r.lines.filter((l) => l.event === "fired").map((l) => l.rule)).toEqual(["monitor"]);
    expect(r.problems.join("\n")).toContain(
      "its diagnostic setting kv-billing-prod-audit was deleted at 10:20 UTC by finops-automation@contoso.com",
    );
  });
});
