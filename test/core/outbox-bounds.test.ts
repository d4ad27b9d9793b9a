import { describe, expect, it } from "vitest";
import type { ChannelName, NotificationKind, PendingNotification } from "../../src/core/model/index.js";
import { QUEUE_CAP, queueOnto } from "../../src/core/notify/outbox-bounds.js";
import { backoffMs, CLIENT_TRIES, PARK_MS } from "../../src/core/notify/backoff.js";
import { evaluateChannels, rejectingChannels } from "../../src/core/monitor-findings.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, at } from "../fixtures/incidents.js";

const entry = (kind: NotificationKind, detail = "", channel: ChannelName = "teams"): PendingNotification => {
  const n = aNotice(kind);
  return {
    ...n,
    id: `${n.id}${detail}`,
    channel,
    attempts: 0,
    lastError: undefined,
    claimedUntil: undefined,
    nextAttemptAt: undefined,
  };
};

describe("the outbox's bounds", () => {
  it("replaces a queued repeat by the next one and counts what it replaced", () => {
    let q = queueOnto([], [entry("opened")]);
    for (let n = 1; n <= 42; n++) q = queueOnto(q, [entry("repeated", `-${n}`), entry("repeated", `-${n}`, "email")]);
    expect(q.map((p) => `${p.channel} ${p.kind}`)).toEqual(["teams opened", "teams repeated", "email repeated"]);
    expect(q[1]).toMatchObject({ id: expect.stringMatching(/-42$/), merged: 41 });
  });

  it("never replaces a repeat another run is sending", () => {
    const sending = { ...entry("repeated", "-1"), claimedUntil: at(1) };
    expect(queueOnto([sending], [entry("repeated", "-2")]).map((p) => p.id)).toEqual([
      sending.id,
      `${sending.id.slice(0, -2)}-2`,
    ]);
  });

  it("holds a channel to its cap, merging the oldest that neither opens nor closes, and keeps the count", () => {
    let q = queueOnto([], [entry("opened")]);
    for (let n = 0; n < 20; n++) q = queueOnto(q, [entry("escalated", `-${n}`)]);
    q = queueOnto(q, [entry("resolved")]);
    expect(q).toHaveLength(QUEUE_CAP);
    expect(q[0]!.kind).toBe("opened");
    expect(q.at(-1)!.kind).toBe("resolved");
    // 22 decided, 12 kept: the 10 merged away are counted on the ones that took their place.
    expect(q.reduce((n, p) => n + (p.merged ?? 0), 0)).toBe(10);
  });
});

describe("refused notices", () => {
  it("are tried every 30 minutes for 8 tries, then parked and probed every 6 hours", () => {
    expect(backoffMs(CLIENT_TRIES - 1, "client", undefined)).toBe(30 * 60_000);
    expect(backoffMs(CLIENT_TRIES, "client", undefined)).toBe(PARK_MS);
    expect(backoffMs(CLIENT_TRIES, "server", undefined)).toBe(30 * 60_000);
  });

  it("make a channel rejecting after two refusals, told to the other channels, recovered once it accepts", () => {
    const refused = (attempts: number) => ({
      ...entry("opened"),
      attempts,
      lastReason: "client" as const,
      lastStatus: 400,
      failingSince: new Date("2026-11-20T03:05:00Z"),
    });
    expect(rejectingChannels([{ outbox: [refused(1)] }])).toEqual([]);
    const incident = anIncident({ outbox: [refused(2), { ...entry("repeated", "-1"), merged: 3 }] });
    const [firing] = evaluateChannels([incident]);
    expect(firing).toMatchObject({ kind: "firing", rule: "monitor", severity: "SEV-3" });
    expect(firing!.kind === "firing" && firing!.triggers[0]).toMatchObject({
      source: "channel",
      channel: "teams",
      problem:
        "channel Teams rejects notices: HTTP 400 since 2026-11-20 03:05 UTC (2 notice(s) wait for it, 3 more merged into them)",
    });
  });
});
