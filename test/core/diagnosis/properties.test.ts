import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { diagnose } from "../../../src/core/diagnosis/index.js";
import type { DiagnosisInput, HypothesisId } from "../../../src/core/diagnosis/index.js";
import type { SignalRow, SignalStatus } from "../../../src/core/signals/signal-set.js";
import {
  aChange,
  aDependency,
  aMembershipChange,
  anInput,
  APP,
  aStartupFailure,
  at,
  aTrace,
  BASE_SIGNALS,
  kvCounts,
  ORDERS,
  OTHER_PRINCIPAL,
  ORDERS_READERS,
  OTHER_VAULT_ID,
  plus,
  RG,
  SITE_ID,
  VAULT_ID,
} from "./fixtures.js";
import { chance, runs } from "../../fixtures/property.js";

/**
 * Properties over generated findings: how evidence may and may not move the verdicts. A failure
 * names the seed and path of the smallest finding that broke it: fixtures/property.ts says how to
 * replay it.
 */

/** Findings per property: about the 400 the properties were first written against, in the same time. */
const RUNS = 250;

const COUNTS = [0, 0, 0, 1, 4, 30, 200] as const;
const STATUSES: readonly SignalStatus[] = ["ok", "ok", "ok", "ok", "no-data", "unavailable", "degraded", "failed"];
const CHANGE_KINDS = [
  "role-assignment-write",
  "role-assignment-delete",
  "vault-write",
  "vault-access-policy-write",
  "app-identity-change",
] as const;
const SCOPES = [VAULT_ID, RG, `/subscriptions/${RG.split("/")[2]}`, OTHER_VAULT_ID, SITE_ID, ORDERS.resourceId];

const count = fc.constantFrom(...COUNTS);
/** `x` half the time, undefined otherwise. */
const maybe = <T>(x: fc.Arbitrary<T>) => fc.option(x, { nil: undefined, freq: 2 });

/**
 * A finding for id-func-orders: failures over the last hour, some recent changes at various
 * scopes, credential traces, dependency calls, start-up failures, what the control plane knows of
 * the vault and the caller's access, and each signal's status. Times are drawn as minutes and
 * placed relative to each other (onset before now, the last failure between them).
 */
