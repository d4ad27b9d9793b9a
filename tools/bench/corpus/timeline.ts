import type { ScenarioFileV1Input as ScenarioFileInput } from "../../scenario/format-v1.js";
import { iso, type Identity, type Vault } from "./shared.js";

/** The scenario file's pieces, as the generators fill them in. */
export type SeriesInput = NonNullable<ScenarioFileInput["series"]>[string];
export type TimelineEntryInput = NonNullable<ScenarioFileInput["timeline"]>[number];
export type ActivityInput = NonNullable<ScenarioFileInput["activity"]>[number];
export type SnapshotInput = NonNullable<ScenarioFileInput["controlPlane"]>[number];
export type TruthInput = NonNullable<NonNullable<ScenarioFileInput["truth"]>["incidents"]>[number];

type KvRow = NonNullable<TimelineEntryInput["kv-requests"]>[number];
type DependencyRow = NonNullable<TimelineEntryInput["dependency-calls"]>[number];
type TraceRow = NonNullable<TimelineEntryInput["credential-traces"]>[number];
type StartupRow = NonNullable<TimelineEntryInput["host-startup"]>[number];

export type KvCounts = KvRow["counts"];
export type DependencyCounts = DependencyRow["counts"];
export type TraceClass = "mi-unavailable" | "uami-not-found" | "chain-exhausted" | "invalid-audience";

interface Bin {
  "kv-requests": KvRow[];
  "dependency-calls": DependencyRow[];
  "credential-traces": TraceRow[];
  "host-startup": StartupRow[];
}

/**
 * Collects a scenario's named series and its rows per bin, and writes them out as one timeline
 * entry per bin that has rows. Zero counts are left out (the format reads a missing count as 0),
 * and a row whose counts are all zero is not written: Kusto returns no row for no events.
 */
export class Telemetry {
  readonly series: Record<string, SeriesInput> = {};
  readonly #bins = new Map<number, Bin>();

  /** Key Vault requests of one caller for one operation; an anonymous caller when `identity` is undefined. */
  kvSeries(name: string, v: Vault, identity: Identity | undefined, operation = "SecretGet"): string {
    return this.#define(name, {
      signal: "kv-requests",
      dims: {
        vaultResourceId: v.id.toLowerCase(),
        callerObjectId: identity?.objectId ?? "",
        callerAppId: identity?.clientId ?? "",
        callerResourceId: identity?.resourceId ?? "",
        source: "AzureDiagnostics",
        operation,
      },
    });
  }

  dependencySeries(
    name: string,
    app: string,
    target: string,
    dependencyType: string,
    targetKind: "keyvault" | "storage" | "servicebus" | "other",
  ): string {
    return this.#define(name, {
      signal: "dependency-calls",
      dims: { appRoleName: app, target, dependencyType, targetKind },
    });
  }

  traceSeries(name: string, app: string, errorClass: TraceClass): string {
    return this.#define(name, { signal: "credential-traces", dims: { appRoleName: app, errorClass } });
  }

  startupSeries(name: string, app: string, functionName: string, authRelated = true): string {
    return this.#define(name, { signal: "host-startup", dims: { appName: app, functionName, authRelated } });
  }

  kv(t: number, series: string, counts: KvCounts): void {
    const c = nonZero(counts);
    if (c) this.#bin(t)["kv-requests"].push({ series, counts: c });
  }

  dependency(t: number, series: string, counts: DependencyCounts): void {
    const c = nonZero(counts);
    if (c) this.#bin(t)["dependency-calls"].push({ series, counts: c });
  }

  trace(t: number, series: string, events: number, sample: string): void {
    if (events > 0) this.#bin(t)["credential-traces"].push({ series, counts: { events }, sample });
  }

  startup(t: number, series: string, events: number, sample: string): void {
    if (events > 0) this.#bin(t)["host-startup"].push({ series, counts: { events }, sample });
  }

  timeline(): TimelineEntryInput[] {
    return [...this.#bins.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, b]) => {
        const entry: TimelineEntryInput = { at: iso(t) };
        if (b["kv-requests"].length) entry["kv-requests"] = b["kv-requests"];
        if (b["dependency-calls"].length) entry["dependency-calls"] = b["dependency-calls"];
        if (b["credential-traces"].length) entry["credential-traces"] = b["credential-traces"];
        if (b["host-startup"].length) entry["host-startup"] = b["host-startup"];
        return entry;
      });
  }

  #define(name: string, s: SeriesInput): string {
    if (this.series[name]) throw new Error(`series ${name} is defined twice`);
    this.series[name] = s;
    return name;
  }

  #bin(t: number): Bin {
    let b = this.#bins.get(t);
    if (!b) {
      b = { "kv-requests": [], "dependency-calls": [], "credential-traces": [], "host-startup": [] };
      this.#bins.set(t, b);
    }
    return b;
  }
}

function nonZero<C extends Record<string, number | undefined>>(counts: C): C | undefined {
  const kept = Object.entries(counts).filter(([, v]) => v !== undefined && v > 0);
  return kept.length > 0 ? (Object.fromEntries(kept) as C) : undefined;
}
