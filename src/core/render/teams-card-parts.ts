/**
 * The pieces every Teams card rendering shares: the limits a rendering works within, what it left
 * out (`Cuts`), the headline, the portal links and the card frame.
 */
import type { Notice } from "../model/index.js";
import { vaultName } from "../model/names.js";
import { channelRejection, cutText, KIND_PREFIX, subjectWords, titleOf } from "./words.js";
import { escapeMarkdown } from "./markdown.js";
import { vaultOf } from "../model/subject.js";

export type Element = Record<string, unknown>;

/**
 * How much of each part a rendering may show. Workflows accepts an oversize post with 202 and then
 * drops it without a word, so the card must fit whatever the logs put into the incident.
 */
export interface Limits {
  /** UTF-16 units of any one free-text value (a name, a log sample, a reason). */
  text: number;
  /** UTF-16 units of one command or query; a longer one is left out, never cut, since a cut command is a wrong command. */
  code: number;
  /** Evidence lines under one hypothesis. */
  evidence: number;
  hypotheses: number;
  triggers: number;
  kql: boolean;
  steps: number;
}

export const ALL = Number.POSITIVE_INFINITY;

/** A portal link longer than this is left out: ours are about 1 KB, and a longer one would crowd out the card. */
export const MAX_LINK_BYTES = 4000;

/** UTF-8 size, as the webhook counts it. */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** What one rendering left out, so the card can say it. */
export class Cuts {
  shortened = 0;
  hypotheses = 0;
  evidence = 0;
  triggers = 0;
  queries = 0;
  commands = 0;
  steps = 0;
  links = 0;

  constructor(
    readonly limits: Limits,
    readonly maxBytes: number,
  ) {}

  /** Untrusted or composed prose: cut to the limit, then escaped for Markdown. */
  text(value: string, max = this.limits.text): string {
    const cut = cutText(value, max);
    if (cut !== value) this.shortened++;
    return escapeMarkdown(cut);
  }

  leftOutAnything(): boolean {
    return (
      this.shortened +
        this.hypotheses +
        this.evidence +
        this.triggers +
        this.queries +
        this.commands +
        this.steps +
        this.links >
      0
    );
  }

  /** One sentence naming each kind of thing left out, and where the whole of it is. */
  note(incidentId: string): string {
    const parts: string[] = [];
    const add = (count: number, one: string, many: string) =>
      count > 0 && parts.push(`${count} ${count === 1 ? one : many}`);
    add(this.hypotheses, "hypothesis", "hypotheses");
    add(this.evidence, "evidence line", "evidence lines");
    add(this.triggers, "reason it fired", "reasons it fired");
    add(this.steps, "runbook step", "runbook steps");
    add(this.queries, "runbook query", "runbook queries");
    add(this.commands, "runbook command (too long to show)", "runbook commands (too long to show)");
    add(this.links, "portal link (too long)", "portal links (too long)");
    const limit = `Teams' ${kilobytes(this.maxBytes)} message limit`;
    const left = parts.length > 0 ? `Left out to fit ${limit}: ${parts.join(", ")}.` : `Shortened to fit ${limit}.`;
    const cut =
      this.shortened > 0
        ? ` ${this.shortened} long ${this.shortened === 1 ? "value was" : "values were"} cut short (they end in …).`
        : "";
    return `${left}${cut} The whole incident is at GET /api/incidents/${escapeMarkdown(cutText(incidentId, 200))} on vaultwatch; email and PagerDuty notices, where configured, carry the full runbook.`;
  }
}

export function kilobytes(bytes: number): string {
  return `${Math.floor(bytes / 1024)} KB`;
}

export function headline(n: Notice, cuts: Cuts): string {
  const s = n.snapshot;
  // The acknowledger's name is typed into the API; a long one must not push the vault out of the headline.
  const by = s.responder.by === undefined ? undefined : cutText(s.responder.by, Math.min(cuts.limits.text, 80));
  const prefix = KIND_PREFIX[n.kind]({ ...n, snapshot: { ...s, responder: { ...s.responder, by } } });
  const vaultId = vaultOf(s.subject);
  // "Channel Teams rejects notices" already says what it is about.
  const where = vaultId
    ? ` on ${cutText(vaultName(vaultId).name, Math.min(cuts.limits.text, 200))}`
    : channelRejection(s)
      ? ""
      : `: ${cutText(subjectWords(s), Math.min(cuts.limits.text, 200))}`;
  return cuts.text(`${prefix}${titleOf(s)}${where}`, ALL);
}

export function links(s: Notice["snapshot"], evidenceLink: string | undefined, cuts: Cuts): Element[] {
  const actions: Element[] = [];
  const add = (title: string, url: string) => {
    if (byteLength(JSON.stringify(url)) <= MAX_LINK_BYTES) actions.push({ type: "Action.OpenUrl", title, url });
    else cuts.links++;
  };
  if (evidenceLink) add("Open the evidence query", evidenceLink);
  const vault = vaultName(vaultOf(s.subject));
  if (vault.subscriptionId)
    add("Open the vault in the portal", `https://portal.azure.com/#resource${vault.id}/overview`);
  return actions;
}

export function adaptiveCard(body: Element[], actions: Element[]): Element {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    msteams: { width: "Full" },
    body,
    actions,
  };
}
