import type { ChannelName, NotificationKind, Severity } from "../model/index.js";
import type { NotifyPolicy } from "../model/notify-policy.js";

/**
 * The channels a notice goes to: the first route matching its kind and severity, narrowed to the
 * channels that are configured. A notice is never dropped for want of a route: when nothing
 * configured is left, it goes to every configured channel.
 */
export function channelsFor(kind: NotificationKind, severity: Severity, policy: NotifyPolicy): ChannelName[] {
  const route = policy.routes.find(
    (r) => (!r.kinds || r.kinds.includes(kind)) && (!r.severities || r.severities.includes(severity)),
  );
  const chosen = (route?.channels ?? []).filter((c) => policy.channels.includes(c));
  return chosen.length > 0 ? [...new Set(chosen)] : [...policy.channels];
}
