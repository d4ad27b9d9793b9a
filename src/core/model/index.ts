/**
 * The domain vocabulary of vaultwatch, one import for the files beside it (signals, evaluation,
 * incident, policy, heartbeat, subject). Everything in `core/` is pure: no I/O, no clock, no environment;
 * callers pass `now` and loaded state and get decisions back.
 */

export * from "./signals.js";
export * from "./subject.js";
export * from "./evaluation.js";
export * from "./incident.js";
export * from "./policy.js";
export * from "./heartbeat.js";
