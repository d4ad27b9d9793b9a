import { describe, expect, it } from "vitest";
import { fromEntity, noticeBody, toEntity } from "../../src/adapters/incident-entity.js";
import type { Incident, Subject } from "../../src/core/model/index.js";
import { incidentRecord } from "../../src/core/model/incident-record.js";
import { anIncident, KEY, VAULT } from "../fixtures/incidents.js";

/**
 * Rows as the store wrote them before incidents had a subject and counts had one shape: every
 * incident carried a caller-on-vault `key` (faked with "" for an app, a finding or the monitor)
 * and counts with every 403 in `forbidden`. They must still load, and be written back unchanged.
 */
const OID = KEY.callerObjectId;
const NO_CALLER = `"callerAppId":"","callerResourceId":"","auditTable":"AzureDiagnostics"`;
const KEYS = {
  caller: `{"vaultResourceId":"${VAULT}","callerObjectId":"${OID}","callerAppId":"${KEY.callerAppId}","callerResourceId":"${KEY.callerResourceId}","auditTable":"AzureDiagnostics"}`,
  app: `{"vaultResourceId":"","callerObjectId":"",${NO_CALLER},"app":"func-orders"}`,
  finding: `{"vaultResourceId":"${VAULT}","callerObjectId":"${OID}",${NO_CALLER}}`,
  vaultAlone: `{"vaultResourceId":"${VAULT}","callerObjectId":"",${NO_CALLER}}`,
  monitor: `{"vaultResourceId":"","callerObjectId":"",${NO_CALLER}}`,
};
const times = `"firstFailureAt":"2026-11-20T01:00:00.000Z","lastFailureAt":"2026-11-20T01:10:00.000Z"`;
/** 90 denials: 80 by RBAC, 5 by an access policy, 5 for no reason the log gave. */
const DENIED = `{"total":100,"succeeded":10,"unauthorized":0,"forbidden":90,"forbiddenRbac":80,"forbiddenPolicy":5,"forbiddenFirewall":0,"throttled":0,"failures":90,"failurePercent":90,"currentFailurePercent":100,"operations":["SecretGet"],${times}}`;
const NONE = `{"total":0,"succeeded":0,"unauthorized":0,"forbidden":0,"forbiddenRbac":0,"forbiddenPolicy":0,"forbiddenFirewall":0,"throttled":0,"failures":0,"failurePercent":0,"currentFailurePercent":0,"operations":[]}`;

function row(rule: string, key: string, counts: string, outbox = "[]") {
  return {
    partitionKey: rule,
    rowKey: "0123456789abcdef",
    etag: 'W/"1"',
    state: "firing",
    severity: "SEV-2",
    openedAt: new Date("2026-11-20T01:05:00.000Z"),
    updatedAt: new Date("2026-11-20T01:10:00.000Z"),
    occurrence: 1,
    peakFailures: 90,
    deliveredCount: 0,
    pending: 0,
    vaultResourceId: JSON.parse(key).vaultResourceId,
    callerObjectId: JSON.parse(key).callerObjectId,
    key,
    counts,
    outbox,
  };
}

const load = (r: ReturnType<typeof row>): Incident => {
  const i = fromEntity(r);
  if (!i) throw new Error("the row did not load");
  return i;
};

