import type { Notice } from "../../src/core/model/index.js";
import type { NoticeContent } from "../../src/core/ports/ports.js";
import { renderText } from "../../src/core/render/text.js";
import { renderTeamsMessage, type TeamsMessage } from "../../src/core/render/teams-card.js";
import { renderEmail } from "../../src/core/render/email.js";
import { renderPagerDutyEvent } from "../../src/core/render/pagerduty.js";
import { aContent } from "../fixtures/notices.js";

/**
 * What each channel shows of a notice, as text: the console, the Teams card at each size it may
 * fall back to, the email and the PagerDuty summary. A notice must read true on all of them.
 */

export type CardSize = "full" | "minimal" | "bare";

/** The card's size, found by what each small card says of itself (teams-card-small.ts). */
export function cardSize(m: TeamsMessage): CardSize {
  const json = JSON.stringify(m);
  if (json.includes("too large for a Teams message (")) return "minimal";
  if (json.includes("too large for a Teams message and")) return "bare";
  return "full";
}

/** Every string a card shows, in order. */
export function cardTexts(e: unknown): string[] {
  if (typeof e === "string") return [e];
  if (Array.isArray(e)) return e.flatMap(cardTexts);
  if (e && typeof e === "object") {
    const o = e as Record<string, unknown>;
    return [o.text, o.title, o.value, o.items, o.body, o.facts].flatMap((v) => (v === undefined ? [] : cardTexts(v)));
  }
  return [];
}

/**
 * The Teams card of `size` at the largest size limit that forces it, one text a line: the limit is
 * searched rather than fixed, since how large a card is depends on the notice.
 */
export function teamsAs(n: Notice, size: CardSize, content: NoticeContent = aContent(n)): string {
  for (let maxBytes = 28 * 1024; maxBytes >= 200; maxBytes -= 50) {
    const m = renderTeamsMessage(n, content.steps, content.windowMinutes, content.evidenceLink, maxBytes);
    if (cardSize(m) === size) return cardTexts(m.attachments[0].content).join("\n");
  }
  throw new Error(`no size limit renders the ${size} card`);
}

/** Each channel's text of `n`. PagerDuty reads no words from acknowledge or resolve events. */
export function channelTexts(n: Notice, content: NoticeContent = aContent(n)): Record<string, string> {
  const email = renderEmail(n, content);
  const pd = renderPagerDutyEvent(n, content);
  return {
    console: renderText(n, content.steps, content.windowMinutes),
    "Teams card": teamsAs(n, "full", content),
    "Teams minimal card": teamsAs(n, "minimal", content),
    "Teams bare card": teamsAs(n, "bare", content),
    "email subject": email.subject,
    "email text": email.plainText,
    ...(pd.event_action === "trigger" ? { "PagerDuty summary": pd.payload.summary } : {}),
  };
}

/** The line each channel leads with: what on-call reads before deciding to open it. */
export function channelHeadlines(n: Notice, content: NoticeContent = aContent(n)): Record<string, string> {
  const all = channelTexts(n, content);
  return Object.fromEntries(Object.entries(all).map(([channel, text]) => [channel, text.split("\n")[0] as string]));
}
