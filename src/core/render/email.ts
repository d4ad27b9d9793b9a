import type { IncidentSnapshot, Notice, Responder, Severity } from "../model/index.js";
import type { NoticeContent } from "./notice-content.js";
import { callerName, vaultName, type CallerName, type VaultName } from "../model/names.js";
import { RESPONSE } from "../model/severity.js";
import { utcTime } from "../common/utc.js";
import {
  channelRejection,
  closedByHandSentence,
  failureSentence,
  listOf,
  lostDetailsSentence,
  minutesBetween,
  percent,
  recoverySentence,
  responderWords,
  severityRise,
  threadOpenedAt,
  titleOf,
  triggerSentence,
} from "./words.js";
import { CHANNEL_WORDS } from "../notify/rejected-channels.js";
import { CHANNEL_SETTINGS } from "../runbook/channel-steps.js";
import { toHtml, toText, type Banner, type Block } from "./email-blocks.js";
import { forbiddenOf } from "../signals/request-counts.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";
import { groupFacts, groupOf } from "./group-words.js";
import { revisionLine } from "../diagnosis/index.js";

export interface RenderedEmail {
  subject: string;
  plainText: string;
  html: string;
}

const COLOR: Record<Severity, string> = {
  "SEV-1": "#a4262c",
  "SEV-2": "#c43e1c",
  "SEV-3": "#8a6100",
  "SEV-4": "#605e5c",
};
const RESOLVED_COLOR = "#107c10";

/** Renders a notice as an email: a subject that says what changed, and the same body as HTML and text. */
export function renderEmail(notice: Notice, content: NoticeContent): RenderedEmail {
  const s = notice.snapshot;
  const vault = vaultName(vaultOf(s.subject));
  const caller = callerName(callerOf(s.subject));
  const banner: Banner = {
    title: `${s.severity} ${headlineOf(s)}`,
    subtitle: statusLine(notice),
    color: notice.kind === "resolved" ? RESOLVED_COLOR : COLOR[s.severity],
  };
  const blocks = body(notice, content, vault, caller);
  return { subject: emailSubject(notice), plainText: toText(banner, blocks), html: toHtml(banner, blocks) };
}

/** E.g. "[SEV-1] Key Vault access denied: id-app on kv-app", with what changed for follow-ups. */
export function emailSubject(notice: Notice): string {
  const s = notice.snapshot;
  const prefix: Record<Notice["kind"], string> = {
    opened: "",
    escalated: `SEVERITY RAISED ${severityRise(notice)}: `,
    unacknowledged: "NOT ACKNOWLEDGED: ",
    repeated: "REPEAT (still firing, unacknowledged): ",
    acknowledged: `ACKNOWLEDGED by ${s.responder.by ?? "someone"}: `,
    resolved: s.responder.closedByHand ? `CLOSED BY HAND by ${s.responder.by ?? "someone"}: ` : "RESOLVED: ",
    updated: "UPDATED: ",
  };
  // One header line: a name typed into the acknowledge API must not add header lines.
  return `[${s.severity}] ${prefix[notice.kind]}${headlineOf(s)}`.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, 250);
}

/** What and about whom: "Key Vault access denied: id-app on kv-app"; a rejecting channel names itself. */
function headlineOf(s: IncidentSnapshot): string {
  return channelRejection(s) ? titleOf(s) : `${titleOf(s)}: ${aboutOf(s)}`;
}

/** Who and where in a few words: "id-app on kv-app", "app orders", "the monitor itself". */
function aboutOf(s: IncidentSnapshot): string {
  if (s.rule === "monitor") return "the monitor itself";
  if (s.rule === "network") return `app ${appOf(s.subject) ?? "?"}`;
  const vault = vaultName(vaultOf(s.subject)).name;
  const caller = callerName(callerOf(s.subject));
  return caller.objectId || caller.appId || caller.resourceId ? `${caller.name ?? caller.label} on ${vault}` : vault;
}

