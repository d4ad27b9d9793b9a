import type { ScenarioV2Input } from "../../scenario/format-v2.js";
import { corpusScenario, type CorpusStory } from "./config.js";
import { accessPolicyMismatch } from "./access-policy-mismatch.js";
import { challengeAtEveryStart } from "./challenge-at-every-start.js";
import { dailyCap } from "./daily-cap.js";
import { detachedUami } from "./detached-uami.js";
import { diagnosticSettingDeleted } from "./diagnostic-setting-deleted.js";
import { exceptionOnlyCredential } from "./exception-only-credential.js";
import { dualTableVault } from "./dual-table-vault.js";
import { healthyWeek } from "./healthy-week.js";
import { lowTrafficApp } from "./low-traffic-app.js";
import { miEndpointUnreachable } from "./mi-endpoint-unreachable.js";
import { networkOutage } from "./network-outage.js";
import { rbacRemoval } from "./rbac-removal.js";
import { schemaDrift } from "./schema-drift.js";
import { staleTokenIdentitySwap } from "./stale-token-identity-swap.js";
import { throttlingHotPath } from "./throttling-hot-path.js";
import { wrongAudience } from "./wrong-audience.js";
import { iacPolicyReplace } from "./iac-policy-replace.js";
import { sharedUamiTwoVaults } from "./shared-uami-two-vaults.js";
import { regionThrottling } from "./region-throttling.js";
import { policyMissingPermission } from "./policy-missing-permission.js";
import { groupRemoval } from "./group-removal.js";
import { firstGrantPropagating } from "./first-grant-propagating.js";
import { disabledSecretProbe } from "./disabled-secret-probe.js";
import { recurringDeploy401 } from "./recurring-deploy-401.js";

/**
 * Every corpus scenario, in the order test/scenarios/README.md describes them. "The Functions
 * playbook", "the Container Apps playbook" and the other sources the generators cite are listed,
 * with their public addresses, in docs/reference/playbooks.md.
 */
export const GENERATORS: readonly (() => CorpusStory)[] = [
  rbacRemoval,
  accessPolicyMismatch,
  wrongAudience,
  miEndpointUnreachable,
  networkOutage,
  throttlingHotPath,
  staleTokenIdentitySwap,
  lowTrafficApp,
  detachedUami,
  healthyWeek,
  dualTableVault,
  dailyCap,
  diagnosticSettingDeleted,
  exceptionOnlyCredential,
  challengeAtEveryStart,
  schemaDrift,
  iacPolicyReplace,
  sharedUamiTwoVaults,
  regionThrottling,
  policyMissingPermission,
  groupRemoval,
  firstGrantPropagating,
  disabledSecretProbe,
  recurringDeploy401,
];

/** The corpus, freshly generated, as its files hold it (format v2). */
export function allScenarios(): ScenarioV2Input[] {
  return allStories().map(corpusScenario);
}

/** The corpus' stories: their traffic as v1 signal rows, before conversion to raw records. */
export function allStories(): CorpusStory[] {
  return GENERATORS.map((g) => g());
}

/** Where each scenario is committed, relative to the repository root. */
export const scenarioPath = (name: string) => `test/scenarios/${name}.json`;
