import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scenarioPath } from "../../tools/bench/corpus/corpus.js";
import { parseScenario } from "../../tools/scenario/load.js";
import { replayScenario, startReplayHost, type ReplayHost } from "../../tools/replay/replay.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";

/**
 * dual-table-vault is rbac-removal with every request of kv-orders-prod logged to both Key Vault
 * tables: replayed, the monitor must tell on-call exactly what it tells about rbac-removal.
 */

/** The scenario up to 01:40, when rbac-removal's incident has opened, escalated and resolved. */
const worldOf = (name: string) => {
  const { world } = parseScenario(readFileSync(scenarioPath(name), "utf8"), scenarioPath(name));
  return { ...world, end: new Date("2026-03-04T01:40:00Z") };
};

describe("a vault logging to both tables, replayed", () => {
  let host: ReplayHost;
  beforeAll(async () => {
    host = await startReplayHost();
  });
  afterAll(async () => {
    await host.close();
  });

  it("raises the same notices, with the same counts and severity, as the single-table world", async () => {
    const single = await replayScenario(worldOf("rbac-removal"), { host, state: createMemoryState() });
    const dual = await replayScenario(worldOf("dual-table-vault"), { host, state: createMemoryState() });
    expect(single.lines.length).toBeGreaterThan(0);
    expect(dual.lines).toEqual(single.lines);
  }, 300_000);
});
