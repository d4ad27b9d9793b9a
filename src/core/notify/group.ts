import type { DiagnosisSummary, GroupMember, Incident, Notified } from "../model/index.js";
import { isActive, snapshotOf } from "../model/incidents.js";
import type { NotifyPolicy } from "../model/notify-policy.js";
import { dedupKeyOf, type Decided, firingNotices, planNotices, withNotices } from "./plan.js";
import { listingOf } from "./group-listing.js";
import { MINUTE_MS } from "../common/duration.js";

/** What deciding a tick's notices needs besides the incidents. */
export interface GroupContext {
  now: Date;
  policy: NotifyPolicy;
  /** Why each incident's own notices are held back (a silence, an inhibiting incident), if they are. */
  mutes: ReadonlyMap<string, string | undefined>;
  /** Its grouping keys (group-keys.ts): incidents sharing one share a cause. */
  keysOf: (i: Incident) => readonly string[];
  /** How it is listed in its group's notices (group-listing.ts). */
  describe: (i: Incident, muted: boolean) => GroupMember;
}

/** An open thread: the incident holding the group's notification log, and every member loaded. */
interface Thread {
  key: string;
  holder: Incident;
  members: Incident[];
  /** Incidents joining it this tick. */
  joiners: Incident[];
}

/**
 * Alertmanager's dispatcher over the tick's incidents: active incidents that share a cause
 * (a grouping key) form a group, and on-call gets one notification thread per group. The thread
 * is its first member's: that member's `notified` is the group's notification log, its dedup key
 * the group's, its outbox the group's. A firing incident nobody was told of joins an open thread
 * it shares a key with (the oldest, when it shares keys with several; open threads never merge);
 * incidents that share keys and no thread start one together, led by the most severe, after
 * `group_wait`. An incident alone is decided as before (plan.ts). Returns every incident, the
 * same object when nothing about it changed.
 */
export function planGroups(incidents: readonly Incident[], c: GroupContext): Incident[] {
  const { now, policy, mutes } = c;
  const threads = openThreads(incidents);
  const inThread = new Set([...threads.values()].flatMap((t) => t.members.map((m) => m.id)));
  // Muted incidents stay out until the mute ends: then they join, or open, as if they had just fired.
  const free = incidents.filter(
    (i) => i.state === "firing" && !mutes.get(i.id) && !inThread.has(i.id) && threadKeyOf(i) === undefined,
  );

  const held = new Set<string>();
  for (const component of components(threads, free, c.keysOf, now)) {
    const open = component.threads.map((k) => threads.get(k) as Thread).sort(byAge);
    const [oldest] = open;
    if (oldest) {
      oldest.joiners.push(...component.free);
      continue;
    }
    const formedAt = Math.min(...component.free.map((i) => i.openedAt.getTime()));
    if (now.getTime() < formedAt + policy.group.waitMinutes * MINUTE_MS) {
      for (const i of component.free) held.add(i.id);
      continue;
    }
    if (component.free.length < 2) continue;
    const [leader, ...rest] = [...component.free].sort(rank);
    const key = dedupKeyOf(leader as Incident);
    threads.set(key, { key, holder: leader as Incident, members: [leader as Incident], joiners: rest });
  }

  const out = new Map(incidents.map((i) => [i.id, i]));
  const done = new Set<string>();
  for (const t of threads.values()) {
    if (t.joiners.length === 0 && !t.holder.notified.group) continue;
    for (const next of planGroup(t, c)) {
      out.set(next.id, next);
      done.add(next.id);
    }
  }
  for (const i of incidents) {
    if (done.has(i.id)) continue;
    const mute = mutes.get(i.id);
    // group_wait: a new group's first notice waits for its other members.
    if (held.has(i.id)) out.set(i.id, i.mutedBy === mute ? i : { ...i, mutedBy: mute });
    else out.set(i.id, planNotices(i, now, policy, mute));
  }
  return incidents.map((i) => out.get(i.id) as Incident);
}

/**
 * Threads whose holder resolved between ticks (closed by hand) are handed on, or resolved when
 * nothing in them is active, before the tick's evaluations: an incident that fires again starts
 * a new episode in the same record, and the thread it held would be lost with the old one.
 */
