import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTeamsWebhook } from "../../src/adapters/teams-webhook.js";
import { secretUrl } from "../../src/core/common/secret.js";
import { aContent, aNotice } from "../fixtures/notices.js";
import { startStandIn, type StandIn } from "../../tools/standin/server.js";
import { SimulatedWorkspace } from "../../tools/standin/workspace.js";
import { anIncident } from "../fixtures/incidents.js";

let standIn: StandIn;
let sig: string;
beforeAll(async () => {
  standIn = await startStandIn({
    workspace: new SimulatedWorkspace({ tables: [], traffic: { eventsForMinute: () => [] } }),
    workspaceId: "x",
  });
  sig = new URL(standIn.teamsWebhookUrl).searchParams.get("sig")!;
});
afterAll(() => standIn.close());
beforeEach(() => standIn.faults.clear());

const incident = anIncident();
const notice = aNotice("opened", incident);
const message = aContent(notice, { steps: [] });
const teams = (timeoutMs = 2_000) => createTeamsWebhook({ url: secretUrl(standIn.teamsWebhookUrl), timeoutMs });

describe("the Teams Workflows webhook", () => {
  it("delivers a card and reads 202 Accepted as success", async () => {
    const before = standIn.teamsPosts.length;
    expect(await teams().send(notice, message)).toEqual({ ok: true, status: 202 });
    expect(standIn.teamsPosts).toHaveLength(before + 1);
  });

  it.each([
    ["throttled", { kind: "status", status: 429, retryAfterSeconds: 30 } as const, "answered 429 (Retry-After 30)"],
    ["server", { kind: "status", status: 502 } as const, "answered 502"],
    [
      "client",
      { kind: "status", status: 400, body: { error: { code: "InvalidRequestContent", message: "bad card" } } } as const,
      "answered 400",
    ],
    ["network", { kind: "drop" } as const, "fetch failed"],
  ])("classifies a %s failure and says what happened, with the URL redacted", async (reason, fault, text) => {
    standIn.faults.inject("teams", fault);
    const result = await teams().send(notice, message);
    expect(result).toMatchObject({ ok: false, reason });
    if (reason === "throttled") expect(result).toMatchObject({ retryAfterMs: 30_000 });
    if (result.ok) return;
    expect(result.message).toContain(text);
    expect(result.message).toContain("/triggers/manual/paths/invoke?<redacted>");
    expect(result.message).not.toContain(sig);
  });

  it("leaves no beginning of an echoed signature in the excerpt it keeps of the answer", async () => {
    // The excerpt is 300 characters; the signature starts ten before its end.
    standIn.faults.inject("teams", { kind: "status", status: 400, body: `${"x".repeat(290)}${sig} is not valid` });
    const result = await teams().send(notice, message);
    expect(result).toMatchObject({ ok: false, reason: "client", status: 400 });
    if (result.ok) return;
    expect(result.message).toMatch(/answered 400: x+<redacted>/);
    expect(result.message).not.toContain(sig.slice(0, 8));
  });

  it("says how long one send may take, so a claim can be checked against it", () => {
    expect(teams(1_234).timeoutMs).toBe(1_234);
  });

  it("gives up on a webhook that does not answer in time", async () => {
    standIn.faults.inject("teams", { kind: "delay", ms: 3_000 });
    const result = await teams(300).send(notice, message);
    expect(result).toMatchObject({ ok: false, reason: "timeout" });
  });

  it("is refused with a bad signature, and says so without the signature", async () => {
    const wrong = standIn.teamsWebhookUrl.replace(sig, "wrongsignature0000000000");
    const result = await createTeamsWebhook({ url: secretUrl(wrong) }).send(notice, message);
    expect(result).toMatchObject({ ok: false, reason: "client", status: 401 });
    if (!result.ok) expect(result.message).not.toContain("wrongsignature0000000000");
  });

  it("describes itself without the secret", () => {
    expect(teams().description).not.toContain(sig);
  });
});
