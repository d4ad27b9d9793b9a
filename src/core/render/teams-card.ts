/**
 * A notice as a Teams message within the Workflows size limit: the full card (teams-card-full.ts)
 * on a ladder of ever tighter limits, then the small cards (teams-card-small.ts).
 */
import type { Notice } from "../model/index.js";
import type { RunbookStep } from "../runbook/runbook.js";
import { byteLength, type Element, type Limits, ALL } from "./teams-card-parts.js";
import { card } from "./teams-card-full.js";
import { bareCard, minimalCard } from "./teams-card-small.js";

export { byteLength };

/**
 * Teams posts through a Workflows webhook ("When a Teams webhook request is received") are
 * limited to about 28 KB (learn.microsoft.com/connectors/teams/), and Teams renders Adaptive Card
 * schema up to 1.5.
 */
export const TEAMS_MAX_BYTES = 28 * 1024;

/** The Workflows webhook envelope: one message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: "message";
  attachments: [{ contentType: "application/vnd.microsoft.card.adaptive"; contentUrl: null; content: Element }];
}

/**
 * Each rung gives up something on-call needs less than what the next rung gives up: long samples
 * first (their start says what they are), then the tail of the evidence, then the queries (the
 * evidence link opens the main one), then the last runbook steps. The first rung is the card as is.
 */
function* ladder(stepCount: number): Generator<Limits> {
  yield { text: ALL, code: ALL, evidence: ALL, hypotheses: ALL, triggers: ALL, kql: true, steps: stepCount };
  yield { text: 1000, code: 4000, evidence: 10, hypotheses: ALL, triggers: 10, kql: true, steps: stepCount };
  yield { text: 500, code: 3000, evidence: 6, hypotheses: 3, triggers: 8, kql: true, steps: stepCount };
  const tight = { text: 300, code: 2000, evidence: 4, hypotheses: 3, triggers: 5 };
  yield { ...tight, kql: true, steps: stepCount };
  for (let steps = stepCount; steps >= 0; steps--) yield { ...tight, kql: false, steps };
  yield { text: 150, code: 0, evidence: 1, hypotheses: 1, triggers: 2, kql: false, steps: 0 };
}

/**
 * Renders a notification as an Adaptive Card 1.5 inside the Workflows message envelope, at most
 * `maxBytes` as posted (for any `maxBytes` from 1 KB up). What does not fit is left out and the
 * card says so.
 */
export function renderTeamsMessage(
  n: Notice,
  steps: readonly RunbookStep[],
  windowMinutes: number,
  evidenceLink?: string | undefined,
  maxBytes = TEAMS_MAX_BYTES,
): TeamsMessage {
  const fits = (m: TeamsMessage) => messageBytes(m) <= maxBytes;
  for (const limits of ladder(steps.length)) {
    const message = envelope(card(n, steps, windowMinutes, evidenceLink, limits, maxBytes));
    if (fits(message)) return message;
  }
  for (const withLinks of [true, false]) {
    const minimal = envelope(minimalCard(n, windowMinutes, evidenceLink, withLinks, maxBytes));
    if (fits(minimal)) return minimal;
  }
  // Below about 1 KB even the minimal card does not fit; this one is fixed text and short names.
  return envelope(bareCard(n));
}

/** The size of the message as the adapter posts it (JSON.stringify of the envelope, UTF-8). */
export function messageBytes(message: TeamsMessage): number {
  return byteLength(JSON.stringify(message));
}

function envelope(content: Element): TeamsMessage {
  return {
    type: "message",
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content }],
  };
}