const anyFinding: fc.Arbitrary<DiagnosisInput> = fc
  .record({
    nowMinute: fc.integer({ min: -20, max: 40 }),
    onsetAgo: fc.integer({ min: 1, max: 60 }),
    lastAfter: fc.nat({ max: 60 }),
    changes: fc.array(
      fc.record({
        kind: fc.constantFrom(...CHANGE_KINDS),
        minute: fc.integer({ min: -90, max: 60 }),
        scope: fc.constantFrom(...SCOPES),
        principalId: fc.constantFrom(ORDERS.objectId, ORDERS.objectId, OTHER_PRINCIPAL),
        caller: fc.constantFrom("deploy-pipeline@contoso.com", "oncall@contoso.com"),
      }),
      { maxLength: 4 },
    ),
    // Often a role write on the vault minutes ago, so the propagation window is exercised too.
    recentRoleWrite: fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined, freq: 3 }),
    traces: fc.array(
      fc.record({
        errorClass: fc.constantFrom("mi-unavailable", "uami-not-found", "chain-exhausted", "invalid-audience" as const),
        events: fc.integer({ min: 1, max: 50 }),
        minute: fc.integer({ min: -5, max: 5 }),
      }),
      { maxLength: 3 },
    ),
    dependencies: fc.array(
      fc.record({
        counts: fc.record({
          succeeded: count,
          unauthorized: count,
          forbidden: count,
          timeouts: count,
          connectionFailures: count,
          serverErrors: count,
        }),
        storage: chance(0.3),
      }),
      { maxLength: 3 },
    ),
    startup: fc.option(fc.record({ events: fc.integer({ min: 1, max: 5 }), authRelated: chance(0.6) }), {
      nil: undefined,
      freq: 3,
    }),
    vault: maybe(
      fc.record({
        enableRbacAuthorization: maybe(fc.boolean()),
        defaultAction: maybe(fc.constantFrom("Allow", "Deny" as const)),
        publicNetworkAccess: maybe(fc.constantFrom("Enabled", "Disabled" as const)),
      }),
    ),
    access: maybe(
      fc.record({
        hasRequiredRole: maybe(fc.boolean()),
        roleAtWrongScope: maybe(chance(0.3)),
        hasAccessPolicy: maybe(fc.boolean()),
      }),
    ),
    // Removals from a group (the caller's, mostly) around onset, some undone later; and whether the
    // control plane says the role comes through that group.
    removals: fc.array(
      fc.record({
        minute: fc.integer({ min: -40, max: 10 }),
        ofCaller: chance(0.8),
        addedBackAfter: maybe(fc.integer({ min: 1, max: 60 })),
      }),
      { maxLength: 2 },
    ),
    roleThrough: maybe(fc.record({ direct: fc.boolean(), viaGroup: fc.boolean() })),
    knownCaller: chance(0.8),
    kv: fc.record({
      succeeded: count,
      unauthorized: count,
      forbiddenRbac: count,
      forbiddenPolicy: count,
      forbiddenFirewall: count,
      forbiddenOther: count,
      throttled: count,
    }),
    signalStatus: fc.record(
      Object.fromEntries(
        BASE_SIGNALS.map((s) => [
          s,
          s === "kv-requests"
            ? fc.oneof(
                { weight: 8, arbitrary: fc.constant<SignalStatus>("ok") },
                { weight: 2, arbitrary: fc.constantFrom(...STATUSES) },
              )
            : fc.constantFrom(...STATUSES),
        ]),
      ) as Record<(typeof BASE_SIGNALS)[number], fc.Arbitrary<SignalStatus>>,
    ),
    propagationMinutes: maybe(fc.constantFrom(5, 10)),
  })
  .map((g) => {
    const now = plus(at("01:30"), g.nowMinute);
    const onset = plus(now, -g.onsetAgo);
    const last = plus(onset, g.lastAfter % (g.onsetAgo + 1));
    const changes = g.changes.map((c) =>
      aChange(c.kind, plus(onset, Math.min(c.minute, g.onsetAgo)), {
        scope: c.scope,
        principalId: c.principalId,
        caller: c.caller,
      }),
    );
    if (g.recentRoleWrite !== undefined)
      changes.push(aChange("role-assignment-write", plus(now, -g.recentRoleWrite), { caller: "oncall@contoso.com" }));
    return anInput({
      now,
      caller: g.knownCaller ? { ...ORDERS } : { objectId: "", appId: "", resourceId: "" },
      kv: kvCounts({ ...g.kv, firstFailureAt: onset, lastFailureAt: last }),
      changes,
      credentialTraces: g.traces.map((t) => aTrace(t.errorClass, t.events, plus(onset, t.minute), "sample message")),
      dependencyCalls: g.dependencies.map((d) =>
        aDependency(d.counts, d.storage ? { target: "stordersprod.blob.core.windows.net", targetKind: "storage" } : {}),
      ),
      hostStartup: g.startup
        ? [
            aStartupFailure(
              "OrdersQueueTrigger",
              g.startup.events,
              onset,
              "listener unable to start",
              g.startup.authRelated,
            ),
          ]
        : [],
      groupMembership: g.removals.flatMap((r) => {
        const who = { memberObjectId: r.ofCaller ? ORDERS.objectId : OTHER_PRINCIPAL };
        const removed = plus(onset, r.minute);
        return [
          aMembershipChange("removed", removed, who),
          ...(r.addedBackAfter === undefined ? [] : [aMembershipChange("added", plus(removed, r.addedBackAfter), who)]),
        ];
      }),
      ...(g.roleThrough
        ? {
            roleThrough: {
              direct: g.roleThrough.direct,
              groupObjectIds: g.roleThrough.viaGroup ? [ORDERS_READERS.objectId] : [],
            },
          }
        : {}),
      signalStatus: g.signalStatus,
      ...(g.vault ? { vault: g.vault } : {}),
      ...(g.access ? { access: g.access } : {}),
      ...(g.propagationMinutes === undefined ? {} : { propagationMinutes: g.propagationMinutes }),
    });
  });

