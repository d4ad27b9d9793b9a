import { describe, expect, it } from "vitest";
import { renderText } from "../../src/core/render/text.js";
import { renderEmail } from "../../src/core/render/email.js";
import { acknowledge, closeByHand, respond } from "../../src/core/lifecycle/responder.js";
import { planNotices } from "../../src/core/notify/plan.js";
import { memberOf } from "../../src/core/notify/group-listing.js";
import { EMPTY_SPEC } from "../../src/core/spec/monitor-spec.js";
import { DEFAULT_NOTIFY } from "../../src/core/model/notify-policy.js";
import type { GroupMember, Incident, Notice, PendingNotification } from "../../src/core/model/index.js";
import { aContent, aNotice } from "../fixtures/notices.js";
import { channelHeadlines, channelTexts } from "../harness/notice-texts.js";
import { anIncident, at } from "../fixtures/incidents.js";

/**
 * What each notice tells on-call, checked on every channel that shows words: the console, the Teams
 * card at each size it may fall back to, the email and the PagerDuty summary. A notice that reaches
 * one channel true and another false is still a false notice.
 */

/** The line each channel leads with, and the email's status line under its heading. */
function headlines(n: Notice): Record<string, string> {
  // The email's first line is its heading, the subject's words again; its status line is what differs.
  const { "email text": _heading, ...leads } = channelHeadlines(n);
  return {
    ...leads,
    "email status": renderEmail(n, aContent(n)).plainText.split("\n")[1] as string,
  };
}

/** The notices an incident's outbox holds, one per kind (the channels get the same notice). */
function decided(i: Incident): PendingNotification[] {
  return [...new Map(i.outbox.map((n) => [n.kind, n])).values()];
}

