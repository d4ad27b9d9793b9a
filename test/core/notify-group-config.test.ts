import { describe, expect, it } from "vitest";
import { parseNotifyConfig } from "../../src/config/notify-config.js";
import { DEFAULT_GROUP } from "../../src/core/model/notify-policy.js";

describe("grouping in NOTIFY_CONFIG", () => {
  it("replaces the labels of the rules it names, and the waits it gives; the rest keep their defaults", () => {
    const parsed = parseNotifyConfig(
      JSON.stringify({
        group: { by: { "kv-auth-denied": ["vault"], "kv-throttled": [], network: null }, wait: "0m", interval: "10m" },
      }),
      ["teams"],
    );
    expect(parsed.ok && parsed.notify.group).toEqual({
      by: { "kv-auth-denied": ["vault"], "control-plane": ["vault", "identity"], "kv-throttled": [], network: null },
      waitMinutes: 0,
      intervalMinutes: 10,
    });
    expect(parseNotifyConfig(undefined, ["teams"])).toMatchObject({ ok: true, notify: { group: DEFAULT_GROUP } });
  });

  it.each([
    [
      { by: { "kv-auth-denied": ["vault", "region"] } },
      /^group\.by\["kv-auth-denied"\]\[1\]: .*"vault".*"subscription"/,
    ],
    [{ by: { network: ["app", "app"] } }, /^group\.by\.network: a label is given twice$/],
    [{ by: { "kv-denied": ["vault"] } }, /^group\.by: .*kv-denied/],
    [{ wait: "soon" }, /^group\.wait: expected a duration such as "90s", "15m", "4h" or "1d"$/],
    [{ interval: 5 }, /^group\.interval: expected a duration such as "90s", "15m", "4h" or "1d"$/],
  ])("rejects %j naming the path", (group, message) => {
    const parsed = parseNotifyConfig(JSON.stringify({ group }), ["teams"]);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors).toEqual([expect.stringMatching(message)]);
  });
});
