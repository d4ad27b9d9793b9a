import { describe, expect, it } from "vitest";
import { parseMonitorSpec } from "../../src/core/spec/monitor-spec.js";

const spec = (o: object) => JSON.stringify({ apiVersion: "vaultwatch/v1", ...o });

describe("the monitor spec", () => {
  it("is optional: no spec means no apps marked and no SLOs", () => {
    expect(parseMonitorSpec(undefined)).toMatchObject({ ok: true, spec: { apps: [], slos: [] }, warnings: [] });
  });

  it("accepts apps and SLOs and fills the defaults", () => {
    const r = parseMonitorSpec(
      spec({
        apps: [{ name: "func-orders", identities: ["id-func-orders"], critical: true }],
        slos: [
          {
            name: "orders-secrets",
            kind: "identity-vault",
            identity: "id-func-orders",
            vault: "kv-orders-prod",
            objective: 99.9,
          },
        ],
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      spec: { apps: [{ hasFallback: false }], slos: [{ period: 30 }], guards: { minEventsPerWindow: 20 } },
    });
  });

  it.each([
    [
      "an objective given as a ratio",
      { slos: [{ name: "a", kind: "identity-vault", identity: "i", vault: "v", objective: 0.999 }] },
      "slos[0].objective: 0.999% leaves an error budget of 99.001%",
    ],
    [
      "a period in hours",
      { slos: [{ name: "a", kind: "identity-vault", identity: "i", vault: "v", objective: 99.9, period: "720h" }] },
      "slos[0].period: expected a whole number of days such as 30d or 28d",
    ],
    [
      "an unknown SLO kind",
      { slos: [{ name: "a", kind: "vault", objective: 99.9 }] },
      'slos[0].kind: expected kind "identity-vault" or "app-dependency"',
    ],
    [
      "an app with no identity",
      { apps: [{ name: "f", identities: [] }] },
      "apps[0].identities: expected at least one identity",
    ],
    ["a misspelt field", { apps: [{ name: "f", identities: ["i"], critcal: true }] }, "apps[0]"],
    [
      "two SLOs with one name",
      { slos: [1, 2].map(() => ({ name: "a", kind: "identity-vault", identity: "i", vault: "v", objective: 99.9 })) },
      'slos[1].name: "a" is used twice',
    ],
  ])("rejects %s with a path-qualified reason", (_, o, message) => {
    const r = parseMonitorSpec(spec(o));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join("\n")).toContain(message);
  });

  it("warns that 0.999 looks like a ratio", () => {
    const r = parseMonitorSpec(
      spec({ slos: [{ name: "a", kind: "identity-vault", identity: "i", vault: "v", objective: 0.999 }] }),
    );
    expect(r.warnings).toEqual(["slos[0].objective: 0.999 looks like a ratio; did you mean 99.9?"]);
  });

  it("rejects an objective whose page threshold can never be reached, saying why", () => {
    const r = parseMonitorSpec(
      spec({ slos: [{ name: "a", kind: "identity-vault", identity: "i", vault: "v", objective: 90 }] }),
    );
    expect(r).toEqual({
      ok: false,
      warnings: [],
      errors: [
        "slos[0].objective: 90% leaves an error budget of 10%, so the highest possible burn rate is 10x; the page-fast tier needs 14.4x over 30d and could never fire. Raise the objective or shorten the period.",
      ],
    });
  });

  it("says so when the setting is not JSON", () => {
    expect(parseMonitorSpec("{apiVersion: v1}")).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^MONITOR_CONFIG is not valid JSON/)],
    });
  });
});
