import type { Heartbeat, Incident } from "../core/model.js";
import type { SignalSet } from "../signals/model.js";
import type { Baseline } from "../core/baselines/index.js";
import type { TeamsMessage } from "../core/render/teams-card.js";

/** Knows how to fetch every signal of the workspace for the window that ends at `now`. */
export interface SignalSource {
  /** `historyHours`: also read that many hours of hourly history for the baselines (0: none). */
  fetch(now: Date, wants?: { historyHours?: number }): Promise<SignalSet>;
}

/** Knows how to keep learned baselines (plain JSON) and when history was last read. */
export interface BaselineStore {
  load(): Promise<{ baselines: Map<string, Baseline>; historyReadAt: Date | undefined }>;
  save(key: string, baseline: Baseline): Promise<void>;
  saveHistoryReadAt(at: Date): Promise<void>;
}

/** A value as loaded from storage, with the ETag that a conditional write must present. */
export interface Stored<T> {
  value: T;
  /** undefined: not stored yet, so the write must create it. */
  etag: string | undefined;
}

export type SaveResult = { status: "saved"; etag: string } | { status: "conflict" };

/** Knows how to load and save incidents (ETag-safe) and the monitor's heartbeat. */
export interface StateStore {
  /** Incidents that are open or still have notifications to deliver. */
  loadActive(): Promise<{ incidents: Stored<Incident>[]; unreadable: string[] }>;
  save(incident: Incident, etag: string | undefined): Promise<SaveResult>;
  loadHeartbeat(): Promise<Heartbeat | undefined>;
  saveHeartbeat(heartbeat: Heartbeat): Promise<void>;
}

export type FailureReason = "throttled" | "server" | "client" | "timeout" | "network";

export type DeliveryResult =
  | { ok: true; status: number }
  | { ok: false; reason: FailureReason; status: number | undefined; message: string };

/** Knows how to post one message to a Teams channel. */
export interface TeamsChannel {
  /** A redacted description of the destination, safe for logs. */
  readonly description: string;
  post(message: TeamsMessage): Promise<DeliveryResult>;
}

/** Structured logging without secret values; the Functions context or the console behind it. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