/** Checks `check` on `runs` generated findings. */
function forAllFindings(check: (input: DiagnosisInput) => void, n = RUNS): void {
  fc.assert(fc.property(anyFinding, check), runs(n));
}

const byId = (input: DiagnosisInput) => new Map(diagnose(input).ranked.map((h) => [h.id, h]));

const IDENTITY_ERRORS = new Set(["mi-unavailable", "uami-not-found", "chain-exhausted"]);
const latestRoleWrite = (changes: readonly SignalRow<"changes">[]) =>
  Math.max(0, ...changes.filter((c) => c.dims.kind === "role-assignment-write").map((c) => c.lastAt.getTime()));

/** Each adds evidence against one hypothesis and nothing for it. */
const DISPROOFS: [string, HypothesisId, (i: DiagnosisInput) => DiagnosisInput][] = [
  [
    "clearing identity errors from the app's traces never raises H1 (identity missing)",
    "H1",
    (i) => ({ ...i, credentialTraces: i.credentialTraces.filter((t) => !IDENTITY_ERRORS.has(t.dims.errorClass)) }),
  ],
  [
    "a control-plane check finding the role in place never raises H2 (role missing)",
    "H2",
    (i) => ({ ...i, access: { ...i.access, hasRequiredRole: true, roleAtWrongScope: false } }),
  ],
  [
    "failures going on more than 30 minutes after the last role write never raise H3 (propagation)",
    "H3",
    (i) => {
      const end = new Date(Math.max(i.now.getTime(), latestRoleWrite(i.changes) + 31 * 60_000));
      return { ...i, now: end, kv: { ...i.kv, lastFailureAt: end } };
    },
  ],
  [
    "aligning the vault's model with the denials and the caller's grants never raises H4 (model mismatch)",
    "H4",
    (i) =>
      i.kv.forbiddenRbac >= i.kv.forbiddenPolicy
        ? {
            ...i,
            vault: { ...i.vault, enableRbacAuthorization: true },
            access: { ...i.access, hasRequiredRole: true, hasAccessPolicy: false },
          }
        : {
            ...i,
            vault: { ...i.vault, enableRbacAuthorization: false },
            access: { ...i.access, hasAccessPolicy: true, hasRequiredRole: false },
          },
  ],
  [
    "clearing invalid-audience errors from the app's traces never raises H5 (wrong audience)",
    "H5",
    (i) => ({ ...i, credentialTraces: i.credentialTraces.filter((t) => t.dims.errorClass !== "invalid-audience") }),
  ],
  [
    "adding Key Vault calls that failed with 403 and never timed out never raises H6 (network)",
    "H6",
    (i) => ({ ...i, dependencyCalls: [...i.dependencyCalls, aDependency({ forbidden: 50 })] }),
  ],
];

