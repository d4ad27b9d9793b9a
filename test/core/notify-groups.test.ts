import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { respond } from "../../src/core/lifecycle/responder.js";
import { fromEntity, toEntity } from "../../src/adapters/incident-entity.js";
import { groupFacts } from "../../src/core/render/group-words.js";
import type {
  ControlPlaneFindingInput,
  Incident,
  KvRequestBin,
  PendingNotification,
  Policy,
  SeriesKey,
} from "../../src/core/model/index.js";
import type { Evidence } from "../../src/core/diagnose-finding.js";
import { DEFAULT_GROUP, type GroupPolicy } from "../../src/core/model/notify-policy.js";
import { parseMonitorSpec } from "../../src/core/spec/monitor-spec.js";
import { aBin, aPolicy, at, VAULT } from "../fixtures/incidents.js";

const SUBSCRIPTION = "/subscriptions/11111111-2222-3333-4444-555555555555";

/** Caller `n`: a user-assigned identity id-app-<n> of its own. */
const caller = (n: number): Pick<SeriesKey, "callerObjectId" | "callerAppId" | "callerResourceId"> => ({
  callerObjectId: `aaaaaaaa-0000-0000-0000-${String(n).padStart(12, "0")}`,
  callerAppId: `bbbbbbbb-0000-0000-0000-${String(n).padStart(12, "0")}`,
  callerResourceId: `${SUBSCRIPTION}/resourcegroups/rg-app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app-${n}`,
});
const vault = (name: string) => `${SUBSCRIPTION}/resourcegroups/rg-${name}/providers/microsoft.keyvault/vaults/${name}`;

/** Every call of caller `n` on `vaultId` denied (20 of 20) in the bin from `start`. */
const denied = (start: number, n: number, vaultId = VAULT): KvRequestBin =>
  aBin(start, { ...caller(n), vaultResourceId: vaultId, forbidden: 20 });
const healthy = (start: number, n: number, vaultId = VAULT): KvRequestBin =>
  aBin(start, { ...caller(n), vaultResourceId: vaultId, succeeded: 20 });

/** The control-plane check's finding that caller `n` lacks its role on `vaultId`. */
const roleMissing = (n: number, vaultId = VAULT): ControlPlaneFindingInput => ({
  id: `role-missing|${vaultId}|${caller(n).callerObjectId}`,
  kind: "role-missing",
  summary: `id-app-${n} lacks Key Vault Secrets User on ${vaultId.split("/").pop()}`,
  evidence: [`role assignment Key Vault Secrets User for id-app-${n} deleted at 01:00 UTC`],
  severity: "SEV-2",
  hypothesis: "H2",
  vaultResourceId: vaultId,
  principal: caller(n).callerObjectId,
  role: "Key Vault Secrets User",
  workspace: undefined,
});

interface Sent {
  minute: number;
  notice: PendingNotification;
}

/**
 * Runs decideTick every 5 minutes from `from` to `to`, as the timer does: each tick reads the bins
 * completed by then (`traffic` gives the bins starting at a minute), the control-plane check's
 * findings when it ran, and the incidents the runtime loads (active, or resolved within the flap
 * window), each read back through its stored row. Every notice written is taken as delivered.
 */
