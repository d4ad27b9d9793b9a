import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTeamsWebhook } from "../../src/adapters/teams-webhook.js";
import { secretUrl } from "../../src/config/secret.js";
import { renderTeamsMessage } from "../../src/core/render/teams-card.js";
import { snapshotOf } from "../../src/core/incidents.js";
import { startStandIn, type StandIn } from "../../src/standin/server.js";
import { SimulatedWorkspace } from "../../src/standin/workspace.js";
import { anIncident, at } from "../fixtures/incidents.js";

let standIn: StandIn;
let sig: string;
beforeAll(async () => {
  standIn = await startStandIn({ workspace: new SimulatedWorkspace({ tables: [], traffic: { eventsForMinute: () => [] } }), workspaceId: "x" });
  sig = new URL(standIn.teamsWebhookUrl).searchParams.get("sig")!;
});
afterAll(() => standIn.close());
beforeEach(() => standIn.faults.clear());

const incident = anIncident();
const message = renderTeamsMessage({ id: "n1", kind: "opened", decidedAt: at(6), snapshot: snapshotOf(incident), attempts: 0, lastError: undefined, claimedUntil: undefined }, [], 15);
const teams = (timeoutMs = 2_000) => createTeamsWebhook({ url: secretUrl(standIn.teamsWebhookUrl), timeoutMs });

describe("the Teams Workflows webhook", () => {
  it("delivers a card and reads 202 Accepted as success", async () => {
    const before = standIn.teamsPosts.length;
    expect(await teams().post(message)).toEqual({ ok: true, status: 202 });
    expect(standIn.teamsPosts).toHaveLength(before + 1);
  });

  it.each([
    ["throttled", { kind: "status", status: 429, retryAfterSeconds: 30 } as const, "answered 429 (Retry-After 30)"],
    ["server", { kind: "status", status: 502 } as const, "answered 502"],
    ["client", { kind: "status", status: 400, body: { error: { code: "InvalidRequestContent", message: "bad card" } } } as const, "answered 400"],
    ["network", { kind: "drop" } as const, "fetch failed"],
  ])("classifies a %s failure and says what happened, with the URL redacted", async (reason, fault, text) => {
    standIn.faults.inject("teams", fault);
    const result = await teams().post(message);
    expect(result).toMatchObject({ ok: false, reason });
    if (result.ok) return;
    expect(result.message).toContain(text);
    expect(result.message).toContain("/triggers/manual/paths/invoke?<redacted>");
    expect(result.message).not.toContain(sig);
  });

  it("gives up on a webhook that does not answer in time", async () => {
    standIn.faults.inject("teams", { kind: "delay", ms: 3_000 });
    const result = await teams(300).post(message);
    expect(result).toMatchObject({ ok: false, reason: "timeout" });
  });

  it("is refused with a bad signature, and says so without the signature", async () => {
    const wrong = standIn.teamsWebhookUrl.replace(sig, "wrongsignature0000000000");
    const result = await createTeamsWebhook({ url: secretUrl(wrong) }).post(message);
    expect(result).toMatchObject({ ok: false, reason: "client", status: 401 });
    if (!result.ok) expect(result.message).not.toContain("wrongsignature0000000000");
  });

  it("describes itself without the secret", () => {
    expect(teams().description).not.toContain(sig);
  });
});
