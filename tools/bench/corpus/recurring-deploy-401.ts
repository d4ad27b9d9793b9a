import { AUDIT_TABLES, monitorConfig, scenario, type CorpusStory } from "./config.js";
import {
  between,
  binShare,
  binsBetween,
  DAY,
  HOUR,
  MINUTE,
  OFFICE,
  PRICING_IDENTITY,
  PRICING_VAULT,
  iso,
  siteId,
  unit,
  utc,
} from "./shared.js";
import { Telemetry } from "./timeline.js";
import { requests, type Caller } from "./traffic.js";

const PRICING = PRICING_IDENTITY;
const KV = PRICING_VAULT;
const APP = PRICING.name;

/** func-pricing's instances: each restarts at a deploy. */
const INSTANCES = 4;
/** Reads each instance retries per minute while it has no token (its secret loader retries every 20 seconds, three secrets). */
const TOKENLESS_READS_PER_MINUTE = 3 * 3;
/** The release train: func-pricing ships at these UTC hours every weekday. */
const DEPLOY_HOURS = [9, 15];

/** One deploy: when the new instances start, and how long they call before their token is ready. */
interface Deploy {
  at: number;
  minutes: number;
}

/**
 * The deploys of `from`..`to`: weekdays at 09:00 and 15:00, each starting 0 or 1 minute past the
 * hour (the pipeline's queue) and calling without a token for 6 to 9 minutes, so every burst
 * falls in the two 5-minute bins after the hour. Deterministic per day and hour.
 */
export function pricingDeploys(from: number, to: number): Deploy[] {
  const out: Deploy[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const hour of DEPLOY_HOURS) {
      const key = `${APP}/deploy/${new Date(day).toISOString().slice(0, 10)}/${hour}`;
      const at = day + hour * HOUR + Math.floor(unit(key, 0) * 2) * MINUTE;
      if (at >= from && at < to) out.push({ at, minutes: 6 + Math.floor(unit(key, 1) * 4) });
    }
  }
  return out;
}

/**
 * The Container Apps playbook's "identity endpoint unreachable" and the Functions playbook's H1,
 * when it lasts minutes and recurs by design. func-pricing (system-assigned identity) reads
 * kv-pricing-prod through its own secret loader, which asks the App Service identity endpoint for
 * a token lazily and, when the endpoint does not answer yet, sends the read without one and
 * retries every 20 seconds. After every deploy the new instances' identity endpoint takes six to
 * nine minutes to answer, so each deploy leaves a burst of 401s with no caller (operation
 * SecretGet, not the SDK's Authentication challenge) across the two bins after the hour; then the
 * token arrives and every read succeeds. The release train ships at 09:00 and 15:00 UTC every
 * weekday, so the fourteen days of history before Tuesday 2026-04-28 hold twenty such bursts, and
 * the day holds two more. Nobody is paged for it: it is how func-pricing starts.
 */
export function recurringDeploy401(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-28T${hhmm}`);
  const historyFrom = utc("2026-04-14T00:00");
  const end = at("17:00");
  const deploys = pricingDeploys(historyFrom, end);
  const tokenless = (ms: number) => (deploys.some((d) => between(d.at, d.at + d.minutes * MINUTE)(ms)) ? 1 : 0);

  const pricing: Caller = { key: "pricing/kv-pricing-prod", peak: 50, shape: OFFICE };

  const tm = new Telemetry();
  const s = {
    pricingGet: tm.kvSeries("pricing-get", KV, PRICING),
    anonymousGet: tm.kvSeries("anonymous-get", KV, undefined),
  };
  for (const t of binsBetween(historyFrom, end)) {
    const share = binShare(t, tokenless);
    // While the new instances wait for their token, none of the app's reads carry one.
    tm.kv(t, s.pricingGet, { succeeded: Math.round(requests(pricing, t) * (1 - share)) });
    tm.kv(t, s.anonymousGet, { unauthorized: Math.round(INSTANCES * TOKENLESS_READS_PER_MINUTE * 5 * share) });
  }

  return scenario({
    name: "recurring-deploy-401",
    description:
      "func-pricing ships at 09:00 and 15:00 UTC every weekday; after each deploy its new instances read kv-pricing-prod without a token for six to nine minutes " +
      "(401, no caller, operation SecretGet) until their identity endpoint answers, a burst across the two 5-minute bins after the hour. Fourteen days of history hold " +
      "twenty such bursts; Tuesday 2026-04-28 holds two more. Nothing to page on: the app's usual start, learned from its history.",
    start: at("08:00"),
    end,
    tables: AUDIT_TABLES,
    settings: {
      MONITOR_CONFIG: monitorConfig([{ name: APP, identities: [PRICING], critical: true, hasFallback: false }]),
    },
    telemetry: tm,
    // Each deploy points WEBSITE_RUN_FROM_PACKAGE at the new build (an app-settings write, which
    // restarts the app): a change of the site, not of its identity or of anyone's access.
    activity: deploys.map((d) => ({
      at: iso(d.at),
      operation: "Microsoft.Web/sites/config/write",
      scope: `${siteId("rg-pricing-prod", APP)}/config/appsettings`,
      caller: "release-pipeline@contoso.com",
    })),
    clients: [{ app: APP, vault: KV, appInsights: false, instances: INSTANCES }],
    coldStarts: deploys.map((d) => ({ at: d.at, app: APP })),
    incidents: [],
  });
}