function run(o: {
  from: number;
  to: number;
  traffic: (start: number) => KvRequestBin[];
  findings?: (minute: number) => ControlPlaneFindingInput[] | undefined;
  policy?: Policy;
  evidence?: Evidence;
  /** Someone acknowledges, through the API, the incident this picks at this minute. */
  ack?: { minute: number; pick: (i: Incident) => boolean };
}) {
  const policy = o.policy ?? aPolicy({ notify: { ...aPolicy().notify, channels: ["teams", "pagerduty"] } });
  let stored: Incident[] = [];
  const sent: Sent[] = [];
  for (let m = o.from; m <= o.to; m += 5) {
    const rows: KvRequestBin[] = [];
    for (let start = Math.max(0, m - 120); start + 5 <= m; start += 5) rows.push(...o.traffic(start));
    if (o.ack?.minute === m)
      stored = stored.map((i) =>
        o.ack!.pick(i) ? { ...i, responder: respond(i.responder, "ack", "alex", at(m)).responder } : i,
      );
    const loaded = stored.filter(
      (i) => i.state !== "resolved" || i.resolvedAt!.getTime() > at(m - policy.lifecycle.flap.windowMinutes).getTime(),
    );
    const findings = o.findings?.(m);
    const d = decideTick({
      now: at(m),
      signal: { status: "complete", rows },
      incidents: loaded,
      policy,
      evidence: o.evidence,
      controlPlane: findings ? { findings, readVaults: [VAULT, vault("kv-two")], clean: true } : undefined,
    });
    for (const i of d.changed) {
      sent.push(...i.outbox.map((notice) => ({ minute: m, notice })));
      const row = fromEntity({ ...toEntity({ ...i, outbox: [] }), etag: 'W/"1"' });
      if (!row) throw new Error(`incident ${i.id} did not read back from its row`);
      stored = [...stored.filter((s) => s.id !== i.id), row];
    }
  }
  return { sent, stored };
}

/** Notices that wake someone: a firing notice on PagerDuty. */
const pages = (sent: readonly Sent[]) =>
  sent.filter(
    (s) =>
      s.notice.channel === "pagerduty" && ["opened", "escalated", "unacknowledged", "repeated"].includes(s.notice.kind),
  );
/** "minute:kind" of the notices on one channel, in order. */
const onTeams = (sent: readonly Sent[]) =>
  sent.filter((s) => s.notice.channel === "teams").map((s) => `${s.minute}:${s.notice.kind}`);
const affected = (s: Sent) => Object.fromEntries(groupFacts(s.notice.group!)).Affected;

