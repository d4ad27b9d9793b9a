import type { FaultsResult, FaultTarget } from "./faults.js";
import type { PerChannel } from "./faults-count.js";

/**
 * The README's "Fault matrix" section: one row per injected fault with what each channel lost and
 * showed twice, the ticks that failed and the time to "monitor blind", then the targets with
 * met / not met. Pure: results in, text out.
 */
export function renderFaults(r: FaultsResult | { error: string }): string {
  return `${faultsSection(r).join("\n")}\n`;
}

export function faultsSection(r: FaultsResult | { error: string }): string[] {
  const out = ["## Fault matrix", ""];
  if ("error" in r) return [...out, `Not measured: ${r.error}`, ""];
  const verdict = (met: boolean) => (met ? "met" : "**not met**");
  const per = (p: PerChannel) => `${p.teams} / ${p.email} / ${p.pagerduty}`;
  out.push(
    `One replay of the ${r.world} incident per fault (${r.span.start}–${r.span.end} UTC, ${r.span.tickMinutes}-minute ticks, then ` +
      `${r.span.drainMinutes} minutes with every fault lifted: ${r.span.ticksPerReplay} ticks), through the real SDK clients, ` +
      "to the Log Analytics emulator, the token endpoint, Teams, ACS email and PagerDuty stand-ins and Azurite behind a fault-injecting proxy. " +
      "**Lost**: a notice decided for a channel that its receiver never accepted by the end of the drain. " +
      "**Duplicated**: a notice on-call saw twice (Teams cards, ACS messages; a PagerDuty event repeated under its dedup_key " +
      "opens nothing new). **Absorbed**: repeats the receiver's own idempotency took in (ACS Operation-Id, PagerDuty dedup_key). " +
      `**Blind**: ticks from the fault's first tick, both counted, until the monitor's own incident opened or /api/health answered 503 naming the failing signal. ` +
      `Channels wait ${r.channelFuseMs} ms for an answer here (production: 10 s, ACS 30 s), so a timeout costs little real time.`,
    "",
    "**Not decided**: notices the fault-free replay decided that the faulty one never did (no channel was handed them, so not lost; " +
      "not a target, as a blind monitor holds vault notices back by design, but a fault that changes what on-call is told shows here).",
    "",
    "| fault | lost T / E / P | duplicated T / E / P | absorbed T / E / P | not decided T / E / P | ticks failed | blind after | target | met |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const c of r.cases) {
    const blind = c.blinds
      ? c.blindAfterTicks === null
        ? "never"
        : `${c.blindAfterTicks} tick${c.blindAfterTicks === 1 ? "" : "s"} (${c.blindAfterMinutes} min)`
      : "–";
    out.push(
      `| ${c.fault} | ${per(c.lost)} | ${per(c.duplicated)} | ${per(c.absorbed)} | ${c.notDecided ? per(c.notDecided) : "–"} | ${c.ticksFailed} | ${blind} | ${c.target} | ${verdict(c.met)} |`,
    );
  }
  const blinding = r.cases.filter((c) => c.blinds);
  const t = r.targets;
  const row = (name: string, target: string, x: FaultTarget, measured: string) =>
    `| ${name} | ${target} | ${measured} | ${verdict(x.met)} |`;
  out.push(
    "",
    `${r.totals.casesMet} of ${r.totals.cases} faults meet every target; ${r.wallSeconds} s for the ${r.totals.cases} replays.`,
    "",
    "| target | wanted | measured | met |",
    "|---|---|---|---|",
    row("notices lost", "0", t.lost, `${t.lost.value} (T / E / P: ${per(r.totals.lost)})`),
    row(
      "notices duplicated beyond a channel's idempotency",
      "0",
      t.duplicated,
      `${t.duplicated.value} (all duplicates T / E / P: ${per(r.totals.duplicated)}; absorbed: ${per(r.totals.absorbed)})`,
    ),
    row(
      "Teams residual: duplicate cards",
      "at most 1 per crash between send and record",
      t.teamsResidual,
      `${t.teamsResidual.value} over ${t.teamsResidual.crashes} crash${t.teamsResidual.crashes === 1 ? "" : "es"}`,
    ),
    row(
      "monitor blind reported",
      `within ${t.blind.target} ticks`,
      t.blind,
      t.blind.value < 0
        ? "never, for at least one blinding fault"
        : `at worst ${t.blind.value} tick${t.blind.value === 1 ? "" : "s"} over ${blinding.length} blinding faults`,
    ),
    "",
  );
  const reasons = blinding.filter((c) => c.blindReason);
  if (reasons.length > 0) {
    out.push("What /api/health said first, for each blinding fault:", "");
    for (const c of reasons) out.push(`- ${c.fault}: ${c.blindReason}`);
    out.push("");
  }
  const lost = r.cases.filter((c) => c.lostNotices.length > 0);
  if (lost.length > 0) {
    out.push("Notices lost:", "");
    for (const c of lost) out.push(`- ${c.fault}: ${c.lostNotices.join(", ")}`);
    out.push("");
  }
  return out;
}