function statusLine(n: Notice): string {
  const s = n.snapshot;
  switch (n.kind) {
    case "opened":
      return `Opened ${utcTime(s.openedAt)}. Expected response: ${RESPONSE[s.severity]}.`;
    case "escalated":
      return `Severity raised ${n.raisedFrom ? `from ${n.raisedFrom} ` : ""}to ${s.severity} at ${utcTime(n.decidedAt)}: ${s.severityReason}.${s.responder.state === "acknowledged" ? ` Still acknowledged by ${s.responder.by ?? "someone"}.` : ""}`;
    case "unacknowledged":
      return `Nobody has acknowledged this ${s.severity} since ${utcTime(threadOpenedAt(n))}; sent to the escalation route.`;
    case "repeated":
      return `Still firing at ${utcTime(n.decidedAt)} and not acknowledged (open since ${utcTime(threadOpenedAt(n))}).`;
    case "acknowledged":
      return responderSentence(s.responder);
    case "resolved":
      // The reason is in the body, under "Closed by hand".
      if (s.responder.closedByHand)
        return `Closed by hand by ${s.responder.by ?? "someone"} at ${utcTime(s.responder.at ?? n.decidedAt)}.`;
      return `Resolved at ${utcTime(s.resolvedAt ?? n.decidedAt)} after ${minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt)} minutes.`;
    case "updated":
      return `Updated at ${utcTime(n.decidedAt)}: what this cause affects changed (open since ${utcTime(n.group?.openedAt ?? s.openedAt)}).`;
  }
}

