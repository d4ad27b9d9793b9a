/** The full Teams card: summary, facts, ranked hypotheses with evidence, runbook steps and links. */
import type { Notice } from "../model/index.js";
import type { RunbookStep } from "../runbook/runbook.js";
import { callerName, vaultName } from "../model/names.js";
import { RESPONSE } from "../model/severity.js";
import { utcTime } from "../common/utc.js";
import {
  channelRejection,
  closedByHandSentence,
  failureSentence,
  lifecycleNote,
  listOf,
  lostDetailsSentence,
  minutesBetween,
  percent,
  recoverySentence,
  responderWords,
  triggerSentence,
} from "./words.js";
import { escapeCode } from "./markdown.js";
import { CHANNEL_WORDS } from "../notify/rejected-channels.js";
import { CHANNEL_SETTINGS } from "../runbook/channel-steps.js";
import { callerOf, vaultOf } from "../model/subject.js";
import { ALL, adaptiveCard, Cuts, type Element, headline, type Limits, links } from "./teams-card-parts.js";
import { groupFacts, groupOf } from "./group-words.js";
import { revisionLine } from "../diagnosis/index.js";

export function card(
  n: Notice,
  steps: readonly RunbookStep[],
  windowMinutes: number,
  evidenceLink: string | undefined,
  limits: Limits,
  maxBytes: number,
): Element {
  const s = n.snapshot;
  const cuts = new Cuts(limits, maxBytes);
  const caller = callerName(callerOf(s.subject));
  const resolved = n.kind === "resolved";
  const controlPlane = s.rule === "control-plane" || s.rule === "network" || s.rule === "monitor";
  const summary = resolved
    ? (closedByHandSentence(n) ??
      `${recoverySentence(s, windowMinutes)}. Open for ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`)
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
    ...whereFacts(n, cuts),
    ...((controlPlane
      ? [["Finding", cuts.text(listOf(s.triggers.map(findingOf)))]]
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
    ["Responder", cuts.text(responderWords(s.responder))],
  ];
  if (resolved) facts.push(["Resolved", (s.resolvedAt ?? n.decidedAt).toISOString()]);

  const body: Element[] = [
    {
      type: "Container",
      style: resolved ? "good" : s.severity === "SEV-1" || s.severity === "SEV-2" ? "attention" : "warning",
      bleed: true,
      items: [{ type: "TextBlock", text: headline(n, cuts), weight: "Bolder", size: "Medium", wrap: true }],
    },
    // Before the summary: what follows may not be what the notice was decided on.
    ...lostDetails(n, cuts),
    { type: "TextBlock", text: cuts.text(summary), wrap: true },
    { type: "FactSet", facts: facts.map(([title, value]) => ({ title, value })) },
  ];
  const group = groupOf(n);
  if (group) {
    body.push({ type: "TextBlock", text: "One cause", weight: "Bolder", separator: true, spacing: "Medium" });
    body.push({
      type: "FactSet",
      facts: groupFacts(group, limits.evidence === ALL ? 8 : limits.evidence).map(([title, value]) => ({
        title,
        value: cuts.text(value),
      })),
    });
  }
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
    const revised = revisionLine(d);
    if (revised) body.push({ type: "TextBlock", text: cuts.text(revised), wrap: true, isSubtle: true, size: "Small" });
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

/**
 * The vault and identity facts; the monitor's own findings are about neither (a rejecting channel
 * names its channel and settings instead).
 */
function whereFacts(n: Notice, cuts: Cuts): [string, string][] {
  const s = n.snapshot;
  const rejected = channelRejection(s);
  if (rejected)
    return [
      ["Channel", CHANNEL_WORDS[rejected.channel]],
      ["Settings", CHANNEL_SETTINGS[rejected.channel].join(", ")],
    ];
  if (s.rule === "monitor") return [];
  const vault = vaultName(vaultOf(s.subject));
  const caller = callerName(callerOf(s.subject));
  return [
    ["Vault", cuts.text(vault.resourceGroup ? `${vault.name} (resource group ${vault.resourceGroup})` : vault.name)],
    ["Identity", caller.objectId ? cuts.text(caller.label) : "-"],
    ["Object ID", caller.objectId ? cuts.text(caller.objectId) : "-"],
  ];
}

/** What a finding is, by kind: a control-plane finding's own kind, what the monitor cannot reach. */
function findingOf(t: Notice["snapshot"]["triggers"][number]): string {
  if (t.kind === "control-plane") return t.finding;
  if (t.kind === "monitor") return t.source ?? "workspace";
  return t.kind;
}

/** The warning of a notice whose stored details were lost (words.ts, `lostDetailsSentence`). */
export function lostDetails(n: Notice, cuts: Cuts): Element[] {
  const lost = lostDetailsSentence(n);
  return lost ? [{ type: "TextBlock", text: cuts.text(lost, ALL), wrap: true, color: "Warning" }] : [];
}

/** The code to show for a step, or undefined when there is none or it is too long to show whole. */
function shownCode(code: string | undefined, max: number, leftOut: () => void): string | undefined {
  if (!code) return undefined;
  if (code.length <= max) return code;
  leftOut();
  return undefined;
}
