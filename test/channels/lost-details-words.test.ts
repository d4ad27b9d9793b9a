import { describe, expect, it } from "vitest";
import type { Notice, PendingNotification } from "../../src/core/model/index.js";
import { fromEntity, toEntity } from "../../src/adapters/incident-entity.js";
import { renderPagerDutyEvent } from "../../src/core/render/pagerduty.js";
import { aContent, aNotice } from "../fixtures/notices.js";
import { anIncident, at } from "../fixtures/incidents.js";
import { channelHeadlines, channelTexts } from "../harness/notice-texts.js";

/**
 * A queued notice whose stored snapshot was lost is still delivered, rendered from the incident as
 * it was last recorded (adapters/incident-entity.ts). Every channel must say so: what it shows may
 * not be what the notice was decided on.
 */

/** A page decided at 01:12, queued for Teams, in a row last written at 01:55 whose notice body is gone. */
function lostOnLoad(): PendingNotification {
  const page: PendingNotification = {
    ...aNotice("opened"),
    channel: "teams",
    attempts: 1,
    lastError: "HTTP 503",
    claimedUntil: undefined,
    nextAttemptAt: at(20),
  };
  // The row keeps an index of its outbox; the body lives in the notices table, here missing.
  const row = { ...toEntity(anIncident({ outbox: [page], updatedAt: at(55) })), etag: 'W/"1"' };
  const loaded = fromEntity(row, () => undefined);
  const [entry] = loaded?.outbox ?? [];
  if (!entry) throw new Error("the queued notice was not loaded");
  return entry;
}

describe("a notice whose stored details were lost", () => {
  const lost = lostOnLoad();

  it("is loaded marked as such, with when the incident it now shows was recorded", () => {
    expect(lost).toMatchObject({ snapshotMissing: true, snapshotAt: at(55), decidedAt: at(12) });
    // Neither mark is written back into the row: the next load judges the body afresh.
    const rewritten = JSON.parse(toEntity(anIncident({ outbox: [lost] })).outbox) as Record<string, unknown>[];
    expect(rewritten[0]).not.toHaveProperty("snapshotMissing");
    expect(rewritten[0]).not.toHaveProperty("snapshotAt");
  });

  it("says so on every channel, with the time of what it shows and of the decision", () => {
    const sentence =
      "The details of this notice were lost in storage; shown as the incident stands now (as recorded at 01:55 UTC), not as it stood when the notice was decided at 01:12 UTC.";
    const all = channelTexts(lost);
    for (const where of ["console", "Teams card", "Teams minimal card", "Teams bare card", "email text"])
      expect(all[where], where).toContain(sentence);
    // The summary is what a pager shows: the note comes before the words that may be cut.
    expect(all["PagerDuty summary"]).toMatch(
      /^SEV-2 \(details lost in storage; shown as the incident stands at 01:55 UTC\): Key Vault access denied on kv-app/,
    );
    const pd = renderPagerDutyEvent(lost, aContent(lost));
    expect(pd.event_action === "trigger" && pd.payload.custom_details?.details_lost).toBe(sentence);
  });

  it("keeps the note with a small card's fixed headline, and above the details on the full card", () => {
    const full = channelTexts(lost)["Teams card"] as string;
    expect(full.indexOf("were lost in storage")).toBeLessThan(full.indexOf("requests denied"));
    expect(channelHeadlines(lost)["Teams bare card"]).toBe("SEV-2: Key Vault access denied on kv-app");
  });

  it("is not added to a notice whose details were kept", () => {
    const kept: Notice = aNotice("opened");
    for (const [where, text] of Object.entries(channelTexts(kept))) expect(text, where).not.toMatch(/lost in storage/);
  });
});
