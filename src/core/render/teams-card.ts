import type { Notice } from "../model/index.js";
import type { RunbookStep } from "../runbook/runbook.js";
import { callerName, vaultName } from "../model/names.js";
import { RESPONSE } from "../model/severity.js";
import { utcTime } from "../common/utc.js";
import {
  closedByHandSentence,
  cutText,
  failureSentence,
  KIND_PREFIX,
  lifecycleNote,
  listOf,
  minutesBetween,
  percent,
  RULE_TITLE,
  subjectWords,
  triggerSentence,
} from "./words.js";
import { escapeCode, escapeMarkdown } from "./markdown.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";

/**
 * Teams posts through a Workflows webhook ("When a Teams webhook request is received") are
 * limited to about 28 KB (learn.microsoft.com/connectors/teams/), and Teams renders Adaptive Card
 * schema up to 1.5.
 */
export const TEAMS_MAX_BYTES = 28 * 1024;

type Element = Record<string, unknown>;

/** The Workflows webhook envelope: one message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: "message";
  attachments: [{ contentType: "application/vnd.microsoft.card.adaptive"; contentUrl: null; content: Element }];
}

/**
 * How much of each part a rendering may show. Workflows accepts an oversize post with 202 and then
 * drops it without a word, so the card must fit whatever the logs put into the incident.
 */
