import { describe, expect, it } from "vitest";
import type { ChannelName, Incident, Notice } from "../../src/core/model/index.js";
import { decideTick } from "../../src/core/tick.js";
import { monitorFix } from "../../src/core/monitor-findings.js";
import { assessHealth } from "../../src/core/health.js";
import { runbookFor } from "../../src/core/runbook/runbook.js";
import { SETTING_NAMES } from "../../src/config/settings.js";
import { DEFAULT_NOTIFY } from "../../src/core/model/notify-policy.js";
import { aNotice } from "../fixtures/notices.js";
import { anIncident, aPolicy, at } from "../fixtures/incidents.js";
import { channelHeadlines, channelTexts } from "../harness/notice-texts.js";

/**
 * A channel that keeps answering 4xx raises a finding of its own (monitor-findings.ts,
 * `evaluateChannels`), sent to every other channel. On-call must read it as what it is, a channel
 * that refuses notices, with the fix in that channel's settings: not as the monitor failing to
 * read Log Analytics.
 */

const CHANNELS: ChannelName[] = ["teams", "email", "pagerduty"];
const policy = aPolicy({ notify: { ...DEFAULT_NOTIFY, channels: CHANNELS } });
const NAME: Record<ChannelName, string> = { teams: "Teams", email: "email", pagerduty: "PagerDuty" };

/** A SEV-2 page queued for `channel`, refused with HTTP 404 on two tries from 01:05 UTC; 3 more were merged into it. */
function refusedBy(channel: ChannelName): Incident {
  return anIncident({
    outbox: [
      {
        ...aNotice("opened"),
        channel,
        attempts: 2,
        lastError: "HTTP 404",
        lastReason: "client",
        lastStatus: 404,
        failingSince: at(5),
        claimedUntil: undefined,
        nextAttemptAt: undefined,
        merged: 3,
      },
    ],
  });
}

/** The finding as the ticks decide it: pending at 02:00 (a SEV-3 waits 5 minutes), told at 03:00. */
function findingOn(channel: ChannelName): Incident {
  const page = refusedBy(channel);
  const tick = (now: Date, incidents: Incident[]) =>
    decideTick({ now, signal: { status: "complete", rows: [] }, incidents, policy }).changed.find(
      (i) => i.rule === "monitor",
    );
  const pending = tick(at(60), [page]);
  if (!pending) throw new Error("no finding after the first tick");
  const firing = tick(at(120), [page, pending]);
  if (!firing) throw new Error("no finding after the second tick");
  return firing;
}

describe.each(CHANNELS)("a finding that %s rejects notices", (channel) => {
  const finding = findingOn(channel);
  const [notice] = finding.outbox;
  const n = notice as Notice;
  const title = `Channel ${NAME[channel]} rejects notices`;

  it("goes to the other channels only", () => {
    expect(finding.outbox.map((p) => p.channel).sort()).toEqual(CHANNELS.filter((c) => c !== channel).sort());
  });

  it("leads with the channel that rejects notices on every channel, never as the monitor failing to read", () => {
    for (const [where, line] of Object.entries(channelHeadlines(n))) expect(line, where).toContain(title);
    for (const [where, text] of Object.entries(channelTexts(n))) {
      expect(text, where).not.toMatch(/Monitor cannot read|unknown vault|calls without a token|bin from -/);
    }
  });

  it("says the status, since when and what waits, and why it is a ticket", () => {
    const all = channelTexts(n);
    for (const where of ["console", "Teams card", "Teams minimal card", "email text", "PagerDuty summary"])
      expect(all[where], where).toContain(
        "HTTP 404 since 2026-11-20 01:05 UTC (1 notice(s) wait for it, 3 more merged into them)",
      );
    expect(all["PagerDuty summary"]).toBe(
      `SEV-3: ${title}: HTTP 404 since 2026-11-20 01:05 UTC (1 notice(s) wait for it, 3 more merged into them)`,
    );
    const reason = `notices to ${NAME[channel]} are refused; the other channels still receive them`;
    for (const where of ["console", "Teams card", "Teams minimal card", "email text"])
      expect(all[where], where).toContain(reason);
  });

  it("gives runbook steps that fix the channel's own settings, not Log Analytics", () => {
    const steps = runbookFor(finding);
    const words = steps.map((s) => `${s.title}\n${s.command ?? ""}\n${s.kql ?? ""}`).join("\n");
    expect(words).not.toMatch(/Log Analytics|FunctionAppLogs|LOG_ANALYTICS_WORKSPACE_ID/);
    expect(steps.some((s) => s.kql)).toBe(false);
    // Each setting a step names is one the app reads (config/settings.ts).
    for (const name of words.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [])
      expect(SETTING_NAMES as string[], name).toContain(name);
    const set = steps.find((s) => s.command?.startsWith("az functionapp config appsettings set"));
    expect(set?.command).toContain("--name <function-app> --resource-group <resource-group> --settings ");
    // The console shows the first three steps: the fix is among them.
    const console = channelTexts(n).console;
    expect(console).toContain("$ az functionapp config appsettings set --name <function-app>");
  });

  it("is listed as what it is on /api/health, with the setting to fix", () => {
    expect(monitorFix(finding)).toMatch(
      new RegExp(`^channel ${NAME[channel]} rejects notices: HTTP 404 .*: .*${SETTING_OF[channel]}`),
    );
    const health = assessHealth({ now: at(125), heartbeat: undefined, incidents: [finding], staleAfterMinutes: 15 });
    const reason = health.reasons.find((r) => r.startsWith("SEV-3 "));
    expect(reason).toMatch(new RegExp(`^SEV-3 ${title} \\(channel ${NAME[channel]} rejects notices: HTTP 404`));
    expect(reason).not.toMatch(/Monitor cannot read/);
  });
});

