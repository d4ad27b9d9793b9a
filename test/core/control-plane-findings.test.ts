import { describe, expect, it } from "vitest";
import { controlPlaneFingerprint, evaluateControlPlane } from "../../src/core/control-plane-findings.js";
import { transition } from "../../src/core/lifecycle/transition.js";
import { DEFAULT_LIFECYCLE } from "../../src/core/model/notify-policy.js";
import type { ControlPlaneFindingInput, Incident } from "../../src/core/model/index.js";
import { at, VAULT } from "../fixtures/incidents.js";

const finding = (o: Partial<ControlPlaneFindingInput> = {}): ControlPlaneFindingInput => ({
  id: "role-missing|v|oid",
  kind: "role-missing",
  summary: "id-app holds no Key Vault Secrets User on kv-app",
  evidence: ["no assignment at the vault or above"],
  severity: "SEV-2",
  hypothesis: "H2",
  vaultResourceId: VAULT,
  principal: "aaaaaaaa-0000-0000-0000-000000000001",
  role: "Key Vault Secrets User",
  workspace: undefined,
  ...o,
});
const openWith = (f: ControlPlaneFindingInput): Incident => {
  const [ev] = evaluateControlPlane({ findings: [f], readVaults: [VAULT], clean: true }, []);
  return transition(undefined, ev!, at(0), true, DEFAULT_LIFECYCLE).next!;
};

describe("control-plane findings as incidents", () => {
  it("fire one incident per finding, keyed by the finding's stable ID, with its severity and hypothesis", () => {
    const [ev] = evaluateControlPlane({ findings: [finding()], readVaults: [VAULT], clean: true }, []);
    expect(ev).toMatchObject({
      kind: "firing",
      rule: "control-plane",
      severity: "SEV-2",
      fingerprint: controlPlaneFingerprint("role-missing|v|oid"),
      diagnosis: { top: [{ id: "H2", verdict: "likely" }] },
    });
  });

  it("leave the monitor's own problems to health: they never page", () => {
    expect(
      evaluateControlPlane({ findings: [finding({ kind: "monitor-lacks-access" })], readVaults: [], clean: false }, []),
    ).toEqual([]);
  });

  it("recover once a check that read the vault no longer reports it", () => {
    const incident = openWith(finding());
    expect(evaluateControlPlane({ findings: [], readVaults: [VAULT], clean: true }, [incident])).toEqual([
      expect.objectContaining({ kind: "recovered", fingerprint: incident.id }),
    ]);
  });

  it("decide nothing when the check could not read the vault, or did not run", () => {
    const incident = openWith(finding());
    expect(evaluateControlPlane({ findings: [], readVaults: [], clean: false }, [incident])).toEqual([]);
    expect(evaluateControlPlane(undefined, [incident])).toEqual([]);
  });
});
