import { BIN_MINUTES } from "../../signals/bin.js";

/**
 * The numbers the diagnosis reads. Where a playbook gives the number it is cited (the playbooks
 * and their public addresses: docs/reference/playbooks.md); the others are this module's choices
 * where the playbooks say only "dominate" or "recent".
 */

/** Playbook (Functions, H3 and decision flow): "Allow 5-10 minutes, then re-test"; the upper end. */
export const DEFAULT_PROPAGATION_MINUTES = 10;

/** Playbook (Functions, H3 disproving check): "failures continue beyond 30 minutes after confirmed RBAC updates". */
export const PROPAGATION_GIVE_UP_MINUTES = 30;

/**
 * A kind of failure "dominates" when it is at least this share of the failures compared. Chosen:
 * the playbooks say "dominate" and "sparse" without a number; 80% leaves the rest as noise.
 */
export const DOMINANT_SHARE = 0.8;

/**
 * RBAC and access-policy denials count as "mixed" when the smaller kind is at least this share of
 * the two together. Chosen: the playbook's mismatch signature is both messages side by side.
 */
export const MIXED_MIN_SHARE = 0.1;

/**
 * How long before the first failure a change can still explain it: propagation (10 minutes) plus
 * the playbook's example secret cache (15 minutes, "CachedSecretProvider"), rounded up.
 */
export const CHANGE_BEFORE_ONSET_MINUTES = 30;

/**
 * Key Vault counts come in bins (signals/bin.ts), so the first failure can be logged at the start
 * of the bin the change happened in; a change up to one bin after it still counts as before onset.
 */
export const ONSET_BIN_MINUTES = BIN_MINUTES;

/** A hypothesis with at least this net score, and no disproving check left undone, is "likely". */
export const LIKELY_SCORE = 3;

/** Disproving weight at or above which a hypothesis is "unlikely" even with its main evidence unknown. */
export const FIRM_DISPROOF = 3;