/** The setting each channel's fix must name. */
const SETTING_OF: Record<ChannelName, string> = {
  teams: "TEAMS_WEBHOOK_URL",
  email: "EMAIL_SENDER",
  pagerduty: "PAGERDUTY_ROUTING_KEY",
};

describe("the steps for each channel", () => {
  const steps = (channel: ChannelName) => runbookFor(findingOn(channel));
  const text = (channel: ChannelName) =>
    steps(channel)
      .map((s) => `${s.title} ${s.command ?? ""}`)
      .join("\n");

  it("for Teams: turn the Workflows flow back on or re-create it, and point TEAMS_WEBHOOK_URL at the new URL by Key Vault reference", () => {
    expect(text("teams")).toMatch(/Workflows/);
    expect(text("teams")).toMatch(/re-create/);
    expect(text("teams")).toContain(
      'az functionapp config appsettings set --name <function-app> --resource-group <resource-group> --settings "TEAMS_WEBHOOK_URL=@Microsoft.KeyVault(SecretUri=https://<monitor-key-vault>.vault.azure.net/secrets/teams-webhook-url)"',
    );
  });

  it("for email: the sender's domain, the recipients and the monitor's sender role", () => {
    const t = text("email");
    for (const setting of ["EMAIL_ENDPOINT", "EMAIL_SENDER", "EMAIL_RECIPIENTS"]) expect(t).toContain(setting);
    expect(t).toMatch(/email sender role/);
    expect(t).toMatch(/--settings EMAIL_SENDER=DoNotReply@<linked-domain> "EMAIL_RECIPIENTS=<address>,<address>"/);
  });

  it("for PagerDuty: a routing key of an enabled Events API v2 integration, by Key Vault reference", () => {
    expect(text("pagerduty")).toMatch(/Events API v2 integration key/);
    expect(text("pagerduty")).toContain(
      '--settings "PAGERDUTY_ROUTING_KEY=@Microsoft.KeyVault(SecretUri=https://<monitor-key-vault>.vault.azure.net/secrets/pagerduty-routing-key)"',
    );
  });

  it("never put a secret value on a command line: secrets are read from a file or referenced in Key Vault", () => {
    for (const channel of CHANNELS)
      for (const s of steps(channel)) {
        expect(s.command ?? "", channel).not.toMatch(/--value\b/);
        expect(s.command ?? "", channel).not.toMatch(
          /(TEAMS_WEBHOOK_URL|PAGERDUTY_ROUTING_KEY)=(?!@Microsoft\.KeyVault)/,
        );
      }
  });
});

describe("a rejecting-channel finding that resolves", () => {
  it("says the channel no longer refuses, not that the monitor reads again", () => {
    const firing = findingOn("teams");
    // Teams accepted the page: nothing it refused is queued any more.
    const accepted = anIncident();
    const d = decideTick({
      now: at(150),
      signal: { status: "complete", rows: [] },
      incidents: [accepted, { ...firing, outbox: [] }],
      policy,
    });
    const resolved = d.changed.find((i) => i.id === firing.id)?.outbox.find((p) => p.kind === "resolved");
    expect(resolved).toBeDefined();
    const all = channelTexts(resolved as Notice);
    for (const where of ["console", "Teams card", "Teams minimal card", "email text"]) {
      expect(all[where], where).toContain("Teams no longer refuses the notices queued for it");
      expect(all[where], where).not.toMatch(/reads its sources again/);
    }
    expect(all["Teams bare card"]).toContain("Resolved: Channel Teams rejects notices");
  });
});