describe("incident rows written before subjects", () => {
  it.each<[string, string, string, Subject]>([
    [
      "kv-auth-denied",
      "a caller on a vault",
      KEYS.caller,
      {
        kind: "caller-on-vault",
        vaultResourceId: VAULT,
        callerObjectId: OID,
        callerAppId: KEY.callerAppId,
        callerResourceId: KEY.callerResourceId,
        auditTable: "AzureDiagnostics",
      },
    ],
    ["network", "an app", KEYS.app, { kind: "app", app: "func-orders" }],
    [
      "control-plane",
      "a finding about a principal on a vault",
      KEYS.finding,
      { kind: "control-plane", vaultResourceId: VAULT, principal: OID },
    ],
    [
      "control-plane",
      "a finding about a vault alone",
      KEYS.vaultAlone,
      { kind: "control-plane", vaultResourceId: VAULT, principal: undefined },
    ],
    ["monitor", "the monitor", KEYS.monitor, { kind: "monitor" }],
  ])("load a %s incident as about %s, and write its key back unchanged", (rule, _, key, subject) => {
    const old = row(rule, key, rule.startsWith("kv-") ? DENIED : NONE);
    const loaded = load(old);
    expect(loaded.subject).toEqual(subject);
    const written = toEntity(loaded);
    expect(written.key).toBe(old.key);
    expect(written.counts).toBe(old.counts);
    expect([written.vaultResourceId, written.callerObjectId]).toEqual([old.vaultResourceId, old.callerObjectId]);
  });

  it("reads every 403 no cause was split out for as forbiddenOther, and writes `forbidden` back", () => {
    const loaded = load(row("kv-auth-denied", KEYS.caller, DENIED));
    expect(loaded.counts).toMatchObject({ forbiddenRbac: 80, forbiddenPolicy: 5, forbiddenOther: 5, failures: 90 });
    // From before the 403s were split at all: every one of them.
    const unsplit = DENIED.replace(`"forbiddenRbac":80,"forbiddenPolicy":5,"forbiddenFirewall":0,`, "");
    const early = load(row("kv-auth-denied", KEYS.caller, unsplit));
    expect(early.counts).toMatchObject({
      forbiddenRbac: 0,
      forbiddenPolicy: 0,
      forbiddenFirewall: 0,
      forbiddenOther: 90,
    });
    expect(JSON.parse(toEntity(early).counts)).toMatchObject({ forbidden: 90, forbiddenRbac: 0 });
  });

  it("moves a queued notice's snapshot out of the row as it was written, key and counts included, byte for byte", () => {
    const snapshot = `{"id":"0123456789abcdef","rule":"kv-auth-denied","key":${KEYS.caller},"state":"firing","severity":"SEV-2","openedAt":"2026-11-20T01:05:00.000Z","counts":${DENIED},"peakFailures":90,"lastFailureAt":"2026-11-20T01:10:00.000Z","triggers":[{"kind":"threshold","failures":90,"failurePercent":90,"baseline":"none"}],"severityReason":"the caller has lost access (not marked critical)","responder":{"state":"new"},"flapping":false}`;
    const outbox = `[{"id":"0123456789abcdef-x-opened","dedupKey":"vaultwatch-0123456789abcdef-x","kind":"opened","channel":"teams","decidedAt":"2026-11-20T01:05:00.000Z","snapshot":${snapshot},"attempts":1,"lastError":"server: 502"}]`;
    const loaded = load(row("kv-auth-denied", KEYS.caller, DENIED, outbox));
    expect(loaded.outbox[0]!.snapshot.subject).toEqual(loaded.subject);
    expect(loaded.outbox[0]!.snapshot.counts.forbiddenOther).toBe(5);
    // Written again, the row keeps the notice's index and the notices table its snapshot, unchanged.
    expect(toEntity(loaded).outbox).toBe(outbox.replace(`"snapshot":${snapshot},`, ""));
    expect(JSON.stringify(noticeBody(loaded.outbox[0]!))).toBe(`{"snapshot":${snapshot}}`);
  });
});

describe("incident rows written now", () => {
  it.each<[string, Partial<Incident>, string]>([
    ["a caller on a vault", {}, KEYS.caller],
    ["an app", { rule: "network", subject: { kind: "app", app: "func-orders" } }, KEYS.app],
    [
      "a control-plane finding",
      { rule: "control-plane", subject: { kind: "control-plane", vaultResourceId: VAULT, principal: OID } },
      KEYS.finding,
    ],
    [
      "a finding about a vault alone",
      { rule: "control-plane", subject: { kind: "control-plane", vaultResourceId: VAULT, principal: undefined } },
      KEYS.vaultAlone,
    ],
    ["the monitor", { rule: "monitor", subject: { kind: "monitor" } }, KEYS.monitor],
  ])("record %s with the key rows have always carried, in the API's record too", (_, o, key) => {
    const i = anIncident(o);
    expect(toEntity(i).key).toBe(key);
    expect(JSON.stringify(incidentRecord(i).key)).toBe(key);
    expect(load({ ...row(i.rule, key, NONE), ...toEntity(i), etag: 'W/"1"' }).subject).toEqual(i.subject);
  });

  it("keep the record's fields in the order they always had: key third, counts after resolvedAt", () => {
    const fields = Object.keys(incidentRecord(anIncident()));
    expect(fields.slice(0, 3)).toEqual(["id", "rule", "key"]);
    expect(fields.indexOf("counts")).toBe(fields.indexOf("resolvedAt") + 1);
    expect(Object.keys(JSON.parse(toEntity(anIncident()).counts))).toEqual([
      "total",
      "succeeded",
      "unauthorized",
      "forbidden",
      "forbiddenRbac",
      "forbiddenPolicy",
      "forbiddenFirewall",
      "throttled",
      "failures",
      "failurePercent",
      "currentFailurePercent",
      "operations",
      "firstFailureAt",
      "lastFailureAt",
    ]);
  });
});
