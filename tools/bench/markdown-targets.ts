import type { PreviousDetection } from "./previous-results.js";
import { issueTargets, type TargetDetector } from "./targets.js";

/**
 * The README's "Targets" section: issue 17's targets with this run's figure and whether each is
 * met, then vaultwatch against each peer rule metric by metric. Pure: results in, lines out.
 */
export function targetsSection(
  detectors: readonly TargetDetector[],
  previous: PreviousDetection | undefined,
): string[] {
  const { targets, peers } = issueTargets(detectors, previous);
  if (targets.length === 0) return [];
  const verdict = (met: boolean | undefined) => (met === undefined ? "–" : met ? "met" : "**not met**");
  const out = [
    "## Targets",
    "",
    "Issue 17's targets for vaultwatch, measured on this run. They are reported here, not enforced; – is a target this run has nothing to measure it on.",
    "",
    "| target | measured | met |",
    "|---|---|---|",
    ...targets.map((t) => `| ${t.target} | ${t.measured.replace(/\|/g, "\\|")} | ${verdict(t.met)} |`),
    "",
  ];
  const compared = peers.filter((p) => p.peerDetected > 0);
  const first = compared[0];
  if (!first) return out;
  out.push(
    "vaultwatch against each peer rule that detects anything. Recall, precision and the healthy-day rates are over the whole run; " +
      "times, severity and pages per incident over the incidents both detected " +
      `(${compared.map((p) => `${p.peer}: ${p.shared} of the ${p.peerDetected} it detected`).join("; ")}), so that what a rule misses flatters neither side. ` +
      "✓: strictly better, or both at the best value there is (100 %, no pages or notifications on healthy days, at most one page per incident); ✗: not. " +
      "Top-1 hypothesis is not compared: the peer rules name no cause.",
    "",
    `| metric | over | ${compared.map((p) => `vaultwatch vs ${p.peer}`).join(" | ")} |`,
    `|---|---|${compared.map(() => "---").join("|")}|`,
  );
  for (const [i, m] of first.metrics.entries()) {
    const cells = compared.map((p) => {
      const c = p.metrics[i];
      return c ? `${c.vaultwatch} vs ${c.peer} ${c.better ? "✓" : "✗"}` : "–";
    });
    out.push(`| ${m.metric} | ${m.over} | ${cells.join(" | ")} |`);
  }
  out.push("");
  return out;
}