export function settleThreads(incidents: readonly Incident[], c: GroupContext): Incident[] {
  const out = new Map(incidents.map((i) => [i.id, i]));
  for (const t of openThreads(incidents).values()) {
    if (isActive(t.holder) || !t.holder.notified.group) continue;
    for (const next of planGroup(t, c)) out.set(next.id, next);
  }
  return incidents.map((i) => out.get(i.id) as Incident);
}

/** The thread an incident was told of through: its group's, or its own once announced. */
function threadKeyOf(i: Incident): string | undefined {
  if (i.notified.group) return i.notified.group.key;
  return i.notified.state === "firing" ? dedupKeyOf(i) : undefined;
}

/** Threads whose log says firing, with their loaded members. */
function openThreads(incidents: readonly Incident[]): Map<string, Thread> {
  const byKey = new Map<string, Incident[]>();
  for (const i of incidents) {
    const key = threadKeyOf(i);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), i]);
  }
  const threads = new Map<string, Thread>();
  for (const [key, members] of byKey) {
    // A member whose holder is not loaded (an unreadable row) takes the thread over from its copy.
    const holder =
      members.find((m) => m.notified.group?.holder) ??
      members.find((m) => !m.notified.group) ??
      ([...members].sort(rank)[0] as Incident);
    if (holder.notified.state === "firing") threads.set(key, { key, holder, members, joiners: [] });
  }
  return threads;
}

/** Open threads and free incidents connected by shared keys (union-find over the keys). */
function components(
  threads: ReadonlyMap<string, Thread>,
  free: readonly Incident[],
  keysOf: (i: Incident) => readonly string[],
  now: Date,
): { threads: string[]; free: Incident[] }[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const owner = new Map<string, string>();
  const add = (node: string, keys: readonly string[]) => {
    parent.set(node, node);
    for (const k of keys) {
      const other = owner.get(k);
      if (other === undefined) owner.set(k, node);
      else parent.set(find(node), find(other));
    }
  };
  // A thread shares a cause through its members that are still active, or resolved on this very
  // tick: a finding that gives way to another about the same grant (a role missing, then at the
  // wrong scope) continues the thread rather than closing it and paging anew.
  const live = (m: Incident) => isActive(m) || m.resolvedAt?.getTime() === now.getTime();
  for (const t of threads.values()) add(`t:${t.key}`, t.members.filter(live).flatMap(keysOf));
  for (const i of free) add(`i:${i.id}`, keysOf(i));

  const out = new Map<string, { threads: string[]; free: Incident[] }>();
  const of = (node: string) => {
    const root = find(node);
    let c = out.get(root);
    if (!c) out.set(root, (c = { threads: [], free: [] }));
    return c;
  };
  for (const t of threads.values()) of(`t:${t.key}`).threads.push(t.key);
  for (const i of free) of(`i:${i.id}`).free.push(i);
  return [...out.values()].filter((c) => c.free.length > 0);
}

/**
 * One group's notices, on its thread. Its severity is its most severe active member's that is not
 * muted; the thread opens, escalates, repeats and escalates for silence as one incident would.
 * Otherwise, when what it affects changed (a member joined, resolved or changed severity), one
 * `updated` notice lists it, at most once per `group_interval`. It resolves when its last member
 * does. The holder hands the thread to the most severe active member when it resolves first.
 */
