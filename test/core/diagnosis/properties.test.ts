import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/core/diagnosis/index.js";
import type { DiagnosisInput, HypothesisId } from "../../../src/core/diagnosis/index.js";
import type { SignalRow, SignalStatus } from "../../../src/core/signals/signal-set.js";
import {
  aChange,
  aDependency,
  anInput,
  APP,
  aStartupFailure,
  at,
  aTrace,
  BASE_SIGNALS,
  kvCounts,
  ORDERS,
  OTHER_PRINCIPAL,
  OTHER_VAULT_ID,
  plus,
  RG,
  SITE_ID,
  VAULT_ID,
} from "./fixtures.js";
import { seeded } from "../../fixtures/random.js";

/** Properties over generated findings: how evidence may and may not move the verdicts. */

const random = seeded;

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

function aFinding(seed: number): DiagnosisInput {
  const r = random(seed);
  const now = plus(at("01:30"), r.int(-20, 40));
  const onset = plus(now, -r.int(1, 60));
  const last = plus(onset, r.int(0, Math.round((now.getTime() - onset.getTime()) / 60_000)));
  const changes = Array.from({ length: r.int(0, 4) }, () =>
    aChange(r.pick(CHANGE_KINDS), plus(onset, r.int(-90, Math.round((now.getTime() - onset.getTime()) / 60_000))), {
      scope: r.pick(SCOPES),
      principalId: r.pick([ORDERS.objectId, ORDERS.objectId, OTHER_PRINCIPAL]),
      caller: r.pick(["deploy-pipeline@contoso.com", "oncall@contoso.com"]),
    }),
  );
  // Often a role write on the vault minutes ago, so the propagation window is exercised too.
  if (r.next() < 0.3)
    changes.push(aChange("role-assignment-write", plus(now, -r.int(0, 14)), { caller: "oncall@contoso.com" }));
  const credentialTraces = Array.from({ length: r.int(0, 3) }, () =>
    aTrace(
      r.pick(["mi-unavailable", "uami-not-found", "chain-exhausted", "invalid-audience"] as const),
      r.int(1, 50),
      plus(onset, r.int(-5, 5)),
      "sample message",
    ),
  );
  const dependencyCalls = Array.from({ length: r.int(0, 3) }, () =>
    aDependency(
      {
        succeeded: r.pick(COUNTS),
        unauthorized: r.pick(COUNTS),
        forbidden: r.pick(COUNTS),
        timeouts: r.pick(COUNTS),
        connectionFailures: r.pick(COUNTS),
        serverErrors: r.pick(COUNTS),
      },
      r.next() < 0.7 ? {} : { target: "stordersprod.blob.core.windows.net", targetKind: "storage" },
    ),
  );
  const hostStartup =
    r.next() < 0.3
      ? [aStartupFailure("OrdersQueueTrigger", r.int(1, 5), onset, "listener unable to start", r.next() < 0.6)]
      : [];
  const maybe = <T>(x: T): T | undefined => (r.next() < 0.5 ? x : undefined);
  const vault = maybe({
    enableRbacAuthorization: maybe(r.next() < 0.5),
    defaultAction: maybe(r.pick(["Allow", "Deny"] as const)),
    publicNetworkAccess: maybe(r.pick(["Enabled", "Disabled"] as const)),
  });
  const access = maybe({
    hasRequiredRole: maybe(r.next() < 0.5),
    roleAtWrongScope: maybe(r.next() < 0.3),
    hasAccessPolicy: maybe(r.next() < 0.5),
  });
  return anInput({
    now,
    caller: r.next() < 0.8 ? { ...ORDERS } : { objectId: "", appId: "", resourceId: "" },
    kv: kvCounts({
      succeeded: r.pick(COUNTS),
      unauthorized: r.pick(COUNTS),
      forbiddenRbac: r.pick(COUNTS),
      forbiddenPolicy: r.pick(COUNTS),
      forbiddenFirewall: r.pick(COUNTS),
      forbiddenOther: r.pick(COUNTS),
      throttled: r.pick(COUNTS),
      firstFailureAt: onset,
      lastFailureAt: last,
    }),
    changes,
    credentialTraces,
    dependencyCalls,
    hostStartup,
    signalStatus: Object.fromEntries(
      BASE_SIGNALS.map((s) => [s, s === "kv-requests" && r.next() < 0.8 ? "ok" : r.pick(STATUSES)]),
    ),
    ...(vault ? { vault } : {}),
    ...(access ? { access } : {}),
    ...(r.next() < 0.5 ? { propagationMinutes: r.pick([5, 10]) } : {}),
  });
}