describe("properties over generated findings", () => {
  it.each(DISPROOFS)("%s", (_, id, disprove) => {
    let moved = 0;
    forAllFindings((input) => {
      const before = byId(input).get(id)!.score;
      const after = byId(disprove(input)).get(id)!.score;
      expect(after).toBeLessThanOrEqual(before);
      if (after < before) moved++;
    });
    // The generated findings must actually exercise the evidence, or the property proves nothing.
    expect(moved).toBeGreaterThan(0);
  });

  it.each(BASE_SIGNALS.map((s) => [s]))(
    "marking %s unknown never turns an unlikely hypothesis, or any that was not likely, into a likely one",
    (signal) => {
      let changed = 0;
      forAllFindings((input) => {
        const before = byId(input);
        const after = byId({ ...input, signalStatus: { ...input.signalStatus, [signal]: "unavailable" } });
        for (const [id, h] of after) {
          const was = before.get(id)!.verdict;
          if (h.verdict === "likely") expect(was, id).toBe("likely");
          if (h.verdict !== was) changed++;
        }
      });
      if (signal !== "invocations") expect(changed).toBeGreaterThan(0);
    },
  );

  it.each(BASE_SIGNALS.map((s) => [s]))("marking %s unknown only takes evidence away, never adds any", (signal) => {
    forAllFindings((input) => {
      const before = byId(input);
      const after = byId({ ...input, signalStatus: { ...input.signalStatus, [signal]: "failed" } });
      for (const [id, h] of after) {
        const was = before.get(id)!;
        for (const sentence of h.confirming) expect(was.confirming, id).toContain(sentence);
        for (const sentence of h.disproving) expect(was.disproving, id).toContain(sentence);
      }
    });
  });

  it("an unknown hypothesis always says which signal kept it from being judged", () => {
    forAllFindings((input) => {
      for (const h of diagnose(input).ranked.filter((x) => x.verdict === "unknown")) {
        expect(h.unchecked.join(" "), h.id).toMatch(
          /not checked \((Key Vault requests|dependency calls|credential traces|host start-up logs|change log|group membership) /,
        );
      }
    });
  });

  it("with every signal ok nothing is unchecked and nothing is unknown", () => {
    forAllFindings((input) => {
      const d = diagnose({ ...input, signalStatus: Object.fromEntries(BASE_SIGNALS.map((s) => [s, "ok"])) });
      expect(d.ranked.flatMap((h) => h.unchecked)).toEqual([]);
      expect(d.ranked.filter((h) => h.verdict === "unknown")).toEqual([]);
    });
  });

  it("ranks all six once, likely before possible before unknown before unlikely, ties by H-number", () => {
    const order = { likely: 0, possible: 1, unknown: 2, unlikely: 3 };
    forAllFindings((input) => {
      const ranked = diagnose(input).ranked;
      expect(ranked.map((h) => h.id).sort()).toEqual(["H1", "H2", "H3", "H4", "H5", "H6"]);
      // A likely network outage may go first whatever the others score; the rest keep the order.
      const rest = ranked[0]!.id === "H6" && ranked[0]!.verdict === "likely" ? ranked.slice(1) : ranked;
      for (let k = 1; k < rest.length; k++) {
        const [a, b] = [rest[k - 1]!, rest[k]!];
        const key = (h: typeof a) => [order[h.verdict], -h.score, Number(h.id.slice(1))];
        const [ka, kb] = [key(a), key(b)];
        expect(
          ka[0]! < kb[0]! || (ka[0] === kb[0] && (ka[1]! < kb[1]! || (ka[1] === kb[1] && ka[2]! < kb[2]!))),
          `${a.id} before ${b.id}`,
        ).toBe(true);
      }
    });
  });

  it("a re-test time is offered only with propagation first, and always the change time plus the allowance", () => {
    let offered = 0;
    forAllFindings((input) => {
      const d = diagnose(input);
      if (!d.propagation) return;
      offered++;
      expect(d.ranked[0]!.id).toBe("H3");
      expect(d.propagation.retestAt.getTime() - d.propagation.changeAt.getTime()).toBe(
        (input.propagationMinutes ?? 10) * 60_000,
      );
      expect(d.propagation.retestAt.getTime()).toBeGreaterThan(input.now.getTime());
    });
    expect(offered).toBeGreaterThan(0);
  });

  it("every sentence on-call reads is free of undefined, NaN and invalid dates, and times are in UTC", () => {
    forAllFindings((input) => {
      const d = diagnose(input);
      const text = [
        d.decidedBy,
        d.propagation?.text ?? "",
        ...d.ranked.flatMap((h) => [...h.confirming, ...h.disproving, ...h.unchecked]),
      ].join("\n");
      expect(text).not.toMatch(/undefined|NaN|Invalid Date|\[object/);
      for (const time of text.match(/\b\d\d:\d\d\b(?! UTC)/g) ?? []) expect.fail(`time ${time} without UTC`);
    });
  });

  it("leaves its input as it found it and answers the same twice", () => {
    forAllFindings((input) => {
      const copy = structuredClone(input);
      const first = diagnose(input);
      expect(input).toEqual(copy);
      expect(diagnose(input)).toEqual(first);
    }, 50);
  });

  it("names the app from its telemetry in the generated findings", () => {
    let named = 0;
    forAllFindings((input) => {
      if (diagnose(input).ranked.some((h) => [...h.confirming, ...h.disproving].join(" ").includes(APP))) named++;
    });
    expect(named).toBeGreaterThan(0);
  });
});
