import type { ChannelName, FailureReason, Heartbeat, Incident, Notice } from "../model/index.js";
import type { Silence } from "../notify/silence.js";
import type { SignalSet, WorkspaceMemo } from "../signals/signal-set.js";
import type { Baseline } from "../baselines/index.js";
import type { TeamsMessage } from "../render/teams-card.js";
import type { NoticeContent } from "../render/notice-content.js";

export type { NoticeContent };

/** Knows how to fetch every signal of the workspace for the window that ends at `now`. */
export interface SignalSource {
  /** `historyHours`: also read that many hours of hourly history for the baselines (0: none). */
  fetch(now: Date, wants?: { historyHours?: number; memo?: WorkspaceMemo | undefined }): Promise<SignalSet>;
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

export type Lookup<T> = { status: "found"; stored: Stored<T> } | { status: "missing" } | { status: "unreadable" };

/** Knows how to load and save incidents (ETag-safe) and the monitor's heartbeat. */
export interface StateStore {
  /** Incidents that are active, still have notices to deliver, or changed since `since`. */
  loadActive(since: Date): Promise<{ incidents: Stored<Incident>[]; unreadable: string[] }>;
  /** For the API: every incident (or the active ones), at most `limit`. */
  list(o: { activeOnly: boolean; limit: number }): Promise<{ incidents: Incident[]; unreadable: string[] }>;
  get(id: string): Promise<Lookup<Incident>>;
  /** Conditional on `etag`; without one it creates, and a row that exists already is a conflict. */
  save(incident: Incident, etag: string | undefined): Promise<SaveResult>;
  loadHeartbeat(): Promise<Heartbeat | undefined>;
  saveHeartbeat(heartbeat: Heartbeat): Promise<void>;
}

export type { FailureReason };

export type DeliveryResult =
  | { ok: true; status: number }
  | {
      ok: false;
      reason: FailureReason;
      status: number | undefined;
      /** Redacted: never a URL's signature, a key or a token. */
      message: string;
      /** The receiver's Retry-After, when it sent one. */
      retryAfterMs?: number | undefined;
    };

/** One notification channel: Teams, email, PagerDuty. Each renders the notice its own way. */
export interface NotificationChannel {
  readonly name: ChannelName;
  /** A redacted description of the destination, safe for logs. */
  readonly description: string;
  /** The longest one send may take: a claim is never started on a send that could outlast it. */
  readonly timeoutMs: number;
  send(notice: Notice, content: NoticeContent): Promise<DeliveryResult>;
}

/** Knows how to post one message to a Teams channel. */
export interface TeamsChannel {
  /** A redacted description of the destination, safe for logs. */
  readonly description: string;
  post(message: TeamsMessage): Promise<DeliveryResult>;
}

/** Knows how to keep silences (and maintenance windows, which are silences that start later). */
export interface SilenceStore {
  list(): Promise<{ silences: Stored<Silence>[]; unreadable: string[] }>;
  save(silence: Silence, etag: string | undefined): Promise<SaveResult>;
  get(id: string): Promise<Lookup<Silence>>;
}

/** Structured logging without secret values; the Functions context or the console behind it. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
