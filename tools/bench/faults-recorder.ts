import type { Notice } from "../../src/core/model/index.js";
import type { NotificationChannel } from "../../src/core/ports/ports.js";
import type { StandIn } from "../standin/server.js";
import type { AcsStandIn } from "../standin/acs.js";
import type { PagerDutyStandIn } from "../standin/pagerduty.js";
import type { Acceptance, Channel, DecidedNotice } from "./faults-count.js";

/** The receivers a fault replay delivers to: Teams on the stand-in, ACS email, PagerDuty. */
export interface Receivers {
  standIn: StandIn;
  acs: AcsStandIn;
  pd: PagerDutyStandIn;
}

/** What the receivers accepted so far: the lengths a send is compared before and after. */
interface Marks {
  teams: number;
  acsRequests: number;
  acsSent: number;
  pdEvents: number;
}

/**
 * Records what the monitor handed each channel and what each receiver accepted, by notice ID.
 * Teams' and PagerDuty's messages carry no notice ID, so every send runs alone (one at a time in
 * the process, even across overlapping ticks) and whatever a receiver accepts while it runs is
 * that notice's. ACS messages carry theirs (the X-Vaultwatch-Notice header) and it is read there.
 */
export class DeliveryRecorder {
  readonly decided: DecidedNotice[] = [];
  readonly accepted: Acceptance[] = [];
  /** PagerDuty notices already accepted once: a repeat is absorbed by its dedup_key. */
  readonly #pdSeen = new Set<string>();
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly receivers: Receivers) {}

  /** Forgets what the receivers hold, for a replay of its own. */
  reset(): void {
    const { standIn, acs, pd } = this.receivers;
    standIn.teamsPosts.length = 0;
    standIn.faults.clear();
    acs.sent.length = 0;
    acs.requests.length = 0;
    acs.faults.clear();
    pd.events.length = 0;
    pd.alerts.clear();
    pd.faults.clear();
    this.decided.length = 0;
    this.accepted.length = 0;
    this.#pdSeen.clear();
  }

  /** A notice seen queued (through the store, after a tick). */
  queued(channel: Channel, n: Notice & { merged?: number | undefined }): void {
    this.decided.push(decidedOf(channel, n));
  }

  /**
   * `channel`, sending one notice at a time and recording it. `after` runs once the receiver
   * accepted a notice and before the channel's answer reaches the monitor: a crash goes there.
   */
  wrap(channel: NotificationChannel, after?: (c: Channel) => Promise<void> | undefined): NotificationChannel {
    const name = channel.name as Channel;
    return {
      name: channel.name,
      description: channel.description,
      timeoutMs: channel.timeoutMs,
      send: async (notice, content) => {
        const release = await this.#turn();
        let result;
        let taken = 0;
        try {
          this.decided.push(decidedOf(name, notice));
          const before = this.#marks();
          result = await channel.send(notice, content);
          taken = this.#attribute(name, notice.id, before);
        } finally {
          release();
        }
        // After the turn is released: a crash here stops this send, not everyone else's.
        if (taken > 0 && after) await after(name);
        return result;
      },
    };
  }

  /** Waits for the previous send to finish; the returned function ends this one's turn. */
  async #turn(): Promise<() => void> {
    const previous = this.#queue;
    let release = () => {};
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }

  #marks(): Marks {
    const { standIn, acs, pd } = this.receivers;
    return {
      teams: standIn.teamsPosts.length,
      acsRequests: acs.requests.length,
      acsSent: acs.sent.length,
      pdEvents: pd.events.length,
    };
  }

  /** Records what the receivers accepted since `before` as `noticeId`'s; returns how many. */
  #attribute(channel: Channel, noticeId: string, before: Marks): number {
    const { standIn, acs, pd } = this.receivers;
    let taken = 0;
    const accept = (a: Acceptance) => {
      this.accepted.push(a);
      taken++;
    };
    if (channel === "teams") {
      for (let i = before.teams; i < standIn.teamsPosts.length; i++) accept({ channel, noticeId, shown: true });
    } else if (channel === "email") {
      const sent = acs.sent.slice(before.acsSent);
      for (const m of sent) accept({ channel, noticeId: m.headers["X-Vaultwatch-Notice"] ?? noticeId, shown: true });
      // A 202 to a send that sent nothing new: ACS had the Operation-Id already and kept one message.
      const acceptedSends = acs.requests
        .slice(before.acsRequests)
        .filter((r) => r.route === "send" && r.status === 202);
      for (let i = sent.length; i < acceptedSends.length; i++) accept({ channel, noticeId, shown: false });
    } else {
      for (const e of pd.events.slice(before.pdEvents)) {
        if (e.status !== 202) continue;
        accept({ channel, noticeId, shown: !this.#pdSeen.has(noticeId) });
        this.#pdSeen.add(noticeId);
      }
    }
    return taken;
  }
}

function decidedOf(channel: Channel, n: Notice & { merged?: number | undefined }): DecidedNotice {
  return {
    channel,
    noticeId: n.id,
    incidentId: n.snapshot.id,
    decidedAt: new Date(n.decidedAt),
    merged: typeof n.merged === "number" ? n.merged : undefined,
  };
}
