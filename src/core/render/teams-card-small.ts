/** The cards of last resort, when the full card cannot fit even at its tightest limits. */
import type { Notice } from "../model/index.js";
import { callerName, vaultName } from "../model/names.js";
import { closedByHandSentence, cutText, failureSentence, minutesBetween, RULE_TITLE } from "./words.js";
import { escapeMarkdown } from "./markdown.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";
import { adaptiveCard, Cuts, type Element, headline, kilobytes, links } from "./teams-card-parts.js";
import { groupFacts, groupOf } from "./group-words.js";

/** Who, where and how bad, each value cut short: what on-call needs to find the rest. */
export function minimalCard(
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
  const group = groupOf(n);
  const facts: [string, string][] = [
    ["Severity", cuts.text(resolved ? `${s.severity} (resolved)` : `${s.severity}: ${s.severityReason}`)],
    ["Vault", cuts.text(vault.name)],
    ["Identity", caller.objectId || caller.appId || caller.resourceId ? cuts.text(caller.label) : "-"],
    ...(app ? ([["App", cuts.text(app)]] as [string, string][]) : []),
    ...(group ? ([["Affected", cuts.text(groupFacts(group, 3)[0]?.[1] ?? "")]] as [string, string][]) : []),
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
export function bareCard(n: Notice): Element {
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
