export { diagnose, summarize, topHypothesis } from "./diagnose.js";
export { namedHypothesis, reviseDiagnosis, revisionLine } from "./revise.js";
export { HYPOTHESIS_IDS, HYPOTHESIS_TITLES } from "./rules/types.js";
export type {
  Diagnosis,
  DiagnosisInput,
  EvidenceBasis,
  HypothesisId,
  HypothesisVerdict,
  KvCounts,
  Propagation,
  Verdict,
} from "./rules/types.js";
