import type { ChannelName } from "../model/index.js";
import type { RunbookStep } from "./syntax.js";

/**
 * Steps for a channel that rejects notices (a `monitor` finding with source "channel"): the
 * receiver answered a 4xx that retrying cannot fix, so the fix is that channel's settings. The
 * setting names are those of config/settings.ts; the Key Vault secret names are the ones the
 * deployment writes (infra/main.bicep, docs/deploy.md). A secret's value never appears: a step
 * points the setting at a Key Vault reference or reads the value from a file, so it stays out of
 * the notice and of the shell's history.
 */

/** The app settings that make up each channel, as config/settings.ts reads them. */
export const CHANNEL_SETTINGS: Record<ChannelName, readonly string[]> = {
  teams: ["TEAMS_WEBHOOK_URL"],
  email: ["EMAIL_ENDPOINT", "EMAIL_SENDER", "EMAIL_RECIPIENTS"],
  pagerduty: ["PAGERDUTY_ROUTING_KEY", "PAGERDUTY_URL"],
};

/** `az functionapp config appsettings set` for `settings`, with the placeholders the other runbooks use. */
function setSettings(settings: string): string {
  return `az functionapp config appsettings set --name <function-app> --resource-group <resource-group> --settings ${settings}`;
}

/** A Key Vault reference to the versionless secret in the monitor's own vault, as the deployment sets it. */
function keyVaultReference(setting: string, secret: string): string {
  return `"${setting}=@Microsoft.KeyVault(SecretUri=https://<monitor-key-vault>.vault.azure.net/secrets/${secret})"`;
}

/** Writes a secret from a file, so the value is neither typed on the command line nor kept in history. */
function storeSecret(secret: string, file: string): string {
  return `az keyvault secret set --vault-name <monitor-key-vault> --name ${secret} --file ${file}`;
}

/**
 * The last step of every channel: a refused notice is tried every 30 minutes for 8 tries, then
 * every 6 hours (notify/backoff.ts); once the channel accepts one, the rest go out in the same
 * tick (app/delivery/deliver.ts) and the finding resolves.
 */
function afterTheFix(channel: string): RunbookStep {
  return {
    title: `Nothing is lost meanwhile: the notices ${channel} refused stay queued and are tried again every 30 minutes (every 6 hours after 8 refusals); once one is accepted the rest follow in the same tick and this incident resolves. GET /api/health lists what still waits under undeliveredNotifications`,
  };
}

export function channelSteps(channel: ChannelName): RunbookStep[] {
  switch (channel) {
    case "teams":
      return [
        {
          title:
            "Teams refuses the posts to TEAMS_WEBHOOK_URL: its Workflows flow was deleted, turned off or lost its owner. In Teams, open Workflows and turn the flow back on, or re-create it from the template Send webhook alerts to a channel for the alert channel and copy its new URL (it carries its own signature: treat it as a secret)",
        },
        {
          title:
            "Deployed with azd: set the new URL through the teamsWebhookUrl parameter (docs/deploy.md, Rotate the webhook URL). Otherwise write it to the monitor's Key Vault from a file, never on the command line",
          command: storeSecret("teams-webhook-url", "<file-holding-the-new-url>"),
        },
        {
          title:
            "Point TEAMS_WEBHOOK_URL at that secret (changing an app setting restarts the app, which reads the reference again)",
          command: setSettings(keyVaultReference("TEAMS_WEBHOOK_URL", "teams-webhook-url")),
        },
        afterTheFix("Teams"),
      ];
    case "email":
      return [
        {
          title:
            "Azure Communication Services refuses the email: check that the monitor's identity still holds the email sender role on the Communication Services resource at EMAIL_ENDPOINT",
          command:
            "az role assignment list --assignee <AZURE_CLIENT_ID> --scope <communication-services-resource-id> --output table",
        },
        {
          title:
            "Check that EMAIL_SENDER is an address of an email domain linked to that resource (its linkedDomains; a domain unlinked or no longer verified is refused), and that EMAIL_RECIPIENTS are the addresses meant",
          command:
            "az communication show --name <communication-services> --resource-group <resource-group> --output json",
        },
        {
          title:
            "Correct the sender or the recipients (changing an app setting restarts the app; EMAIL_ENDPOINT, EMAIL_SENDER and EMAIL_RECIPIENTS go together)",
          command: setSettings(`EMAIL_SENDER=DoNotReply@<linked-domain> "EMAIL_RECIPIENTS=<address>,<address>"`),
        },
        afterTheFix("email"),
      ];
    case "pagerduty":
      return [
        {
          title:
            "PagerDuty refuses the events: the routing key in PAGERDUTY_ROUTING_KEY belongs to an Events API v2 integration that was deleted or rotated, or to a disabled service. In PagerDuty, open the service's Integrations and copy the Events API v2 integration key",
        },
        {
          title:
            "Deployed with azd: set the key through the pagerDutyRoutingKey parameter (docs/deploy.md). Otherwise write it to the monitor's Key Vault from a file, never on the command line",
          command: storeSecret("pagerduty-routing-key", "<file-holding-the-key>"),
        },
        {
          title:
            "Point PAGERDUTY_ROUTING_KEY at that secret (changing an app setting restarts the app); if PAGERDUTY_URL is set, it must be an Events v2 enqueue URL such as https://events.pagerduty.com/v2/enqueue",
          command: setSettings(keyVaultReference("PAGERDUTY_ROUTING_KEY", "pagerduty-routing-key")),
        },
        afterTheFix("PagerDuty"),
      ];
  }
}

/** The fix in one clause, for /api/health's reasons (monitor-findings.ts, `monitorFix`). */
export function channelFix(channel: ChannelName): string {
  switch (channel) {
    case "teams":
      return "turn its Workflows flow back on, or re-create it and point TEAMS_WEBHOOK_URL at the new URL";
    case "email":
      return "check the monitor's email sender role on EMAIL_ENDPOINT's Communication Services resource, that EMAIL_SENDER is on a domain linked to it, and EMAIL_RECIPIENTS";
    case "pagerduty":
      return "point PAGERDUTY_ROUTING_KEY at the key of an enabled Events API v2 integration";
  }
}
