import type { ChannelName, IncidentSnapshot } from "../model/index.js";

/** How notices and findings name a channel. */
export const CHANNEL_WORDS: Record<ChannelName, string> = { teams: "Teams", email: "email", pagerduty: "PagerDuty" };

/** The channels an incident's findings say reject notices: its notices avoid them. */
export function rejectedChannelsOf(incident: Pick<IncidentSnapshot, "rule" | "triggers">): ChannelName[] {
  if (incident.rule !== "monitor") return [];
  return incident.triggers.flatMap((t) =>
    t.kind === "monitor" && t.source === "channel" && t.channel ? [t.channel] : [],
  );
}
