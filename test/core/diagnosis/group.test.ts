import { describe, expect, it } from "vitest";
import { diagnose, summarize } from "../../../src/core/diagnosis/index.js";
import type { DiagnosisInput, HypothesisId, HypothesisVerdict } from "../../../src/core/diagnosis/index.js";
import { aMembershipChange, anInput, at, kvCounts, ORDERS_READERS, OTHER_PRINCIPAL } from "./fixtures.js";

/**
 * A role held through an Entra ID group, lost with the membership: what the diagnosis says when
 * Entra ID's audit log shows the caller removed from the group, what the control plane adds, and
 * what it says when the audit log is not in the workspace.
 */

const hypothesis = (input: DiagnosisInput, id: HypothesisId): HypothesisVerdict =>
  diagnose(input).ranked.find((h) => h.id === id)!;

/** Every read denied by RBAC from 01:04, on a vault known to use RBAC. */
const denied = (o: Partial<DiagnosisInput> = {}) =>
  anInput({
    now: at("01:15"),
    kv: kvCounts({ forbiddenRbac: 40, firstFailureAt: at("01:04"), lastFailureAt: at("01:15") }),
    vault: { enableRbacAuthorization: true },
    ...o,
  });
const removedAt0100 = [aMembershipChange("removed", at("01:00"))];
const REMOVAL =
  "id-func-orders removed from group grp-kv-orders-readers at 01:00 UTC by alice@contoso.com, 4 minutes before the first 403";
/** What the control plane says of the caller whose role comes through the group (a stale "present"). */
const throughGroup = {
  roleThrough: { direct: false, groupObjectIds: [ORDERS_READERS.objectId] },
  access: {},
} satisfies Partial<DiagnosisInput>;

describe("a role lost with a group membership", () => {
  it("is a missing role, decided by the removal: who, which group, when, how long before the first 403", () => {
    const d = diagnose(denied({ groupMembership: removedAt0100 }));
    expect(d.ranked[0]).toMatchObject({ id: "H2", verdict: "likely" });
    expect(d.ranked[0]!.confirming[0]).toBe(REMOVAL);
    expect(summarize(d)).toContain(REMOVAL);
  });

  it("says the group holds the role when the control plane lists the group's assignment", () => {
    const h = hypothesis(denied({ groupMembership: removedAt0100, ...throughGroup }), "H2");
    expect(h.verdict).toBe("likely");
    expect(h.confirming[0]).toBe(`${REMOVAL}: the group holds the role on kv-orders-prod (control-plane check)`);
  });

  it("says when the caller was added back, and still names the removal as the cause", () => {
    const h = hypothesis(
      denied({
        now: at("01:45"),
        kv: kvCounts({ forbiddenRbac: 40, firstFailureAt: at("01:04"), lastFailureAt: at("01:42") }),
        groupMembership: [...removedAt0100, aMembershipChange("added", at("01:40"), { by: "oncall@contoso.com" })],
        ...throughGroup,
      }),
      "H2",
    );
    expect(h.confirming[0]).toBe(
      `${REMOVAL}: the group holds the role on kv-orders-prod (control-plane check); added back at 01:40 UTC by oncall@contoso.com`,
    );
  });

  it.each<[string, Partial<DiagnosisInput>]>([
    [
      "the caller holds the role by an assignment of its own as well",
      { groupMembership: removedAt0100, roleThrough: { direct: true, groupObjectIds: [ORDERS_READERS.objectId] } },
    ],
    [
      "the role comes through another group the caller is still in",
      {
        groupMembership: removedAt0100,
        roleThrough: { direct: false, groupObjectIds: ["0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"] },
      },
    ],
    [
      "the caller was back in the group before the failures began",
      { groupMembership: [...removedAt0100, aMembershipChange("added", at("01:02"))] },
    ],
    [
      "the removal was of another principal",
      { groupMembership: [aMembershipChange("removed", at("01:00"), { memberObjectId: OTHER_PRINCIPAL })] },
    ],
    [
      "the removal came over half an hour before the first 403",
      { groupMembership: [aMembershipChange("removed", at("00:30"))] },
    ],
  ])("is not the explanation when %s", (_, o) => {
    const h = hypothesis(denied(o), "H2");
    expect(h.confirming.join(" ")).not.toContain("removed from group");
  });

  it("is not read for 401s: a group conveys roles, and a call without a token has none to check", () => {
    const d = diagnose(
      anInput({
        kv: kvCounts({ unauthorized: 30, firstFailureAt: at("01:04"), lastFailureAt: at("01:10") }),
        groupMembership: removedAt0100,
        signalStatus: { ...anInput().signalStatus, "group-membership": "unavailable" },
      }),
    );
    expect(d.ranked.flatMap((h) => [...h.confirming, ...h.unchecked]).join(" ")).not.toMatch(/group/);
  });

  it("without Entra ID's audit log, says the membership could not be checked, and why", () => {
    const d = diagnose(
      denied({
        kv: kvCounts({ succeeded: 300, forbiddenRbac: 40, firstFailureAt: at("01:04"), lastFailureAt: at("01:15") }),
        signalStatus: { ...anInput().signalStatus, "group-membership": "unavailable" },
        signalProblems: {
          "group-membership":
            "no AuditLogs data in the workspace in the last 24 hours: send Microsoft Entra ID's AuditLogs to this workspace (a diagnostic setting on the tenant)",
        },
      }),
    );
    const h2 = d.ranked.find((h) => h.id === "H2")!;
    expect(h2.unchecked.join(" ")).toContain(
      "not checked (group membership unavailable: no AuditLogs data in the workspace in the last 24 hours",
    );
    expect(h2.unchecked.join(" ")).toContain("the caller's removals from Entra ID groups before the failures");
  });
});