const SEEDS = Array.from({ length: 400 }, (_, i) => i + 1);
const findings = SEEDS.map((seed) => ({ seed, input: aFinding(seed) }));
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
    for (const { seed, input } of findings) {
      const before = byId(input).get(id)!.score;
      const after = byId(disprove(input)).get(id)!.score;
      expect(after, `seed ${seed}`).toBeLessThanOrEqual(before);
      if (after < before) moved++;
    }
    // The generated findings must actually exercise the evidence, or the property proves nothing.
    expect(moved).toBeGreaterThan(0);
  });

  it.each(BASE_SIGNALS.map((s) => [s]))(
    "marking %s unknown never turns an unlikely hypothesis, or any that was not likely, into a likely one",
    (signal) => {
      let changed = 0;
      for (const { seed, input } of findings) {
        const before = byId(input);
        const after = byId({ ...input, signalStatus: { ...input.signalStatus, [signal]: "unavailable" } });
        for (const [id, h] of after) {
          const was = before.get(id)!.verdict;
          if (h.verdict === "likely") expect(was, `seed ${seed} ${id}`).toBe("likely");
          if (h.verdict !== was) changed++;
        }
      }
      if (signal !== "invocations") expect(changed).toBeGreaterThan(0);
    },
  );

  it.each(BASE_SIGNALS.map((s) => [s]))("marking %s unknown only takes evidence away, never adds any", (signal) => {
    for (const { seed, input } of findings) {
      const before = byId(input);
      const after = byId({ ...input, signalStatus: { ...input.signalStatus, [signal]: "failed" } });
      for (const [id, h] of after) {
        const was = before.get(id)!;
        for (const sentence of h.confirming) expect(was.confirming, `seed ${seed} ${id}`).toContain(sentence);
        for (const sentence of h.disproving) expect(was.disproving, `seed ${seed} ${id}`).toContain(sentence);
      }
    }
  });

  it("an unknown hypothesis always says which signal kept it from being judged", () => {
    for (const { seed, input } of findings) {
      for (const h of diagnose(input).ranked.filter((x) => x.verdict === "unknown")) {
        expect(h.unchecked.join(" "), `seed ${seed} ${h.id}`).toMatch(
          /not checked \((Key Vault requests|dependency calls|credential traces|host start-up logs|change log) /,
        );
      }
    }
  });

  it("with every signal ok nothing is unchecked and nothing is unknown", () => {
    for (const { seed, input } of findings) {
      const d = diagnose({ ...input, signalStatus: Object.fromEntries(BASE_SIGNALS.map((s) => [s, "ok"])) });
      expect(
        d.ranked.flatMap((h) => h.unchecked),
        `seed ${seed}`,
      ).toEqual([]);
      expect(
        d.ranked.filter((h) => h.verdict === "unknown"),
        `seed ${seed}`,
      ).toEqual([]);
    }
  });

  it("ranks all six once, likely before possible before unknown before unlikely, ties by H-number", () => {
    const order = { likely: 0, possible: 1, unknown: 2, unlikely: 3 };
    for (const { seed, input } of findings) {
      const ranked = diagnose(input).ranked;
      expect(ranked.map((h) => h.id).sort(), `seed ${seed}`).toEqual(["H1", "H2", "H3", "H4", "H5", "H6"]);
      // A likely network outage may go first whatever the others score; the rest keep the order.
      const rest = ranked[0]!.id === "H6" && ranked[0]!.verdict === "likely" ? ranked.slice(1) : ranked;
      for (let k = 1; k < rest.length; k++) {
        const [a, b] = [rest[k - 1]!, rest[k]!];
        const key = (h: typeof a) => [order[h.verdict], -h.score, Number(h.id.slice(1))];
        const [ka, kb] = [key(a), key(b)];
        expect(
          ka[0]! < kb[0]! || (ka[0] === kb[0] && (ka[1]! < kb[1]! || (ka[1] === kb[1] && ka[2]! < kb[2]!))),
          `seed ${seed}: ${a.id} before ${b.id}`,
        ).toBe(true);
      }
    }
  });

  it("a re-test time is offered only with propagation first, and always the change time plus the allowance", () => {
    let offered = 0;
    for (const { seed, input } of findings) {
      const d = diagnose(input);
      if (!d.propagation) continue;
      offered++;
      expect(d.ranked[0]!.id, `seed ${seed}`).toBe("H3");
      expect(d.propagation.retestAt.getTime() - d.propagation.changeAt.getTime(), `seed ${seed}`).toBe(
        (input.propagationMinutes ?? 10) * 60_000,
      );
      expect(d.propagation.retestAt.getTime(), `seed ${seed}`).toBeGreaterThan(input.now.getTime());
    }
    expect(offered).toBeGreaterThan(0);
  });

  it("every sentence on-call reads is free of undefined, NaN and invalid dates, and times are in UTC", () => {
    for (const { seed, input } of findings) {
      const d = diagnose(input);
      const text = [
        d.decidedBy,
        d.propagation?.text ?? "",
        ...d.ranked.flatMap((h) => [...h.confirming, ...h.disproving, ...h.unchecked]),
      ].join("\n");
      expect(text, `seed ${seed}`).not.toMatch(/undefined|NaN|Invalid Date|\[object/);
      for (const time of text.match(/\b\d\d:\d\d\b(?! UTC)/g) ?? [])
        expect.fail(`seed ${seed}: time ${time} without UTC`);
    }
  });

  it("leaves its input as it found it and answers the same twice", () => {
    for (const { seed, input } of findings.slice(0, 50)) {
      const copy = structuredClone(input);
      const first = diagnose(input);
      expect(input, `seed ${seed}`).toEqual(copy);
      expect(diagnose(input), `seed ${seed}`).toEqual(first);
    }
  });

  it("names the app from its telemetry in the generated findings", () => {
    expect(
      findings.some(({ input }) =>
        diagnose(input).ranked.some((h) => [...h.confirming, ...h.disproving].join(" ").includes(APP)),
      ),
    ).toBe(true);
  });
});
