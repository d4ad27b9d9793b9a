import type { Notice } from "../model/index.js";
import type { RunbookStep } from "../runbook/runbook.js";
import { callerName, vaultName } from "../model/names.js";
import { RESPONSE } from "../model/severity.js";
import { utcTime } from "../common/utc.js";
import { failureSentence, listOf, minutesBetween, RULE_TITLE, triggerSentence } from "./words.js";
import { BIN_MINUTES } from "../signals/bin.js";
import { callerOf, vaultOf } from "../model/subject.js";
import { groupFacts, groupOf } from "./group-words.js";
import { revisionLine } from "../diagnosis/index.js";

/** A notification as plain text, the way on-call reads it in a terminal or an email body. */
export function renderText(n: Notice, steps: readonly RunbookStep[], windowMinutes: number, maxSteps = 3): string {
  const s = n.snapshot;
  const vault = vaultName(vaultOf(s.subject));
  const caller = callerName(callerOf(s.subject));
  const title = RULE_TITLE[s.rule];
  const lines: string[] = [];
  const where = [
    `  vault      ${vault.name}${vault.resourceGroup ? ` (resource group ${vault.resourceGroup})` : ""}`,
    `  identity   ${caller.label}${caller.objectId ? `, object ID ${caller.objectId}` : ""}`,
  ];
  if (n.kind === "resolved") {
    const openFor = minutesBetween(s.openedAt, s.resolvedAt ?? n.decidedAt);
    lines.push(
      `== RESOLVED ${utcTime(n.decidedAt)}  ${s.severity} ${title}  (open ${openFor} min, incident ${s.id}) ==`,
    );
    lines.push(...where);
    if (s.rule === "control-plane") {
      lines.push(`  recovery   the control-plane check no longer finds it`);
    } else {
      lines.push(
        `  recovery   no failures since ${utcTime(s.lastFailureAt)}; ${s.counts.succeeded} successful calls in the last ${windowMinutes} minutes`,
      );
      lines.push(`  peak       ${s.peakFailures} failures in one window`);
    }
    lines.push(...groupText(n));
    return lines.join("\n");
  }
  const verb = {
    opened: "ALERT",
    escalated: "ESCALATED",
    unacknowledged: "NOT ACKNOWLEDGED",
    repeated: "STILL FIRING",
    acknowledged: "ACKNOWLEDGED",
    resolved: "RESOLVED",
    updated: "UPDATED",
  }[n.kind];
  lines.push(`== ${s.severity} ${verb} ${utcTime(n.decidedAt)}  ${title}  (incident ${s.id}) ==`);
  if (n.kind === "acknowledged") {
    lines.push(`  by         ${s.responder.by ?? "-"}${s.responder.note ? `: ${s.responder.note}` : ""}`);
    return lines.join("\n");
  }
  lines.push(...where);
  lines.push(`  what       ${failureSentence(s, windowMinutes)}`);
  lines.push(...groupText(n));
  if (s.rule !== "control-plane") {
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

/** The group's list under the lead incident, one fact a line: "  callers    id-a (SEV-2: …)". */
function groupText(n: Notice): string[] {
  const g = groupOf(n);
  return g ? groupFacts(g).map(([label, text]) => `  ${label.toLowerCase().padEnd(10)} ${text}`) : [];
}
