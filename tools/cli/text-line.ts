import type { NotificationLine } from "../replay/line.js";

/**
 * A notification line for a person reading a backtest: time, event, severity, rule, what it is
 * about, the leading hypothesis and the summary, on one line. `--json` writes the JSON line
 * (tools/replay/line.ts) instead, for tools.
 */
export function textLine(l: NotificationLine): string {
  const about = [l.vault && `vault ${l.vault}`, l.identity && `identity ${l.identity}`, l.app && `app ${l.app}`]
    .filter(Boolean)
    .join(", ");
  const cause = l.hypothesis === "none" ? "no hypothesis" : `${l.hypothesis}${l.verdict ? ` (${l.verdict})` : ""}`;
  const at = `${l.at.slice(0, 10)} ${l.at.slice(11, 16)}Z`;
  return `${at}  ${l.event.padEnd(12)} ${l.severity}  ${l.rule}  ${about || "-"}  ${cause}  [${l.incident}]\n    ${l.summary}`;
}