describe("one cause, one thread", () => {
  it("page once when five callers lose access to one vault in one tick, and update (not page) when a sixth joins", () => {
    const { sent } = run({
      from: 35,
      to: 45,
      traffic: (start) => [
        ...(start >= 25 ? [1, 2, 3, 4, 5].map((n) => denied(start, n)) : []),
        ...(start >= 35 ? [denied(start, 6)] : []),
      ],
    });
    expect(onTeams(sent)).toEqual(["35:opened", "40:updated"]);
    expect(pages(sent)).toHaveLength(1);
    // Every notice is on one thread: one PagerDuty alert, updated rather than opened again.
    expect(new Set(sent.map((s) => s.notice.dedupKey)).size).toBe(1);
    expect(sent.filter((s) => s.notice.kind === "updated").map((s) => s.notice.channel)).toEqual([
      "teams",
      "pagerduty",
    ]);
    expect(affected(sent[0]!)).toMatch(/^5 incidents, one cause: 5 callers, 1 vault/);
    expect(affected(sent.find((s) => s.notice.kind === "updated")!)).toMatch(
      /^6 incidents, one cause: 6 callers, 1 vault/,
    );
  });

  it("page once for one identity denied on two vaults, naming the app that reads each", () => {
    const policy = aPolicy({
      spec: {
        ...aPolicy().spec,
        apps: [
          { name: "billing", identities: ["id-app-1"], critical: false, hasFallback: false, vaults: ["kv-two"] },
          { name: "orders", identities: ["id-app-1"], critical: false, hasFallback: false, vaults: ["kv-app"] },
        ],
      },
    });
    const { sent } = run({
      from: 35,
      to: 35,
      policy,
      traffic: (start) => (start >= 25 ? [denied(start, 1), denied(start, 1, vault("kv-two"))] : []),
    });
    expect(onTeams(sent)).toEqual(["35:opened"]);
    const facts = Object.fromEntries(groupFacts(sent[0]!.notice.group!));
    expect(facts.Vaults).toMatch(/kv-app .*kv-two|kv-two .*kv-app/);
    expect(facts.Apps).toMatch(/billing \(SEV-2: 1 incident\), orders \(SEV-2: 1 incident\)/);
  });

  it("keep apart what shares no cause: two callers on two vaults each page", () => {
    const { sent } = run({
      from: 35,
      to: 35,
      traffic: (start) => (start >= 25 ? [denied(start, 1), denied(start, 2, vault("kv-two"))] : []),
    });
    expect(onTeams(sent)).toEqual(["35:opened", "35:opened"]);
    expect(sent.every((s) => s.notice.group === undefined)).toBe(true);
  });

  it("throttling on several vaults of a subscription at once is one thread", () => {
    const throttled = (start: number, n: number, v: string) =>
      aBin(start, { ...caller(n), vaultResourceId: v, throttled: 60, succeeded: 40 });
    const { sent } = run({
      from: 35,
      to: 35,
      traffic: (start) =>
        start >= 25 ? ["kv-a", "kv-b", "kv-c"].map((name, i) => throttled(start, i + 1, vault(name))) : [],
    });
    expect(onTeams(sent)).toEqual(["35:opened"]);
    expect(affected(sent[0]!)).toMatch(/3 vaults/);
  });

  it.each([
    ["the control-plane finding first", 0, 10],
    ["the denials first", 15, 0],
  ])(
    "page once for a control-plane finding and the denials of the same caller on the same vault, %s",
    (_, findingFrom, deniedFrom) => {
      const { sent } = run({
        from: 0,
        to: 90,
        // The role is restored at minute 40: the finding goes, and the calls succeed from then on.
        findings: (m) => (m >= findingFrom && m < 40 ? [roleMissing(1)] : []),
        traffic: (start) => [start >= deniedFrom && start < 40 ? denied(start, 1) : healthy(start, 1)],
      });
      expect(pages(sent)).toHaveLength(1);
      const teams = sent.filter((s) => s.notice.channel === "teams");
      expect(teams.map((s) => s.notice.kind)).toEqual(["opened", "updated", "updated", "resolved"]);
      // The finding is listed as evidence of the one cause, not announced on its own.
      const joined = teams[1]!.notice.group!;
      expect(joined.members.map((m) => m.rule).sort()).toEqual(["control-plane", "kv-auth-denied"]);
      expect(Object.fromEntries(groupFacts(joined))["Control plane"]).toBe(
        "id-app-1 lacks Key Vault Secrets User on kv-app",
      );
      // One diagnosis on every notice of the thread that has one (the denials alone are not diagnosed here).
      const named = teams.flatMap((s) => s.notice.snapshot.diagnosis?.top[0]?.id ?? []);
      expect(named.length).toBeGreaterThanOrEqual(3);
      expect(new Set(named)).toEqual(new Set(["H2"]));
    },
  );

  it("keep a finding that supports no hypothesis (the fix: a policy that only gained permissions) out of the thread", () => {
    const granted: ControlPlaneFindingInput = {
      ...roleMissing(1),
      id: `vault-config-drift|${VAULT}|access-policies`,
      kind: "vault-config-drift",
      summary: "the access policies of vault kv-app changed",
      severity: "SEV-4",
      hypothesis: undefined,
      principal: undefined,
      role: undefined,
    };
    const { sent } = run({
      from: 0,
      to: 60,
      // Denied until minute 20, when the policy gains the missing permission; the drift is reported on.
      findings: (m) => (m >= 20 ? [granted] : []),
      traffic: (start) => [start < 20 ? denied(start, 1) : healthy(start, 1)],
    });
    const threads = new Set(sent.map((s) => s.notice.dedupKey));
    expect(threads.size).toBe(2);
    const denials = sent.filter((s) => s.notice.snapshot.rule === "kv-auth-denied" && s.notice.channel === "teams");
    expect(denials.map((s) => s.notice.kind)).toEqual(["opened", "resolved"]);
    expect(denials.every((s) => s.notice.group === undefined)).toBe(true);
  });

  it("go on in the same thread when a finding gives way to another about the same grant on the same tick", () => {
    const wrongScope: ControlPlaneFindingInput = {
      ...roleMissing(1),
      id: `role-wrong-scope|${VAULT}|${caller(1).callerObjectId}`,
      kind: "role-wrong-scope",
      summary: "id-app-1 holds Key Vault Secrets User on another vault, not on kv-app",
    };
    const { sent } = run({
      from: 0,
      to: 15,
      findings: (m) => (m < 10 ? [roleMissing(1)] : [wrongScope]),
      traffic: (start) => [healthy(start, 1)],
    });
    expect(onTeams(sent)).toEqual(["0:opened", "10:updated"]);
    expect(sent[2]!.notice.group!.members.map((m) => [m.finding, m.state])).toEqual([
      [wrongScope.summary, "firing"],
      [roleMissing(1).summary, "resolved"],
    ]);
  });

  it("resolve the thread only when its last member resolves, listing earlier resolutions in an update", () => {
    const { sent } = run({
      from: 35,
      to: 100,
      traffic: (start) => [
        start >= 25 && start < 40 ? denied(start, 1) : healthy(start, 1),
        start >= 25 && start < 60 ? denied(start, 2) : healthy(start, 2),
      ],
    });
    const teams = sent.filter((s) => s.notice.channel === "teams");
    expect(teams.map((s) => s.notice.kind)).toEqual(["opened", "updated", "resolved"]);
    const update = teams[1]!;
    expect(update.notice.group!.members.map((m) => m.state)).toEqual(["firing", "resolved"]);
    expect(teams[2]!.minute).toBeGreaterThan(update.minute);
    expect(teams[2]!.notice.group!.members.every((m) => m.state === "resolved")).toBe(true);
  });

  it("send at most one update per group interval", () => {
    const traffic = (start: number) => [
      ...(start >= 25 ? [denied(start, 1), denied(start, 2)] : []),
      ...(start >= 35 ? [denied(start, 3)] : []),
      ...(start >= 40 ? [denied(start, 4)] : []),
    ];
    const withInterval = (group: GroupPolicy) => aPolicy({ notify: { ...aPolicy().notify, group } });
    const every5 = run({ from: 35, to: 90, traffic, policy: withInterval(DEFAULT_GROUP) });
    const every10 = run({ from: 35, to: 90, traffic, policy: withInterval({ ...DEFAULT_GROUP, intervalMinutes: 10 }) });
    expect(onTeams(every5.sent)).toEqual(["35:opened", "40:updated", "45:updated"]);
    expect(onTeams(every10.sent)).toEqual(["35:opened", "45:updated"]);
    expect(affected(every10.sent[1]!)).toMatch(/^4 incidents/);
  });

  it("wait group_wait for the rest of a new group before its first notice, when configured", () => {
    const policy = aPolicy({ notify: { ...aPolicy().notify, group: { ...DEFAULT_GROUP, waitMinutes: 10 } } });
    const { sent } = run({
      from: 35,
      to: 45,
      policy,
      traffic: (start) => [...(start >= 25 ? [denied(start, 1)] : []), ...(start >= 35 ? [denied(start, 2)] : [])],
    });
    // Caller 1 was first seen at 35: the first notice waits until 45 and lists both callers.
    expect(onTeams(sent)).toEqual(["45:opened"]);
    expect(affected(sent[0]!)).toMatch(/^2 incidents/);
  });

  it("escalate the thread once when a member is more severe than what it paged at", () => {
    const policy = aPolicy({
      notify: { ...aPolicy().notify, channels: ["teams", "pagerduty"] },
      spec: {
        ...aPolicy().spec,
        apps: [{ name: "orders", identities: ["id-app-3"], critical: true, hasFallback: false }],
      },
    });
    const { sent } = run({
      from: 35,
      to: 45,
      policy,
      traffic: (start) => [
        ...(start >= 25 ? [denied(start, 1), denied(start, 2)] : []),
        ...(start >= 35 ? [denied(start, 3)] : []),
      ],
    });
    expect(onTeams(sent)).toEqual(["35:opened", "40:escalated"]);
    expect(pages(sent).map((s) => s.notice.snapshot.severity)).toEqual(["SEV-2", "SEV-1"]);
  });

  it.each([
    ["the incident that paged", (i: Incident) => i.notified.group?.holder === true],
    ["an incident that joined later", (i: Incident) => i.notified.group?.holder === false],
  ])("stop the group's escalation for silence once %s is acknowledged", (_, pick) => {
    const traffic = (start: number) => [
      ...(start >= 25 ? [denied(start, 1)] : []),
      ...(start >= 35 ? [denied(start, 2)] : []),
    ];
    const unanswered = run({ from: 35, to: 105, traffic });
    const answered = run({ from: 35, to: 105, traffic, ack: { minute: 50, pick } });
    // SEV-2's acknowledgement timeout is an hour from the first page (at 35).
    expect(onTeams(unanswered.sent)).toEqual(["35:opened", "40:updated", "95:unacknowledged"]);
    expect(onTeams(answered.sent)).toEqual(["35:opened", "40:updated", "50:acknowledged"]);
  });

  it("keep the thread when the incident that paged is closed by hand and the others still fire", () => {
    const traffic = (start: number) => (start >= 25 ? [denied(start, 1), denied(start, 2)] : []);
    const before = run({ from: 35, to: 35, traffic });
    const key = before.sent[0]!.notice.dedupKey;
    const holder = before.stored.find((i) => i.notified.group?.holder)!;
    const closed: Incident = {
      ...holder,
      state: "resolved",
      resolvedAt: at(37),
      responder: respond(holder.responder, "close", "alex", at(37), "retired").responder,
    };
    const next = decideTick({
      now: at(40),
      signal: { status: "complete", rows: [25, 30, 35].flatMap(traffic) },
      incidents: before.stored.map((i) => (i.id === holder.id ? closed : i)),
      policy: aPolicy({ notify: { ...aPolicy().notify, channels: ["teams", "pagerduty"] } }),
    });
    const notices = next.changed.flatMap((i) => i.outbox);
    // The thread goes on with the other caller; the closed one still fires, so it joins it again
    // as a new episode: an update lists it, nothing pages and nothing resolves the PagerDuty alert.
    expect(notices.map((n) => [n.kind, n.channel, n.dedupKey])).toEqual([
      ["updated", "teams", key],
      ["updated", "pagerduty", key],
    ]);
    const byId = new Map(next.changed.map((i) => [i.id, i]));
    expect(byId.get(holder.id)).toMatchObject({ state: "firing", notified: { group: { key, holder: false } } });
    expect([...byId.values()].filter((i) => i.notified.group?.holder).map((i) => i.id)).not.toContain(holder.id);
  });
});

