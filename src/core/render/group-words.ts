import type { GroupListing, GroupMember, Notice, Severity } from "../model/index.js";
import { listOf } from "./words.js";

/** What each rule's failures are, in a group's list. */
const FAILED: Record<GroupMember["rule"], string> = {
  "kv-auth-denied": "denied",
  "kv-throttled": "throttled",
  network: "failed",
  "control-plane": "failed",
  monitor: "failed",
};

/** The group a notice speaks for, when it speaks for more than one incident. */
export function groupOf(n: Pick<Notice, "group">): GroupListing | undefined {
  return n.group && n.group.members.length > 1 ? n.group : undefined;
}

/**
 * What a group affects, as label and text: how many incidents, then the callers, vaults and apps
 * still failing, each with its severity and numbers, the control-plane findings as evidence, and
 * what resolved. At most `max` items per line, then "+N more".
 */
export function groupFacts(g: GroupListing, max = 8): [string, string][] {
  const active = g.members.filter((m) => m.state !== "resolved");
  // A member a person closed did not recover: it is listed apart, with who closed it.
  const resolved = g.members.filter((m) => m.state === "resolved" && m.closedBy === undefined);
  const closed = g.members.filter((m) => m.state === "resolved" && m.closedBy !== undefined);
  const requests = active.filter((m) => m.rule !== "control-plane");
  const findings = active.filter((m) => m.rule === "control-plane");
  const callers = tally(
    requests.filter((m) => m.rule !== "network"),
    (m) => m.identity ?? "calls without a token",
  );
  const vaults = tally(requests, (m) => m.vault);
  const apps = tally(active, (m) => m.app);
  const rows: [string, string][] = [
    [
      "Affected",
      `${g.members.length} incidents, one cause: ${count(callers.length, "caller")}, ${count(vaults.length, "vault")}, ${count(apps.length, "app")} firing${findings.length ? `, ${count(findings.length, "control-plane finding")}` : ""}${resolved.length ? `; ${resolved.length} resolved` : ""}${closed.length ? `; ${closed.length} closed by hand` : ""}`,
    ],
  ];
  if (callers.length)
    rows.push([
      "Callers",
      listOf(
        callers.map((c) => `${c.name} (${c.severity}: ${c.failures} of ${c.total} ${c.failed}${c.muted})`),
        max,
      ),
    ]);
  if (vaults.length)
    rows.push([
      "Vaults",
      listOf(
        vaults.map(
          (v) => `${v.name} (${v.severity}: ${count(v.members, "incident")}, ${v.failures} of ${v.total} ${v.failed})`,
        ),
        max,
      ),
    ]);
  if (apps.length)
    rows.push([
      "Apps",
      listOf(
        apps.map((a) => `${a.name} (${a.severity}: ${count(a.members, "incident")})`),
        max,
      ),
    ]);
  if (findings.length)
    rows.push([
      "Control plane",
      listOf(
        findings.map((f) => f.finding ?? `a finding on ${f.vault ?? "no vault"}`),
        max,
      ),
    ]);
  if (resolved.length) rows.push(["Resolved", listOf(resolved.map(memberWords), max)]);
  if (closed.length)
    rows.push([
      "Closed by hand",
      listOf(
        closed.map((m) => `${memberWords(m)} (by ${m.closedBy})`),
        max,
      ),
    ]);
  return rows;
}

/** A member named by what it is about; a control-plane finding by what it found, since its principal alone would read as the caller's denials. */
function memberWords(m: GroupMember): string {
  return (
    (m.finding ? `control plane: ${m.finding}` : undefined) ??
    ([m.identity ?? m.app, m.vault].filter(Boolean).join(" on ") || m.id)
  );
}

interface Tally {
  name: string;
  severity: Severity;
  failures: number;
  total: number;
  members: number;
  failed: string;
  muted: string;
}

/** Members summed by a name (those without one are left out), most severe first. */
function tally(members: readonly GroupMember[], nameOf: (m: GroupMember) => string | undefined): Tally[] {
  const out = new Map<string, Tally>();
  for (const m of members) {
    const name = nameOf(m);
    if (name === undefined) continue;
    const t = out.get(name);
    if (!t) {
      out.set(name, {
        name,
        severity: m.severity,
        failures: m.failures,
        total: m.total,
        members: 1,
        failed: FAILED[m.rule],
        muted: m.muted ? ", muted" : "",
      });
      continue;
    }
    t.severity = m.severity.localeCompare(t.severity) < 0 ? m.severity : t.severity;
    t.failures += m.failures;
    t.total += m.total;
    t.members += 1;
    if (t.failed !== FAILED[m.rule]) t.failed = "failed";
    if (!m.muted) t.muted = "";
  }
  return [...out.values()].sort((a, b) => a.severity.localeCompare(b.severity) || a.name.localeCompare(b.name));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
