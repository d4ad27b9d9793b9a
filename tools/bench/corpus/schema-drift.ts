import { scenario, truth, type CorpusStory } from "./config.js";
import { ordersRoleDeletion } from "./rbac-removal.js";
import { IDENTITIES, iso, utc, VAULTS } from "./shared.js";

const ORDERS = IDENTITIES.orders;
const KV = VAULTS.orders;

/**
 * An access incident the monitor loses sight of halfway through. On Tuesday 2026-04-07 the deploy
 * pipeline deletes id-func-orders' Key Vault Secrets User on kv-orders-prod at 10:00 (rbac-removal's
 * story, later in the day and longer): the first 403 is at 10:03, on-call restores the assignment at
 * 10:40 and the 403s fade out over the propagation window until 10:51. From 10:20 to 11:00 the
 * workspace's answers to vaultwatch's signals query come back with their schema drifted: the
 * `Counts` column is named `counts`, every row otherwise intact. The rows still hold the 403s,
 * but not under the column the monitor reads, so for 40 minutes it cannot trust anything the
 * workspace says about any vault.
 */
export function schemaDrift(): CorpusStory {
  const at = (hhmm: string) => utc(`2026-04-07T${hhmm}`);
  const historyFrom = utc("2026-04-05T00:00");
  const end = at("11:40");
  const deleted = at("10:00");
  const firstDenied = at("10:03");
  const restored = at("10:40");
  const lastDenied = at("10:51");
  const driftFrom = at("10:20");
  const driftUntil = at("11:00");

  const story = ordersRoleDeletion({ historyFrom, end, deleted, firstDenied, restored, lastDenied });
  return scenario({
    name: "schema-drift",
    description:
      "Key Vault Secrets User for id-func-orders on kv-orders-prod is deleted by the deploy pipeline at 10:00 UTC; the first 403 comes at 10:03, " +
      "on-call restores the assignment at 10:40 and the 403s fade out until 10:51. From 10:20 to 11:00 the workspace's answers to the monitor's " +
      "signals query come back with the Counts column named counts (rows intact): the monitor cannot trust what it is told for 40 minutes.",
    start: at("09:50"),
    end,
    ...story,
    answerDrifts: [
      { from: iso(driftFrom), until: iso(driftUntil), kind: "column-renamed", column: "Counts", to: "counts" },
    ],
    incidents: [
      truth({
        name: "orders-secrets-user-deleted",
        cause: deleted,
        onset: firstDenied,
        recovered: lastDenied,
        hypothesis: "H2",
        severity: "SEV-1",
        vault: KV.name,
        identity: ORDERS.name,
        note: "the role was deleted (H2): the critical order pipeline is blocked with no fallback, whether or not the monitor can see it meanwhile",
      }),
      truth({
        name: "signals-answer-drifted",
        subject: "monitor",
        onset: driftFrom,
        recovered: driftUntil,
        hypothesis: "none",
        severity: "SEV-2",
        note: "every answer about every vault is unreadable for 40 minutes (Counts renamed): the monitor is blind, which must page, saying the answer cannot be read, not that the vault is quiet",
      }),
    ],
  });
}
