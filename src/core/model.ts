/**
 * The domain vocabulary of vaultwatch. Everything in `core/` is pure: no I/O, no clock, no
 * environment; callers pass `now` and loaded state and get decisions back.
 */

export * from "./model/signals.js";
export * from "./model/evaluation.js";
export * from "./model/incident.js";
export * from "./model/policy.js";
export * from "./model/heartbeat.js";