/** The responder record as a sentence: "Acknowledged by alex at 01:10 UTC: on it". */
function responderSentence(r: Responder): string {
  if (r.state === "new") return "Not acknowledged yet.";
  const words = responderWords(r);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${r.note ? "" : "."}`;
}

function body(n: Notice, content: NoticeContent, vault: VaultName, caller: CallerName): Block[] {
  const s = n.snapshot;
  const resolved = n.kind === "resolved";
  const requests = s.rule === "kv-auth-denied" || s.rule === "kv-throttled";
  const w = content.windowMinutes;
  const blocks: Block[] = [];
  const lost = lostDetailsSentence(n);
  if (lost) blocks.push({ kind: "paragraph", tone: "warning", text: lost });

  if (resolved) {
    const openFor = minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt);
    const span = `It was open for ${openFor} minutes (${s.openedAt.toISOString()} to ${(s.resolvedAt ?? n.decidedAt).toISOString()}).`;
    const recovery = `${recoverySentence(s, w)}.`;
    const byHand = closedByHandSentence(n);
    blocks.push(
      { kind: "heading", text: byHand ? "Closed by hand" : "Recovery" },
      { kind: "paragraph", text: `${byHand ?? recovery} ${span}` },
    );
  } else {
    blocks.push({
      kind: "paragraph",
      text: requests ? `${caller.label}: ${failureSentence(s, w)}.` : `${failureSentence(s, w)}.`,
    });
  }
  if (s.flapping)
    blocks.push({
      kind: "paragraph",
      tone: "warning",
      text: "Flapping: the condition keeps coming and going, so the incident is held open.",
    });
  const group = groupOf(n);
  if (group) blocks.push({ kind: "heading", text: "One cause" }, { kind: "facts", rows: groupFacts(group) });

  blocks.push({ kind: "heading", text: "Severity" });
  blocks.push({
    kind: "facts",
    rows: [
      ["Severity", resolved ? `${s.severity} (resolved)` : `${s.severity}: ${s.severityReason}`],
      ...(resolved ? [] : ([["Expected response", RESPONSE[s.severity]]] as [string, string][])),
    ],
  });

  const where: [string, string][] = [];
  if (vaultOf(s.subject))
    where.push(
      ["Vault", vault.name],
      ["Resource group", vault.resourceGroup || "-"],
      ["Subscription", vault.subscriptionId || "-"],
    );
  const app = appOf(s.subject);
  if (app) where.push(["App", app]);
  const rejected = channelRejection(s);
  if (rejected)
    where.push(
      ["Channel", CHANNEL_WORDS[rejected.channel]],
      ["Settings", CHANNEL_SETTINGS[rejected.channel].join(", ")],
    );
  if (caller.objectId || caller.appId || caller.resourceId) {
    where.push(
      ["Identity", caller.name ?? caller.label],
      ["Object ID", caller.objectId || "-"],
      ["App (client) ID", caller.appId || "-"],
    );
    if (caller.host)
      where.push(["Runs in", `${caller.host.name} (${caller.host.type}, resource group ${caller.host.resourceGroup})`]);
    if (caller.resourceId) where.push(["Identity resource", caller.resourceId]);
  }
  if (requests) where.push(["Operations", listOf(s.counts.operations)]);
  if (where.length > 0) blocks.push({ kind: "heading", text: "What and where" }, { kind: "facts", rows: where });

  if (requests) {
    const c = s.counts;
    const rows: [string, string][] = [
      ["Failures", `${c.failures} of ${c.total} requests (${percent(c.failurePercent)}) in the last ${w} minutes`],
      ...(resolved
        ? []
        : ([["Right now", `${percent(c.currentFailurePercent)} of calls failing in the latest bin`]] as [
            string,
            string,
          ][])),
      ["Peak", `${s.peakFailures} failures in one window`],
      [
        "Status codes",
        s.rule === "kv-auth-denied"
          ? `403 x ${forbiddenOf(c)} (RBAC ${c.forbiddenRbac}, access policy ${c.forbiddenPolicy}, firewall ${c.forbiddenFirewall}), 401 x ${c.unauthorized}`
          : `429 x ${c.throttled}`,
      ],
      ["First failure", utcTime(c.firstFailureAt)],
      ["Last failure", utcTime(s.lastFailureAt ?? c.lastFailureAt)],
    ];
    blocks.push({ kind: "heading", text: "The numbers" }, { kind: "facts", rows });
  }
  if (!resolved && s.triggers.length > 0) {
    blocks.push({ kind: "heading", text: "Why it fired" });
    blocks.push({ kind: "items", ordered: false, items: s.triggers.map((t) => ({ text: triggerSentence(t) })) });
  }

  if (!resolved && s.diagnosis) {
    const d = s.diagnosis;
    blocks.push({ kind: "heading", text: "Likely cause" });
    if (d.propagation)
      blocks.push({ kind: "paragraph", tone: "warning", text: `Propagation window: ${d.propagation.text}` });
    blocks.push({
      kind: "items",
      ordered: true,
      items: d.top.map((h, i) => ({
        text: `${h.id} ${h.title} (${h.verdict})`,
        strong: i === 0,
        notes: [
          ...h.confirming.map((t) => ({ sign: "+" as const, text: t })),
          ...h.disproving.map((t) => ({ sign: "-" as const, text: t })),
        ],
      })),
    });
    blocks.push({ kind: "paragraph", text: `Decided by: ${d.decidedBy}` });
    const revised = revisionLine(d);
    if (revised) blocks.push({ kind: "paragraph", tone: "muted", text: revised });
  }

  if (!resolved && content.steps.length > 0) {
    blocks.push({ kind: "heading", text: "Runbook" });
    blocks.push({
      kind: "items",
      ordered: true,
      items: content.steps.map((step) => ({
        text: step.title,
        code: [
          ...(step.command ? [{ label: "Run (Azure CLI):", text: step.command }] : []),
          ...(step.kql ? [{ label: "Query (Log Analytics, KQL):", text: step.kql }] : []),
        ],
      })),
    });
  }

  const links: Block[] = [];
  if (content.evidenceLink)
    links.push({ kind: "link", text: "Open the evidence query in Log Analytics", href: content.evidenceLink });
  if (vault.subscriptionId)
    links.push({
      kind: "link",
      text: "Open the vault in the Azure portal",
      href: `https://portal.azure.com/#resource${vault.id}/overview`,
    });
  if (links.length > 0) blocks.push({ kind: "heading", text: "Evidence" }, ...links);

  blocks.push({ kind: "heading", text: "Responder" });
  blocks.push({ kind: "paragraph", text: responderSentence(s.responder) });
  blocks.push({
    kind: "paragraph",
    tone: "muted",
    text: `Incident ${s.id}, opened ${s.openedAt.toISOString()}. Notice ${n.id}, decided ${n.decidedAt.toISOString()}. Times are UTC.`,
  });
  return blocks;
}
