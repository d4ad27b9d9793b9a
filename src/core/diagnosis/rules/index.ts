import type { Rule } from "./rule.js";
import { H1_RULES } from "./identity.js";
import { H2_RULES } from "./role.js";
import { GROUP_RULES } from "./group.js";
import { H3_RULES } from "./propagation.js";
import { H4_RULES } from "./permission-model.js";
import { H5_RULES } from "./audience.js";
import { H6_RULES } from "./network.js";
import { THROTTLING_RULES } from "./throttling.js";

/** The whole evidence table, one file per hypothesis (H2's group memberships in a file of their own). */
export const RULES: readonly Rule[] = [
  ...H1_RULES,
  ...H2_RULES,
  ...GROUP_RULES,
  ...H3_RULES,
  ...H4_RULES,
  ...H5_RULES,
  ...H6_RULES,
  ...THROTTLING_RULES,
];
