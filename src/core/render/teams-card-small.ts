/** The cards of last resort, when the full card cannot fit even at its tightest limits. */
import type { Notice } from "../model/index.js";
import { callerName, vaultName } from "../model/names.js";
import {
  channelRejection,
  closedByHandSentence,
  cutText,
  failureSentence,
  KIND_PREFIX,
  lostDetailsSentence,
  minutesBetween,
  recoverySentence,
  titleOf,
} from "./words.js";
import { CHANNEL_WORDS } from "../notify/rejected-channels.js";
import { escapeMarkdown } from "./markdown.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";
import { ALL, adaptiveCard, Cuts, type Element, headline, kilobytes, links } from "./teams-card-parts.js";
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
  const rejected = channelRejection(s);
  // The monitor's own findings are about no vault and no caller; a rejecting channel names its channel.
  const where: [string, string][] = rejected
    ? [["Channel", CHANNEL_WORDS[rejected.channel]]]
    : s.rule === "monitor"
      ? []
      : [
          ["Vault", cuts.text(vault.name)],
          ["Identity", caller.objectId || caller.appId || caller.resourceId ? cuts.text(caller.label) : "-"],
        ];
  const lost = lostDetailsSentence(n);
  const facts: [string, string][] = [
    ["Severity", cuts.text(resolved ? `${s.severity} (resolved)` : `${s.severity}: ${s.severityReason}`)],
    ...where,
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
    ...(lost ? [{ type: "TextBlock", text: cuts.text(lost, ALL), wrap: true, color: "Warning" }] : []),
    {
      type: "TextBlock",
      text: cuts.text(
        resolved
          ? (closedByHandSentence(n) ??
              `${recoverySentence(s, windowMinutes)}. Open for ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`)
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
  // Fixed text with one time in it: the size still does not depend on the incident.
  const lost = lostDetailsSentence(n);
  // The same words as every other headline, with the one typed-in name cut so the size stays fixed.
  const by = s.responder.by === undefined ? undefined : cutText(s.responder.by, 40);
  const prefix = escapeMarkdown(KIND_PREFIX[n.kind]({ ...n, snapshot: { ...s, responder: { ...s.responder, by } } }));
  return adaptiveCard(
    [
      {
        type: "TextBlock",
        text: `${prefix}${titleOf(s)}${where}`,
        weight: "Bolder",
        size: "Medium",
        wrap: true,
      },
      ...(lost ? [{ type: "TextBlock", text: escapeMarkdown(lost), wrap: true }] : []),
      {
        type: "TextBlock",
        text: `The details were too large for a Teams message and were left out. Open GET /api/incidents/${id} on vaultwatch.`,
        wrap: true,
      },
    ],
    [],
  );
}