interface Limits {
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

const ALL = Number.POSITIVE_INFINITY;
/** A portal link longer than this is left out: ours are about 1 KB, and a longer one would crowd out the card. */
const MAX_LINK_BYTES = 4000;

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

/** UTF-8 size, as the webhook counts it. */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
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

/** What one rendering left out, so the card can say it. */
class Cuts {
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

function kilobytes(bytes: number): string {
  return `${Math.floor(bytes / 1024)} KB`;
}

function card(
  n: Notice,
  steps: readonly RunbookStep[],
  windowMinutes: number,
  evidenceLink: string | undefined,
  limits: Limits,
  maxBytes: number,
): Element {
  const s = n.snapshot;
  const cuts = new Cuts(limits, maxBytes);
  const vault = vaultName(vaultOf(s.subject));
  const caller = callerName(callerOf(s.subject));
  const resolved = n.kind === "resolved";
  const controlPlane = s.rule === "control-plane" || s.rule === "network" || s.rule === "monitor";
  const summary = resolved
    ? (closedByHandSentence(n) ??
      (controlPlane
        ? `It is no longer found. Open for ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`
        : `${caller.label} has had no failures since ${utcTime(s.lastFailureAt)} and ${s.counts.succeeded} successful calls in the last ${windowMinutes} minutes. Open for ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`))
    : `${controlPlane ? "" : `${caller.label}: `}${failureSentence(s, windowMinutes)}.${lifecycleNote(n)}`;

  const facts: [string, string][] = [
    [
      "Severity",
      cuts.text(
        resolved
          ? `${s.severity} (resolved)`
          : `${s.severity}: ${s.severityReason}. Expected response: ${RESPONSE[s.severity]}`,
      ),
    ],
    ["Vault", cuts.text(vault.resourceGroup ? `${vault.name} (resource group ${vault.resourceGroup})` : vault.name)],
    ["Identity", caller.objectId ? cuts.text(caller.label) : "-"],
    ["Object ID", caller.objectId ? cuts.text(caller.objectId) : "-"],
    ...((controlPlane
      ? [["Finding", cuts.text(listOf(s.triggers.map((t) => (t.kind === "control-plane" ? t.finding : t.kind))))]]
      : [
          ["App ID", caller.appId ? cuts.text(caller.appId) : "-"],
          [
            "Failures",
            `${s.counts.failures} of ${s.counts.total} (${percent(s.counts.failurePercent)}); peak ${s.peakFailures}`,
          ],
          ["Operations", cuts.text(listOf(s.counts.operations))],
          ["First failure", utcTime(s.counts.firstFailureAt)],
        ]) as [string, string][]),
    ["Opened", s.openedAt.toISOString()],
    ["Incident", cuts.text(s.id)],
    ["Responder", cuts.text(responderText(s.responder))],
  ];
  if (resolved) facts.push(["Resolved", (s.resolvedAt ?? n.decidedAt).toISOString()]);

  const body: Element[] = [
    {
      type: "Container",
      style: resolved ? "good" : s.severity === "SEV-1" || s.severity === "SEV-2" ? "attention" : "warning",
      bleed: true,
      items: [{ type: "TextBlock", text: headline(n, cuts), weight: "Bolder", size: "Medium", wrap: true }],
    },
    { type: "TextBlock", text: cuts.text(summary), wrap: true },
    { type: "FactSet", facts: facts.map(([title, value]) => ({ title, value })) },
  ];
  if (!resolved && s.diagnosis) {
    const d = s.diagnosis;
    body.push({ type: "TextBlock", text: "Likely cause", weight: "Bolder", separator: true, spacing: "Medium" });
    if (d.propagation)
      body.push({
        type: "TextBlock",
        text: `Propagation window: ${cuts.text(d.propagation.text)}`,
        wrap: true,
        color: "Warning",
        weight: "Bolder",
      });
    const shown = d.top.slice(0, limits.hypotheses);
    cuts.hypotheses += d.top.length - shown.length;
    shown.forEach((h, i) => {
      body.push({
        type: "TextBlock",
        text: `${i + 1}. ${cuts.text(`${h.id} ${h.title} (${h.verdict})`)}`,
        wrap: true,
        weight: i === 0 ? "Bolder" : "Default",
        spacing: "Small",
      });
      const confirming = h.confirming.slice(0, limits.evidence);
      const disproving = h.disproving.slice(0, Math.max(0, limits.evidence - confirming.length));
      for (const c of confirming)
        body.push({ type: "TextBlock", text: `+ ${cuts.text(c)}`, wrap: true, spacing: "None", size: "Small" });
      for (const c of disproving)
        body.push({
          type: "TextBlock",
          text: `- ${cuts.text(c)}`,
          wrap: true,
          spacing: "None",
          size: "Small",
          isSubtle: true,
        });
      const hidden = h.confirming.length + h.disproving.length - confirming.length - disproving.length;
      if (hidden > 0) {
        cuts.evidence += hidden;
        body.push({
          type: "TextBlock",
          text: `(${hidden} more evidence ${hidden === 1 ? "line" : "lines"} left out)`,
          wrap: true,
          spacing: "None",
          size: "Small",
          isSubtle: true,
        });
      }
    });
    if (cuts.hypotheses > 0)
      body.push({
        type: "TextBlock",
        text: `(${cuts.hypotheses} more ${cuts.hypotheses === 1 ? "hypothesis" : "hypotheses"} left out)`,
        wrap: true,
        spacing: "Small",
        isSubtle: true,
      });
    body.push({
      type: "TextBlock",
      text: `Decided by: ${cuts.text(d.decidedBy)}`,
      wrap: true,
      isSubtle: true,
      size: "Small",
    });
  }
  if (!resolved && s.triggers.length > 0) {
    body.push({ type: "TextBlock", text: "Why it fired", weight: "Bolder", separator: true, spacing: "Medium" });
    const shown = s.triggers.slice(0, limits.triggers);
    for (const t of shown)
      body.push({ type: "TextBlock", text: `- ${cuts.text(triggerSentence(t))}`, wrap: true, spacing: "Small" });
    cuts.triggers += s.triggers.length - shown.length;
    if (cuts.triggers > 0)
      body.push({
        type: "TextBlock",
        text: `(${cuts.triggers} more left out)`,
        wrap: true,
        spacing: "Small",
        isSubtle: true,
      });
  }
  if (!resolved && steps.length > 0) {
    const kept = steps.slice(0, limits.steps);
    cuts.steps += steps.length - kept.length;
    if (kept.length > 0) {
      body.push({ type: "TextBlock", text: "Runbook", weight: "Bolder", separator: true, spacing: "Medium" });
      kept.forEach((step, i) => {
        body.push({ type: "TextBlock", text: `${i + 1}. ${cuts.text(step.title)}`, wrap: true, spacing: "Small" });
        const command = shownCode(step.command, limits.code, () => cuts.commands++);
        const kql = limits.kql ? shownCode(step.kql, limits.code, () => cuts.queries++) : undefined;
        if (!limits.kql && step.kql) cuts.queries++;
        if (command)
          body.push({
            type: "TextBlock",
            text: escapeCode(command),
            wrap: true,
            fontType: "Monospace",
            size: "Small",
            spacing: "None",
          });
        if (kql)
          body.push({
            type: "TextBlock",
            text: escapeCode(kql),
            wrap: true,
            fontType: "Monospace",
            size: "Small",
            spacing: command ? "Default" : "None",
          });
      });
    }
    const missing: string[] = [];
    if (kept.length === 0) missing.push(`the runbook (${steps.length} ${steps.length === 1 ? "step" : "steps"})`);
    else if (cuts.steps > 0) missing.push(`${cuts.steps} more ${cuts.steps === 1 ? "step" : "steps"}`);
    if (cuts.queries > 0)
      missing.push(
        `the Log Analytics ${cuts.queries === 1 ? "query" : "queries"} of ${cuts.queries === 1 ? "1 step" : `${cuts.queries} steps`} shown${evidenceLink ? " (the evidence link opens the main one)" : ""}`,
      );
    if (cuts.commands > 0)
      missing.push(`${cuts.commands} ${cuts.commands === 1 ? "command" : "commands"} too long to show`);
    if (missing.length > 0)
      body.push({
        type: "TextBlock",
        text: `Left out to fit Teams' message size limit: ${missing.join("; ")}.`,
        isSubtle: true,
        wrap: true,
      });
  }
  const actions = links(s, evidenceLink, cuts);
  if (cuts.leftOutAnything())
    body.push({ type: "TextBlock", text: cuts.note(s.id), isSubtle: true, wrap: true, separator: true, size: "Small" });
  return adaptiveCard(body, actions);
}

/** The code to show for a step, or undefined when there is none or it is too long to show whole. */
function shownCode(code: string | undefined, max: number, leftOut: () => void): string | undefined {
  if (!code) return undefined;
  if (code.length <= max) return code;
  leftOut();
  return undefined;
}

function headline(n: Notice, cuts: Cuts): string {
  const s = n.snapshot;
  // The acknowledger's name is typed into the API; a long one must not push the vault out of the headline.
  const by = s.responder.by === undefined ? undefined : cutText(s.responder.by, Math.min(cuts.limits.text, 80));
  const prefix = KIND_PREFIX[n.kind]({ ...s, responder: { ...s.responder, by } });
  const vaultId = vaultOf(s.subject);
  const where = vaultId
    ? ` on ${cutText(vaultName(vaultId).name, Math.min(cuts.limits.text, 200))}`
    : `: ${cutText(subjectWords(s), Math.min(cuts.limits.text, 200))}`;
  return cuts.text(`${prefix}${RULE_TITLE[s.rule]}${where}`, ALL);
}

function responderText(r: Notice["snapshot"]["responder"]): string {
  if (r.state === "new") return "not acknowledged";
  return `${r.state}${r.by ? ` by ${r.by}` : ""}${r.at ? ` at ${utcTime(r.at)}` : ""}${r.note ? `: ${r.note}` : ""}`;
}

function links(s: Notice["snapshot"], evidenceLink: string | undefined, cuts: Cuts): Element[] {
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

function adaptiveCard(body: Element[], actions: Element[]): Element {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    msteams: { width: "Full" },
    body,
    actions,
  };
}

/** Who, where and how bad, each value cut short: what on-call needs to find the rest. */
function minimalCard(
  n: Notice,
  windowMinutes: number,
  evidenceLink: string | undefined,
  withLinks: boolean,
  maxBytes: number,
): Element {
  const s = n.snapshot;
  const cuts = new Cuts(
    { text: 200, code: 0, evidence: 0, hypotheses: 0, triggers: 0, kql: false, steps: 0 },
    maxBytes,
  );
  const vault = vaultName(vaultOf(s.subject));
  const caller = callerName(callerOf(s.subject));
  const app = appOf(s.subject);
  const resolved = n.kind === "resolved";
  const facts: [string, string][] = [
    ["Severity", cuts.text(resolved ? `${s.severity} (resolved)` : `${s.severity}: ${s.severityReason}`)],
    ["Vault", cuts.text(vault.name)],
    ["Identity", caller.objectId || caller.appId || caller.resourceId ? cuts.text(caller.label) : "-"],
    ...(app ? ([["App", cuts.text(app)]] as [string, string][]) : []),
    ["Opened", s.openedAt.toISOString()],
    ["Incident", cuts.text(s.id)],
  ];
  const actions = withLinks ? links(s, evidenceLink, cuts) : [];
  const dropped =
    cuts.links > 0 || (!withLinks && (evidenceLink || vault.subscriptionId))
      ? " The portal links did not fit either."
      : "";
  const body: Element[] = [
    {
      type: "Container",
      style: resolved ? "good" : s.severity === "SEV-1" || s.severity === "SEV-2" ? "attention" : "warning",
      bleed: true,
      items: [{ type: "TextBlock", text: headline(n, cuts), weight: "Bolder", size: "Medium", wrap: true }],
    },
    {
      type: "TextBlock",
      text: cuts.text(
        resolved
          ? (closedByHandSentence(n) ??
              `Resolved after ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`)
          : `${failureSentence(s, windowMinutes)}.`,
        300,
      ),
      wrap: true,
    },
    { type: "FactSet", facts: facts.map(([title, value]) => ({ title, value })) },
    {
      type: "TextBlock",
      text: `The details were too large for a Teams message (${kilobytes(maxBytes)} limit) and were left out: the likely cause and its evidence, why it fired, and the runbook. Open GET /api/incidents/${escapeMarkdown(cutText(s.id, 200))} on vaultwatch${actions.some((a) => a.title === "Open the evidence query") ? ", or the evidence query below" : ""}.${dropped}`,
      wrap: true,
      separator: true,
    },
  ];
  return adaptiveCard(body, actions);
}

/** Fixed text, the vault and the incident ID, all short: its size does not depend on the incident. */
function bareCard(n: Notice): Element {
  const s = n.snapshot;
  const id = escapeMarkdown(cutText(s.id, 60));
  const vaultId = vaultOf(s.subject);
  const where = vaultId ? ` on ${escapeMarkdown(cutText(vaultName(vaultId).name, 60))}` : "";
  return adaptiveCard(
    [
      {
        type: "TextBlock",
        text: `${s.severity} ${n.kind}: ${RULE_TITLE[s.rule]}${where}`,
        weight: "Bolder",
        size: "Medium",
        wrap: true,
      },
      {
        type: "TextBlock",
        text: `The details were too large for a Teams message and were left out. Open GET /api/incidents/${id} on vaultwatch.`,
        wrap: true,
      },
    ],
    [],
  );
}
