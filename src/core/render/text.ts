import type { Notice } from "../model/index.js";
import type { RunbookStep } from "../runbook/runbook.js";
import { callerName, vaultName } from "../model/names.js";
import { RESPONSE } from "../model/severity.js";
import { utcTime } from "../common/utc.js";
import {
  channelRejection,
  failureSentence,
  listOf,
  lostDetailsSentence,
  minutesBetween,
  recoverySentence,
  responderWords,
  severityRise,
  threadOpenedAt,
  titleOf,
  triggerSentence,
} from "./words.js";
import { BIN_MINUTES } from "../signals/bin.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";
import { CHANNEL_WORDS } from "../notify/rejected-channels.js";
import { CHANNEL_SETTINGS } from "../runbook/channel-steps.js";
import { groupFacts, groupOf } from "./group-words.js";
import { revisionLine } from "../diagnosis/index.js";

/** A notification as plain text, the way on-call reads it in a terminal or an email body. */
export function renderText(n: Notice, steps: readonly RunbookStep[], windowMinutes: number, maxSteps = 3): string {
  const s = n.snapshot;
  const title = titleOf(s);
  const lines: string[] = [];
  const where = whereLines(n);
  const lost = lostDetailsSentence(n);
  const note = lost ? [`  note       ${lost}`] : [];
  if (n.kind === "resolved") {
    const closedAt = s.responder.at ?? s.resolvedAt ?? n.decidedAt;
    const openFor = minutesBetween(s.openedAt, s.responder.closedByHand ? closedAt : (s.resolvedAt ?? n.decidedAt));
    const headed = s.responder.closedByHand ? "CLOSED BY HAND" : "RESOLVED";
    lines.push(
      `== ${headed} ${utcTime(n.decidedAt)}  ${s.severity} ${title}  (open ${openFor} min, incident ${s.id}) ==`,
    );
    lines.push(...note, ...where);
    if (s.responder.closedByHand) {
      // Nothing recovered: the failures may go on, and saying "no failures since" would be false.
      lines.push(`  closed     ${responderWords(s.responder)}`);
      lines.push(
        `  failures   last seen at ${utcTime(s.lastFailureAt)}; not a recovery: if the rule still fires, a new incident opens`,
      );
    } else {
      lines.push(`  recovery   ${recoverySentence(s, windowMinutes)}`);
      if (s.rule !== "control-plane") lines.push(`  peak       ${s.peakFailures} failures in one window`);
      if (s.responder.by) lines.push(`  responder  ${responderWords(s.responder)}`);
    }
    lines.push(...groupText(n));
    return lines.join("\n");
  }
  const verb = {
    opened: "ALERT",
    escalated: "SEVERITY RAISED",
    unacknowledged: "NOT ACKNOWLEDGED",
    repeated: "STILL FIRING",
    acknowledged: "ACKNOWLEDGED",
    resolved: "RESOLVED",
    updated: "UPDATED",
  }[n.kind];
  // A severity rise names both severities: "SEV-2 → SEV-1 SEVERITY RAISED".
  const severity = n.kind === "escalated" ? severityRise(n) : s.severity;
  lines.push(`== ${severity} ${verb} ${utcTime(n.decidedAt)}  ${title}  (incident ${s.id}) ==`);
  lines.push(...note);
  if (n.kind === "acknowledged") {
    lines.push(`  by         ${s.responder.by ?? "-"}${s.responder.note ? `: ${s.responder.note}` : ""}`);
    return lines.join("\n");
  }
  if (n.kind === "unacknowledged")
    lines.push(
      `  status     nobody acknowledged it in ${minutesBetween(threadOpenedAt(n), n.decidedAt)} minutes; sent to the escalation route`,
    );
  if (s.responder.state === "acknowledged") lines.push(`  responder  ${responderWords(s.responder)}`);
  lines.push(...where);
  lines.push(`  what       ${failureSentence(s, windowMinutes)}`);
  lines.push(...groupText(n));
  // The monitor's own findings have no failed calls to date: "from -; operations -" says nothing.
  if (s.rule !== "control-plane" && s.rule !== "monitor") {
    lines.push(
      `  since      first failures in the ${BIN_MINUTES}-minute bin from ${utcTime(s.counts.firstFailureAt)}; operations ${listOf(s.counts.operations)}`,
    );
  }
  for (const t of s.triggers) lines.push(`  why        ${triggerSentence(t)}`);
  if (s.diagnosis) {
    lines.push(`  cause      ${s.diagnosis.summary}`);
    const revised = revisionLine(s.diagnosis);
    if (revised) lines.push(`             ${revised}`);
    if (s.diagnosis.propagation) lines.push(`  re-test    ${s.diagnosis.propagation.text}`);
  }
  lines.push(`  severity   ${s.severityReason}`);
  lines.push(`  response   ${RESPONSE[s.severity]}`);
  lines.push(`  first steps:`);
  steps.slice(0, maxSteps).forEach((step, i) => {
    lines.push(`    ${i + 1}. ${step.title}`);
    if (step.command) lines.push(`       $ ${step.command}`);
    if (step.kql) lines.push("       KQL:", ...step.kql.split("\n").map((l) => `         ${l}`));
  });
  if (steps.length > maxSteps) lines.push(`    (${steps.length - maxSteps} more steps in the Teams card)`);
  return lines.join("\n");
}

/**
 * Where and who, for what the incident is about: a vault and its caller, an app, or the channel a
 * rejecting-channel finding names. The monitor's own findings are about no vault and no caller.
 */
function whereLines(n: Notice): string[] {
  const s = n.snapshot;
  const rejected = channelRejection(s);
  if (rejected)
    return [`  channel    ${CHANNEL_WORDS[rejected.channel]}, set by ${CHANNEL_SETTINGS[rejected.channel].join(", ")}`];
  const lines: string[] = [];
  const vaultId = vaultOf(s.subject);
  if (vaultId) {
    const vault = vaultName(vaultId);
    lines.push(`  vault      ${vault.name}${vault.resourceGroup ? ` (resource group ${vault.resourceGroup})` : ""}`);
  }
  const app = appOf(s.subject);
  if (app && !vaultId) lines.push(`  app        ${app}`);
  const callerId = callerOf(s.subject);
  if (callerId) {
    const caller = callerName(callerId);
    lines.push(`  identity   ${caller.label}${caller.objectId ? `, object ID ${caller.objectId}` : ""}`);
  }
  return lines;
}

/** The group's list under the lead incident, one fact a line: "  callers    id-a (SEV-2: …)". */
function groupText(n: Notice): string[] {
  const g = groupOf(n);
  return g ? groupFacts(g).map(([label, text]) => `  ${label.toLowerCase().padEnd(10)} ${text}`) : [];
}