function planGroup(t: Thread, c: GroupContext): Incident[] {
  const { now, policy, mutes } = c;
  const all = [...t.members, ...t.joiners].map((i) => {
    const mute = mutes.get(i.id);
    return i.mutedBy === mute ? i : { ...i, mutedBy: mute };
  });
  const active = all.filter(isActive);
  const holder =
    !isActive(t.holder) && active.length > 0
      ? ([...active].sort(rank)[0] as Incident)
      : (all.find((i) => i.id === t.holder.id) as Incident);
  const was = t.holder.notified;
  const n: Notified = {
    ...(holder.id === t.holder.id ? holder.notified : was),
    group: {
      key: t.key,
      holder: true,
      // A thread that was one incident's until now: its last firing notice listed that incident.
      listedAt: was.group?.listedAt ?? was.at,
      listed: was.group?.listed ?? [],
    },
  };
  const listing = listingOf(t.key, all, (i) => c.describe(i, mutes.get(i.id) !== undefined));
  const diagnosis = groupDiagnosis(all, holder.id);
  const about = (i: Incident) => ({ snapshot: { ...snapshotOf(i), diagnosis }, group: listing });
  const signature = all.map((i) => `${i.id}|${i.state}|${i.severity}`);

  const kinds: Decided[] = [];
  if (active.length === 0) {
    if (n.state === "firing") {
      kinds.push({ kind: "resolved", detail: "", ...about([...all].sort(rank)[0] as Incident) });
      n.state = "resolved";
    }
  } else {
    const unmuted = active.filter((i) => mutes.get(i.id) === undefined);
    // Everything muted: the thread says nothing until a mute ends or the last member resolves.
    const [head] = [...unmuted].sort((a, b) => rank(a, b, holder.id));
    if (head) {
      const ackedBy = active.find((i) => i.responder.state === "acknowledged");
      const decided = firingNotices(n, head.severity, n.acknowledged || ackedBy !== undefined, now, policy);
      for (const d of decided) kinds.push({ ...d, ...about(d.kind === "acknowledged" ? (ackedBy ?? head) : head) });
      const lists = decided.some((d) => d.kind !== "acknowledged");
      const listed = n.group?.listed ?? [];
      const due = now.getTime() - (n.group?.listedAt?.getTime() ?? 0) >= policy.group.intervalMinutes * MINUTE_MS;
      const changed = signature.some((s) => !listed.includes(s));
      if (!lists && changed && due)
        kinds.push({ kind: "updated", detail: `-${now.getTime().toString(36)}`, ...about(head) });
      if (lists || (changed && due)) n.group = { key: t.key, holder: true, listedAt: now, listed: signature };
    }
  }

  const told = withNotices({ ...holder, notified: n }, n, kinds, now, policy, t.key);
  return all.map((i) => {
    if (i.id === holder.id) return told.outbox === holder.outbox && same(n, holder.notified) ? i : told;
    const own = i.notified;
    const member = own.group?.key === t.key && !own.group.holder;
    // A member's log is a copy of the thread's from when it joined, with its own state.
    const copy: Notified = member ? own : { ...told.notified, group: { key: t.key, holder: false } };
    const state: Notified["state"] = isActive(i) ? "firing" : "resolved";
    const next = copy.state === state ? copy : { ...copy, state };
    return same(next, own) ? i : { ...i, notified: next };
  });
}

/**
 * The one diagnosis a group's notices carry: the strongest (a likely top hypothesis over a possible
 * one, either over none); among equals, one from the logs, which weighs the control-plane facts
 * together with the requests and the activity log, over a control-plane finding's own; then the
 * holder's. Every notice of a thread names the same cause unless new evidence made another stronger.
 */
function groupDiagnosis(all: readonly Incident[], holderId: string): DiagnosisSummary | undefined {
  const strength = (d: DiagnosisSummary | undefined) =>
    d === undefined ? -1 : (({ likely: 2, possible: 1 } as Record<string, number>)[d.top[0]?.verdict ?? ""] ?? 0);
  const fromLogs = (i: Incident) => i.subject.kind === "caller-on-vault";
  let best: DiagnosisSummary | undefined;
  for (const i of [...all].sort((a, b) => Number(fromLogs(b)) - Number(fromLogs(a)) || rank(a, b, holderId)))
    if (strength(i.diagnosis) > strength(best)) best = i.diagnosis;
  return best;
}

/** Active first, then the most severe, then `first` (the holder), the earliest opened, the ID. */
function rank(a: Incident, b: Incident, first?: string): number {
  return (
    Number(isActive(b)) - Number(isActive(a)) ||
    a.severity.localeCompare(b.severity) ||
    Number(b.id === first) - Number(a.id === first) ||
    a.openedAt.getTime() - b.openedAt.getTime() ||
    a.id.localeCompare(b.id)
  );
}

function byAge(a: Thread, b: Thread): number {
  const opened = (t: Thread) => Math.min(...t.members.map((m) => m.openedAt.getTime()));
  return opened(a) - opened(b) || a.key.localeCompare(b.key);
}

/** Two notification logs record the same: dates by value, absent and undefined fields alike, in any order. */
function same(a: Notified, b: Notified): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([k, x]) => [k, canonical(x)]),
  );
}