describe("the app an identity's incident is about", () => {
  // Two apps share the user-assigned identity id-app-1: billing, listed first, matters little;
  // orders is critical and reads kv-app.
  const shared = aPolicy({
    spec: {
      ...aPolicy().spec,
      apps: [
        { name: "billing", identities: ["id-app-1"], critical: false, hasFallback: true },
        { name: "orders", identities: ["id-app-1"], critical: true, hasFallback: false },
      ],
    },
  });
  const ordersCallsVault: Evidence = {
    dependencyCalls: [20, 25, 30].map((m) => ({
      binStart: at(m),
      dims: {
        appRoleName: "orders",
        target: "https://kv-app.vault.azure.net/secrets/db",
        dependencyType: "HTTP",
        targetKind: "keyvault" as const,
      },
      counts: {
        total: 20,
        succeeded: 0,
        unauthorized: 0,
        forbidden: 20,
        throttled: 0,
        timeouts: 0,
        connectionFailures: 0,
        serverErrors: 0,
        otherFailures: 0,
      },
    })),
    credentialTraces: [],
    hostStartup: [],
    changes: [],
    status: { "dependency-calls": "ok" },
    problems: {},
  };
  const tick = (policy: Policy, evidence?: Evidence) =>
    decideTick({
      now: at(35),
      signal: { status: "complete", rows: [25, 30].map((s) => denied(s, 1)) },
      incidents: [],
      policy,
      evidence,
    }).changed.find((i) => i.rule === "kv-auth-denied")!;

  it("is the app whose own calls reach that vault: its criticality sets the severity", () => {
    expect(tick(shared).severity).toBe("SEV-2");
    expect(tick(shared, ordersCallsVault).severity).toBe("SEV-1");
    expect(tick(shared, ordersCallsVault).outbox[0]!.snapshot.severityReason).toMatch(/critical path/);
  });

  it("is the app that lists the vault when no calls say, and the first that lists the identity otherwise", () => {
    const listed = aPolicy({
      spec: {
        ...shared.spec,
        apps: shared.spec.apps.map((a) => (a.name === "orders" ? { ...a, vaults: ["KV-APP"] } : a)),
      },
    });
    expect(tick(listed).severity).toBe("SEV-1");
    const byId = aPolicy({
      spec: {
        ...shared.spec,
        apps: shared.spec.apps.map((a) => (a.name === "orders" ? { ...a, vaults: [VAULT] } : a)),
      },
    });
    expect(tick(byId).severity).toBe("SEV-1");
    const elsewhere = aPolicy({
      spec: {
        ...shared.spec,
        apps: shared.spec.apps.map((a) => (a.name === "orders" ? { ...a, vaults: ["kv-two"] } : a)),
      },
    });
    expect(tick(elsewhere).severity).toBe("SEV-2");
  });

  it("is told by an optional list of vaults in MONITOR_CONFIG, checked with its path", () => {
    const spec = (vaults: unknown) =>
      parseMonitorSpec(
        JSON.stringify({ apiVersion: "vaultwatch/v1", apps: [{ name: "orders", identities: ["id-app-1"], vaults }] }),
      );
    expect(spec(undefined)).toMatchObject({ ok: true, spec: { apps: [{ name: "orders" }] } });
    expect(spec(["kv-app", VAULT])).toMatchObject({ ok: true, spec: { apps: [{ vaults: ["kv-app", VAULT] }] } });
    expect(spec([])).toMatchObject({ ok: false, errors: [expect.stringMatching(/^apps\[0\]\.vaults: /)] });
  });

  it("reads the diagnosis evidence of that app", () => {
    const trace = {
      binStart: at(30),
      dims: { appRoleName: "orders", errorClass: "uami-not-found" as const },
      counts: { events: 12 },
      sample: "ManagedIdentityCredential: the user-assigned identity was not found",
    };
    const withTrace = (e: Evidence, app: string): Evidence => ({
      ...e,
      dependencyCalls: e.dependencyCalls.map((c) => ({ ...c, dims: { ...c.dims, appRoleName: app } })),
      credentialTraces: [trace],
      status: { ...e.status, "credential-traces": "ok" },
    });
    // orders' calls reach kv-app, so its credential errors are this incident's evidence; when
    // billing's calls do, orders' errors are another app's and are not read.
    const orders = JSON.stringify(tick(shared, withTrace(ordersCallsVault, "orders")).diagnosis);
    const billing = JSON.stringify(tick(shared, withTrace(ordersCallsVault, "billing")).diagnosis);
    expect(orders).toMatch(/not found|uami|user-assigned/i);
    expect(billing).not.toMatch(/not found|uami/i);
  });
});
