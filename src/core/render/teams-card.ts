import type { Notice } from "../model.js";
import type { RunbookStep } from "../runbook.js";
import { callerName, vaultName } from "../names.js";
import { RESPONSE } from "../severity.js";
import { clock, failureSentence, KIND_PREFIX, lifecycleNote, listOf, minutesBetween, percent, RULE_TITLE, subjectOf, triggerSentence } from "./words.js";

/**
 * Teams posts through a Workflows webhook ("When a Teams webhook request is received") are
 * limited to about 28 KB, and Teams renders Adaptive Card schema up to 1.5.
 */
export const TEAMS_MAX_BYTES = 28 * 1024;

type Element = Record<string, unknown>;

/** The Workflows webhook envelope: one message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: "message";
  attachments: [{ contentType: "application/vnd.microsoft.card.adaptive"; contentUrl: null; content: Element }];
}

/** Renders a notification as an Adaptive Card 1.5 inside the Workflows message envelope. */
export function renderTeamsMessage(n: Notice, steps: readonly RunbookStep[], windowMinutes: number, evidenceLink?: string | undefined): TeamsMessage {
  // Drop query text first, then trailing steps, until the card fits; the first steps matter most.
  for (const keepKql of [true, false]) {
    for (let count = steps.length; count >= 0; count--) {
      const kept = steps.slice(0, count).map((s) => (keepKql ? s : { ...s, kql: undefined }));
      const message = envelope(card(n, kept, windowMinutes, steps.length - count, evidenceLink));
      if (byteLength(JSON.stringify(message)) <= TEAMS_MAX_BYTES) return message;
    }
  }
  return envelope(card(n, [], windowMinutes, steps.length, evidenceLink));
}

/** UTF-8 size, as the webhook counts it. */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function envelope(content: Element): TeamsMessage {
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content }] };
}

function card(n: Notice, steps: readonly RunbookStep[], windowMinutes: number, omitted: number, evidenceLink: string | undefined): Element {
  const s = n.snapshot;
  const vault = vaultName(s.key.vaultResourceId);
  const caller = callerName(s.key);
  const resolved = n.kind === "resolved";
  const headline = `${KIND_PREFIX[n.kind](s)}${RULE_TITLE[s.rule]}${s.key.vaultResourceId ? ` on ${vault.name}` : `: ${subjectOf(s)}`}`;
  const controlPlane = s.rule === "control-plane" || s.rule === "network" || s.rule === "monitor";
  const summary = resolved
    ? controlPlane
      ? `It is no longer found. Open for ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`
      : `${caller.label} has had no failures since ${clock(s.lastFailureAt)} and ${s.counts.succeeded} successful calls in the last ${windowMinutes} minutes. Open for ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`
    : `${controlPlane ? "" : `${caller.label}: `}${failureSentence(s, windowMinutes)}.${lifecycleNote(n)}`;

  const facts: [string, string][] = [
    ["Severity", resolved ? `${s.severity} (resolved)` : `${s.severity}: ${s.severityReason}. Expected response: ${RESPONSE[s.severity]}`],
    ["Vault", vault.resourceGroup ? `${vault.name} (resource group ${vault.resourceGroup})` : vault.name],
    ["Identity", caller.objectId ? caller.label : "-"],
    ["Object ID", caller.objectId || "-"],
    ...((controlPlane
      ? [["Finding", s.triggers.map((t) => (t.kind === "control-plane" ? t.finding : t.kind)).join(", ")]]
      : [
          ["App ID", caller.appId || "-"],
          ["Failures", `${s.counts.failures} of ${s.counts.total} (${percent(s.counts.failurePercent)}); peak ${s.peakFailures}`],
          ["Operations", listOf(s.counts.operations)],
          ["First failure", clock(s.counts.firstFailureAt)],
        ]) as [string, string][]),
    ["Opened", s.openedAt.toISOString()],
    ["Incident", s.id],
    ["Responder", s.responder.state === "new" ? "not acknowledged" : `${s.responder.state}${s.responder.by ? ` by ${s.responder.by}` : ""}${s.responder.at ? ` at ${clock(s.responder.at)}` : ""}${s.responder.note ? `: ${s.responder.note}` : ""}`],
  ];
  if (resolved) facts.push(["Resolved", (s.resolvedAt ?? n.decidedAt).toISOString()]);

  const body: Element[] = [
    {
      type: "Container",
      style: resolved ? "good" : s.severity === "SEV-1" || s.severity === "SEV-2" ? "attention" : "warning",
      bleed: true,
      items: [{ type: "TextBlock", text: headline, weight: "Bolder", size: "Medium", wrap: true }],
    },
    { type: "TextBlock", text: summary, wrap: true },
    { type: "FactSet", facts: facts.map(([title, value]) => ({ title, value })) },
  ];
  if (!resolved && s.diagnosis) {
    const d = s.diagnosis;
    body.push({ type: "TextBlock", text: "Likely cause", weight: "Bolder", separator: true, spacing: "Medium" });
    if (d.propagation) body.push({ type: "TextBlock", text: `Propagation window: ${d.propagation.text}`, wrap: true, color: "Warning", weight: "Bolder" });
    d.top.forEach((h, i) => {
      body.push({ type: "TextBlock", text: `${i + 1}. ${h.id} ${h.title} (${h.verdict})`, wrap: true, weight: i === 0 ? "Bolder" : "Default", spacing: "Small" });
      for (const c of h.confirming) body.push({ type: "TextBlock", text: `+ ${c}`, wrap: true, spacing: "None", size: "Small" });
      for (const c of h.disproving) body.push({ type: "TextBlock", text: `- ${c}`, wrap: true, spacing: "None", size: "Small", isSubtle: true });
    });
    body.push({ type: "TextBlock", text: `Decided by: ${d.decidedBy}`, wrap: true, isSubtle: true, size: "Small" });
  }
  if (!resolved && s.triggers.length > 0) {
    body.push({ type: "TextBlock", text: "Why it fired", weight: "Bolder", separator: true, spacing: "Medium" });
    for (const t of s.triggers) body.push({ type: "TextBlock", text: `- ${triggerSentence(t)}`, wrap: true, spacing: "Small" });
  }
  if (!resolved && steps.length > 0) {
    body.push({ type: "TextBlock", text: "Runbook", weight: "Bolder", separator: true, spacing: "Medium" });
    steps.forEach((step, i) => {
      body.push({ type: "TextBlock", text: `${i + 1}. ${step.title}`, wrap: true, spacing: "Small" });
      const code = step.command ?? step.kql;
      if (code) body.push({ type: "TextBlock", text: code, wrap: true, fontType: "Monospace", size: "Small", spacing: "None" });
      if (step.command && step.kql) body.push({ type: "TextBlock", text: step.kql, wrap: true, fontType: "Monospace", size: "Small" });
    });
    if (omitted > 0) body.push({ type: "TextBlock", text: `${omitted} more steps left out to fit Teams' message size limit.`, isSubtle: true, wrap: true });
  }
  const actions: Element[] = [];
  if (evidenceLink) actions.push({ type: "Action.OpenUrl", title: "Open the evidence query", url: evidenceLink });
  if (vault.subscriptionId) {
    actions.push({ type: "Action.OpenUrl", title: "Open the vault in the portal", url: `https://portal.azure.com/#resource${vault.id}/overview` });
  }
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    msteams: { width: "Full" },
    body,
    actions,
  };
}
