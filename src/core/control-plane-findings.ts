import type {
  ControlPlaneFindingInput,
  ControlPlaneSubject,
  Evaluation,
  Incident,
  WindowCounts,
} from "./model/index.js";
import { vaultOf } from "./model/subject.js";
import { digest64 } from "./common/hash.js";
import { emptyCounts } from "./signals/request-counts.js";
import { HYPOTHESIS_TITLES, type HypothesisId } from "./diagnosis/index.js";
import { isMonitorKind, type FindingKind } from "./controlplane/findings.js";

/** The counts of a finding that is not about requests: none. */
export const NO_COUNTS: WindowCounts = {
  ...emptyCounts(),
  failures: 0,
  failurePercent: 0,
  currentFailurePercent: 0,
  operations: [],
  firstFailureAt: undefined,
  lastFailureAt: undefined,
};

/** What one control-plane check reported, as the core needs it. */
export interface ControlPlaneCheck {
  findings: readonly ControlPlaneFindingInput[];
  /** Lower-case IDs of the vaults whose configuration this check read. */
  readVaults: readonly string[];
  /** No monitor problem (access, throttling, token) got in the check's way. */
  clean: boolean;
}

/** The incident ID of a control-plane finding: its own stable ID, digested. */
export const controlPlaneFingerprint = (findingId: string) => digest64(`control-plane|${findingId}`);

function subjectOf(f: ControlPlaneFindingInput): ControlPlaneSubject {
  return {
    kind: "control-plane",
    vaultResourceId: f.vaultResourceId ? f.vaultResourceId.toLowerCase() : undefined,
    principal: f.principal ? f.principal.toLowerCase() : undefined,
  };
}

/**
 * Control-plane findings as evaluations of the `control-plane` rule: each finding fires its own
 * incident (fingerprinted by the finding's stable ID), with the check's severity, evidence and
 * hypothesis. When a check completed and no longer reports a finding, its open incident recovers.
 * When the check did not run (`findings` undefined), nothing is known and nothing changes.
 */
export function evaluateControlPlane(
  check: ControlPlaneCheck | undefined,
  incidents: readonly Incident[],
): Evaluation[] {
  if (!check) return [];
  const { findings } = check;
  const out: Evaluation[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    // The monitor's own problems: health reports them, they never page.
    if (isMonitorKind(f.kind as FindingKind)) continue;
    const id = controlPlaneFingerprint(f.id);
    seen.add(id);
    const hypothesis = f.hypothesis && f.hypothesis in HYPOTHESIS_TITLES ? (f.hypothesis as HypothesisId) : undefined;
    out.push({
      kind: "firing",
      rule: "control-plane",
      subject: subjectOf(f),
      counts: NO_COUNTS,
      severity: f.severity,
      severityReason: f.summary,
      triggers: [
        {
          kind: "control-plane",
          finding: f.kind,
          summary: f.summary,
          evidence: f.evidence.slice(0, 8),
          role: f.role,
          workspace: f.workspace,
        },
      ],
      fingerprint: id,
      diagnosis: hypothesis
        ? {
            top: [
              {
                id: hypothesis,
                title: HYPOTHESIS_TITLES[hypothesis],
                verdict: "likely",
                confirming: f.evidence.slice(0, 3),
                disproving: [],
              },
            ],
            decidedBy: f.evidence[0] ?? f.summary,
            propagation: undefined,
            summary: `${hypothesis} ${HYPOTHESIS_TITLES[hypothesis]}: ${f.summary}`,
          }
        : undefined,
    });
  }
  const read = new Set(check.readVaults.map((v) => v.toLowerCase()));
  for (const i of incidents) {
    if (i.rule !== "control-plane" || i.state === "resolved" || seen.has(i.id)) continue;
    // Absent is only "fixed" when this check could see: the vault was read (or, for findings about
    // no vault, the check had no trouble of its own). Otherwise nothing is known.
    const vault = vaultOf(i.subject);
    const couldSee = vault ? read.has(vault) : check.clean;
    if (!couldSee) continue;
    out.push({
      kind: "recovered",
      rule: "control-plane",
      subject: i.subject,
      counts: NO_COUNTS,
      successesInConfirmation: 0,
      fingerprint: i.id,
    });
  }
  return out;
}