describe("a close by hand, while the failures go on", () => {
  // The caller still fails at 01:29; sam closes it at 01:30 because the app was retired.
  const firing = anIncident({ lastFailureAt: at(29), counts: { ...anIncident().counts, lastFailureAt: at(29) } });
  const outcome = closeByHand(firing, "sam", at(30), "orders-v1 retired", DEFAULT_NOTIFY);
  if (outcome.status !== "closed") throw new Error(outcome.reason);
  const [notice] = decided(outcome.incident);

  it("is told as closed by hand, by whom, when and why on every channel, never as a recovery", () => {
    expect(notice?.kind).toBe("resolved");
    for (const [channel, text] of Object.entries(channelTexts(notice as Notice))) {
      expect(text, channel).toMatch(/closed by hand/i);
      expect(text, channel).toContain("sam");
      // What a recovery would claim: none of it is true of a close by hand.
      expect(text, channel).not.toMatch(/no failures since|successful calls|^\W*recovery\b|resolved at|has cleared/im);
      if (channel !== "Teams bare card" && channel !== "email subject") {
        expect(text, channel).toContain("01:30 UTC");
        expect(text, channel).toContain("orders-v1 retired");
      }
    }
  });

  it("prints on the console who closed it and when the last failure was, not a recovery line", () => {
    const text = renderText(notice as Notice, [], 15);
    expect(text.split("\n")[0]).toMatch(
      /^== CLOSED BY HAND 01:30 UTC {2}SEV-2 Key Vault access denied {2}\(open 25 min/,
    );
    expect(text).toContain("  closed     closed by hand by sam at 01:30 UTC: orders-v1 retired");
    expect(text).toContain("  failures   last seen at 01:29 UTC; not a recovery");
  });
});

describe("an automatic resolution of an acknowledged incident", () => {
  // alice acknowledged it at 01:15; the caller recovered (last failure 01:22) and the monitor resolved it at 01:40.
  const acked = acknowledge(anIncident(), "alice", at(15), "restoring the role");
  if (acked.status !== "acknowledged") throw new Error("not acknowledged");
  const responder = respond(acked.incident.responder, "system-resolved", "vaultwatch", at(40)).responder;
  const resolved = aNotice("resolved", {
    ...acked.incident,
    state: "resolved",
    resolvedAt: at(40),
    lastFailureAt: at(22),
    counts: { ...anIncident().counts, succeeded: 42 },
    responder,
  });
  const n: Notice = { ...resolved, decidedAt: at(40) };

  it("never says the acknowledger closed it, on any channel", () => {
    for (const [channel, text] of Object.entries(channelTexts(n))) {
      expect(text, channel).not.toMatch(/closed by/i);
    }
  });

  it("says what recovered: the caller and vault, since when, and the calls that succeed", () => {
    const recovered = "id-app (user-assigned identity) on kv-app: no failures since 01:22 UTC and 42 successful calls";
    const all = channelTexts(n);
    for (const channel of ["console", "Teams card", "Teams minimal card", "email text"])
      expect(all[channel], channel).toContain(recovered);
    expect(all["Teams bare card"]).toContain("Resolved: Key Vault access denied on kv-app");
  });

  it("still shows who was on it, as the acknowledgement it was", () => {
    const all = channelTexts(n);
    for (const channel of ["console", "Teams card", "email text"])
      expect(all[channel], channel).toMatch(
        /resolved by itself; acknowledged by alice at 01:15 UTC: restoring the role/i,
      );
  });
});

describe("a severity rise and the no-acknowledgement escalation", () => {
  // SEV-2 paged at 01:05; alice acknowledged it at 01:10; at 01:20 the caller turns out to be on a critical path.
  const acked = acknowledge(anIncident(), "alice", at(10), undefined);
  if (acked.status !== "acknowledged") throw new Error("not acknowledged");
  const told = planNotices(acked.incident, at(10), DEFAULT_NOTIFY, undefined);
  const raised = planNotices(
    { ...told, outbox: [], severity: "SEV-1", severityReason: "a critical path is blocked by auth errors" },
    at(20),
    DEFAULT_NOTIFY,
    undefined,
  );
  const [rise] = decided(raised);

  it("is decided as a severity rise that knows the severity it rose from", () => {
    expect(raised.outbox.map((o) => o.kind)).not.toContain("unacknowledged");
    expect(rise).toMatchObject({ kind: "escalated", raisedFrom: "SEV-2", snapshot: { severity: "SEV-1" } });
  });

  it("after an acknowledgement reads as SEV-2 → SEV-1, severity raised, and nowhere as an escalation", () => {
    for (const [channel, line] of Object.entries(headlines(rise as Notice))) {
      expect(line, channel).toMatch(/severity raised/i);
      expect(line, channel).not.toMatch(/escalat|not acknowledged/i);
      // The email's status line says it in words, below a subject that names both.
      if (channel !== "email status") expect(line, channel).toContain("SEV-2 → SEV-1");
    }
    expect(headlines(rise as Notice)["email status"]).toBe(
      "Severity raised from SEV-2 to SEV-1 at 01:20 UTC: a critical path is blocked by auth errors. Still acknowledged by alice.",
    );
  });

  it("says it is still acknowledged, and by whom", () => {
    const all = channelTexts(rise as Notice);
    expect(all.console).toContain("  responder  acknowledged by alice at 01:10 UTC");
    expect(all["Teams card"]).toContain(
      "Severity raised from SEV-2 to SEV-1. Still acknowledged by alice (since 01:10 UTC).",
    );
  });

  it("names the new severity alone when the notice was queued without the one before", () => {
    const older: Notice = { ...(rise as Notice), raisedFrom: undefined };
    expect(renderText(older, [], 15).split("\n")[0]).toMatch(/^== SEV-1 SEVERITY RAISED 01:20 UTC/);
  });

  it("keeps NOT ACKNOWLEDGED and the escalation route for a page nobody acknowledged", () => {
    // Nobody acknowledges the SEV-1 page: after SEV-1's 15 minutes it goes to the escalation route.
    const paged = planNotices(anIncident({ severity: "SEV-1" }), at(20), DEFAULT_NOTIFY, undefined);
    const unacked = decided(paged).find((o) => o.kind === "unacknowledged");
    expect(unacked).toBeDefined();
    const leads = headlines(unacked as Notice);
    for (const [channel, line] of Object.entries(leads)) {
      expect(line, channel).not.toMatch(/severity raised|→/i);
      if (channel !== "email status") expect(line, channel).toMatch(/NOT ACKNOWLEDGED|not acknowledged/);
    }
    const all = channelTexts(unacked as Notice);
    for (const channel of ["console", "Teams card", "email text", "PagerDuty summary"])
      expect(all[channel], channel).toContain("sent to the escalation route");
  });
});

describe("the no-acknowledgement escalation of a group's thread", () => {
  it("counts the minutes from the thread's first page, not from when this member opened", () => {
    // The thread paged at 01:00 (its first member); this member joined at 01:05; SEV-2's hour ran out at 02:00.
    const base = aNotice("unacknowledged");
    const n: Notice = {
      ...base,
      decidedAt: at(60),
      group: { key: base.dedupKey, openedAt: at(0), members: [] },
    };
    const all = channelTexts(n);
    expect(all.console).toContain("nobody acknowledged it in 60 minutes");
    expect(all["Teams card"]).toContain("Nobody has acknowledged it in 60 minutes");
    expect(all["email text"]).toContain("Nobody has acknowledged this SEV-2 since 01:00 UTC");
  });
});

describe("a group's list", () => {
  it("knows a member was closed by hand, and by whom, from the incident", () => {
    const closed = closeByHand(anIncident(), "sam", at(30), "orders-v1 retired", DEFAULT_NOTIFY);
    if (closed.status !== "closed") throw new Error(closed.reason);
    expect(memberOf(closed.incident, false, EMPTY_SPEC).closedBy).toBe("sam");
    expect(memberOf({ ...anIncident(), state: "resolved" }, false, EMPTY_SPEC).closedBy).toBeUndefined();
  });

  /** A denied caller `n` on kv-app, as a group lists it. */
  const member = (n: number, o: Partial<GroupMember> = {}): GroupMember => ({
    id: `incident-${n}`,
    rule: "kv-auth-denied",
    state: "firing",
    severity: "SEV-2",
    vault: "kv-app",
    identity: `id-app-${n}`,
    app: "orders",
    failures: 40,
    total: 40,
    finding: undefined,
    muted: false,
    ...o,
  });
  const base = aNotice("updated");
  const update: Notice = {
    ...base,
    group: {
      key: base.dedupKey,
      openedAt: at(5),
      members: [member(1), member(2, { state: "resolved" }), member(3, { state: "resolved", closedBy: "sam" })],
    },
  };

  it("lists a member closed by hand apart from those that recovered, with who closed it", () => {
    for (const [channel, text] of Object.entries(channelTexts(update))) {
      if (channel === "email subject" || channel === "PagerDuty summary" || channel.startsWith("Teams bare")) continue;
      expect(text, channel).toMatch(/1 resolved; 1 closed by hand/);
      if (channel !== "Teams minimal card")
        expect(text, channel).toMatch(/closed by hand:?\s+id-app-3 on kv-app \(by sam\)/i);
    }
    const console = renderText(update, [], 15);
    expect(console).toContain("  closed by hand id-app-3 on kv-app (by sam)");
    expect(console).toContain("  resolved   id-app-2 on kv-app");
    expect(console).not.toMatch(/resolved .*id-app-3/);
  });
});
