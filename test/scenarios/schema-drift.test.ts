import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayScenario, startReplayHost, type ReplayHost } from "../../tools/replay/replay.js";
import type { AnswerDrift } from "../../tools/scenario/format-v2.js";
import { parseScenario } from "../../tools/scenario/load.js";
import { createMemoryState } from "../../tools/standin/memory-state.js";

/**
 * The corpus' schema-drift: an RBAC outage on kv-orders-prod (a role deleted at 10:00, 403s from
 * 10:03) while, from 10:20 to 11:00, the workspace's answers to the signals query have `Counts`
 * named `counts`. Its truth: the SEV-1 outage, and the monitor blind for those 40 minutes, SEV-2.
 */

const world = parseScenario(readFileSync("test/scenarios/schema-drift.json", "utf8"), "schema-drift.json").world;

describe("schema-drift: a monitor whose answers drift mid-incident", () => {
  let host: ReplayHost;
  beforeAll(async () => {
    host = await startReplayHost();
  });
  afterAll(async () => {
    await host.close();
  });

  it("pages (SEV-2) that it cannot read the answer, keeps the outage open while blind, and closes its own incident when answers are faithful again", async () => {
    const state = createMemoryState();
    const { lines } = await replayScenario(
      { ...world, start: new Date("2026-04-07T10:05:00Z"), end: new Date("2026-04-07T11:05:00Z") },
      { host, state },
    );
    const monitor = lines.filter((l) => l.rule === "monitor").map((l) => [l.at, l.event, l.severity]);
    // First blind tick 10:20 (a SEV-3 ticket, pending); the second, 10:25, pages. Faithful from 11:00.
    expect(monitor).toEqual([
      ["2026-04-07T10:25:00.000Z", "fired", "SEV-2"],
      ["2026-04-07T11:00:00.000Z", "resolved", "SEV-2"],
    ]);
    // The outage seen before the drift is neither resolved nor forgotten while the monitor is blind.
    // It is told of on one thread (docs/adr/0022): the control-plane finding about the deleted role
    // opened it at 10:05, the denials joined it at 10:10 as an update, not a second page.
    const thread = lines.find((l) => l.rule === "kv-auth-denied")!.thread;
    const outage = lines.filter((l) => l.thread === thread);
    expect(outage.map((l) => [l.event, l.rule, l.severity])).toEqual([
      ["fired", "control-plane", "SEV-2"],
      ["updated", "control-plane", "SEV-2"],
      ["escalated", "kv-auth-denied", "SEV-1"],
      ["escalated", "kv-auth-denied", "SEV-1"],
      // The role restored: the finding resolves, the denials it explained stay open while blind.
      ["updated", "kv-auth-denied", "SEV-1"],
    ]);
    expect(outage.at(-1)!.members).toEqual([
      expect.objectContaining({ rule: "kv-auth-denied", state: "firing", vault: "kv-orders-prod" }),
      expect.objectContaining({ rule: "control-plane", state: "resolved" }),
    ]);
    expect(outage.every((l) => l.hypothesis === "H2")).toBe(true);
    // The monitor's incident says why it is blind: the answer's column, not a quiet vault.
    const { incidents } = await state.store.list({ activeOnly: false, limit: 50 });
    const triggers = incidents.filter((i) => i.rule === "monitor").flatMap((i) => i.triggers);
    expect(triggers).toContainEqual(
      expect.objectContaining({
        kind: "monitor",
        cause: "malformed",
        problem: expect.stringContaining('no column "Counts" (expected dynamic)'),
      }),
    );
  });

  /** The monitor's pages from 10:15 to 10:30 with `drift` in force from 10:20 to 11:00 (none: no drift). */
  async function monitorPages(drift: Omit<AnswerDrift, "from" | "until"> | undefined) {
    const [rename] = world.workspace.answerDrifts!;
    const answerDrifts = drift ? [{ from: rename!.from, until: rename!.until, ...drift }] : [];
    const { lines } = await replayScenario(
      {
        ...world,
        start: new Date("2026-04-07T10:15:00Z"),
        end: new Date("2026-04-07T10:30:00Z"),
        workspace: { ...world.workspace, answerDrifts },
      },
      { host, state: createMemoryState() },
    );
    return lines.filter((l) => l.event === "fired" && l.rule === "monitor").map((l) => l.severity);
  }

  it.each<[string, Omit<AnswerDrift, "from" | "until">]>([
    ["Counts typed string", { kind: "column-retyped", column: "Counts", type: "string" }],
    ["the Dims column dropped", { kind: "column-dropped", column: "Dims" }],
  ])("pages as well when the drift is %s", async (_, drift) => {
    expect(await monitorPages(drift)).toEqual(["SEV-2"]);
  });

  it("pages nothing about itself when the same stretch's answers are faithful (the control case)", async () => {
    expect(await monitorPages(undefined)).toEqual([]);
  });
});
