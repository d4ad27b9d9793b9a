/**
 * The world the corpus scenarios share: one subscription, its vaults, the identities and apps that
 * call them, and the clock, jitter and daily-shape helpers every generator uses. Names and IDs of
 * kv-orders-prod, id-func-orders and func-billing are the built-in incident's
 * (tools/standin/scenarios/rbac-removal.ts), so the corpus and the built-in describe one estate.
 */

export const SUBSCRIPTION = "4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61";
export const WORKSPACE_RESOURCE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-vaultwatch`;
/** The tenant the ARM stand-in reports vaults in (tools/standin/arm-state.ts), for access policies. */
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** Built-in role GUIDs (Azure built-in roles reference). */
export const ROLE = {
  secretsUser: { guid: "4633458b-17de-408a-b874-0445c86b69e6", name: "Key Vault Secrets User" },
} as const;

/** The role definition ID as AzureActivity records it in a role assignment's body. */
export const roleDefinitionId = (guid: string) =>
  `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

export interface Vault {
  name: string;
  /** ARM resource ID in ARM's casing (control plane, activity); rows carry it lower-cased, as the query does. */
  id: string;
  /** The host App Insights records as the dependency target. */
  host: string;
}

export function vault(resourceGroup: string, name: string): Vault {
  return {
    name,
    id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}`,
    host: `${name}.vault.azure.net`,
  };
}

export const VAULTS = {
  orders: vault("rg-orders-prod", "kv-orders-prod"),
  billing: vault("rg-billing-prod", "kv-billing-prod"),
  shared: vault("rg-shared-prod", "kv-shared-prod"),
  ledger: vault("rg-ledger-prod", "kv-ledger-prod"),
  portal: vault("rg-portal-prod", "kv-portal-prod"),
  reports: vault("rg-reports-prod", "kv-reports-prod"),
  payments: vault("rg-payments-prod", "kv-payments-prod"),
  catalog: vault("rg-catalog-prod", "kv-catalog-prod"),
  feeds: vault("rg-catalog-prod", "kv-feeds-prod"),
} as const;

export interface Identity {
  /** The identity's name: the user-assigned identity, or the app a system-assigned identity belongs to. */
  name: string;
  objectId: string;
  /** Client ID (the token's appid claim). */
  clientId: string;
  /** The token's xms_mirid claim as Key Vault logs it (resourcegroups in lower case). */
  resourceId: string;
  kind: "user-assigned" | "system-assigned";
}

function userAssigned(resourceGroup: string, name: string, objectId: string, clientId: string): Identity {
  return {
    name,
    objectId,
    clientId,
    kind: "user-assigned",
    resourceId: `/subscriptions/${SUBSCRIPTION}/resourcegroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  };
}

function systemAssigned(resourceGroup: string, site: string, objectId: string, clientId: string): Identity {
  return {
    name: site,
    objectId,
    clientId,
    kind: "system-assigned",
    resourceId: `/subscriptions/${SUBSCRIPTION}/resourcegroups/${resourceGroup}/providers/Microsoft.Web/sites/${site}`,
  };
}

// Object and client IDs are fixed GUIDs, so regenerating the corpus never changes them.
export const IDENTITIES = {
  orders: userAssigned(
    "rg-orders-prod",
    "id-func-orders",
    "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
    "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
  ),
  orders2026: userAssigned(
    "rg-orders-prod",
    "id-func-orders-2026",
    "0d7f3b9e-4a2c-4c8e-9b6d-5a7c9e1f3b18",
    "f8b0d2e4-6c8e-4a1b-b3d5-8e0a2c4e6f29",
  ),
  ordersCanary: userAssigned(
    "rg-orders-prod",
    "id-func-orders-canary",
    "1e8a4c0f-5b3d-4d9f-a7c1-6b8d0f2a4c30",
    "0a2c4e6f-7d9f-4b1c-8e3a-9f1b3d5f7a41",
  ),
  billing: systemAssigned(
    "rg-billing-prod",
    "func-billing",
    "2e9b7c4d-6a1f-4e3b-8d5c-9f0a1b2c3d4e",
    "5f6a7b8c-9d0e-4f1a-2b3c-4d5e6f7a8b9c",
  ),
  portal: systemAssigned(
    "rg-portal-prod",
    "app-portal",
    "9a3e5c71-2b4d-4f6e-8a0c-1d3f5b7e9a20",
    "3c5e7a91-4b6d-4e8f-9a1c-2e4f6a8c0b31",
  ),
  notify: userAssigned(
    "rg-shared-prod",
    "id-func-notify",
    "41b7d2e8-6c3a-4f95-b0d1-8e2a4c6f9b13",
    "8e1f3a5c-7b9d-4c2e-a4f6-0b8d2e4a6c57",
  ),
  ledger: userAssigned(
    "rg-ledger-prod",
    "id-ledger-sync",
    "5c8a1e3f-9d2b-4a6c-8e0f-3b5d7a9c1e42",
    "b2d4f6a8-1c3e-4b5d-9f7a-6e8c0a2d4f63",
  ),
  reports: systemAssigned(
    "rg-reports-prod",
    "func-reports",
    "6e2c9a4b-1f3d-4b7e-a5c8-2d4f6b8e0a74",
    "d4f6b8e0-3a5c-4d7e-8f1b-5c7e9a1b3d85",
  ),
  payments: userAssigned(
    "rg-payments-prod",
    "id-func-payments",
    "8f4a2c6e-3b1d-4e9a-b7c5-4f6a8c0e2b96",
    "e6a8c0e2-5b7d-4f9a-a1c3-7d9f1b3d5e07",
  ),
  catalog: userAssigned(
    "rg-catalog-prod",
    "id-catalog",
    "1435b0d4-3092-4987-a734-0fc59663166a",
    "2ab84dd6-f59d-4303-ab45-c7bfd350714a",
  ),
  secretSync: userAssigned(
    "rg-platform",
    "id-secret-sync",
    "f71145a4-3187-4d52-a19c-a4c769334d15",
    "aac9309b-958a-440e-9986-51cb2fdcbb3a",
  ),
} as const;

/** An Entra ID group that holds a vault role for its members (stale-token-identity-swap). */
export const ORDERS_READERS_GROUP = {
  name: "grp-kv-orders-readers",
  objectId: "3a9c5e1b-7d4f-4a2e-8c6b-0e2a4c6e8a52",
} as const;

/** An App Service / Functions site: the resource an identity change is written to. */
export const siteId = (resourceGroup: string, site: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${site}`;

// ---------------------------------------------------------------------------------------------
// Time

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The scenario format's bin (SCENARIO_BIN_MINUTES). */
export const BIN = 5 * MINUTE;

/** "2026-03-04T01:03" (UTC) as epoch ms. */
export function utc(s: string): number {
  const ms = Date.parse(/Z$/.test(s) ? s : `${s}:00Z`);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${s}`);
  return ms;
}

/** ISO 8601 without milliseconds, as the files show times. */
export const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** Bin starts from `from` (rounded down to a bin) up to, not including, `to`. */
export function binsBetween(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / BIN) * BIN; t < to; t += BIN) out.push(t);
  return out;
}

/**
 * The mean of `f` over the bin's five minutes, each taken at its middle: the share of a bin's
 * requests that fall in a state that starts or ends inside the bin (f is 0..1 per instant).
 */
export function binShare(t: number, f: (ms: number) => number): number {
  let sum = 0;
  for (let m = 0; m < 5; m++) sum += f(t + m * MINUTE + 30_000);
  return sum / 5;
}

/** 1 inside [from, to), 0 outside: for binShare. */
export const between = (from: number, to: number) => (ms: number) => (ms >= from && ms < to ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Deterministic jitter and daily shape

/** A uniform number in [0, 1) from a key and an index: FNV-1a, then a murmur3 finalizer. */
export function unit(key: string, n: number): number {
  let h = 0x811c9dc5;
  const s = `${key}|${n}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** A count with mean `mean`: floor or ceiling, the ceiling with the fractional part's probability. */
export function sparse(key: string, t: number, mean: number): number {
  const whole = Math.floor(mean);
  return whole + (unit(key, Math.floor(t / BIN)) < mean - whole ? 1 : 0);
}

/**
 * The shape of a caller's day: `night` is the trough as a share of the peak, the peak is at
 * `peakHour` UTC (a raised cosine between them), and Saturdays and Sundays are scaled by `weekend`.
 */
export interface DailyShape {
  night: number;
  peakHour: number;
  weekend: number;
}

/** Office hours in Western Europe: busiest mid-afternoon UTC, quiet at night and at weekends. */
export const OFFICE: DailyShape = { night: 0.2, peakHour: 14, weekend: 0.35 };
/** Consumer shopping: busiest late afternoon and evening (17:00 UTC), quietest before dawn, a little busier at weekends. */
export const SHOPPING: DailyShape = { night: 0.3, peakHour: 17, weekend: 1.1 };
/** Back-office processing that runs around the clock. */
export const ROUND_THE_CLOCK: DailyShape = { night: 0.65, peakHour: 11, weekend: 0.85 };

export function daily(t: number, shape: DailyShape): number {
  const hour = (t % DAY) / HOUR;
  const rise = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - shape.peakHour + 12)) / 24);
  const weekday = new Date(t).getUTCDay();
  return (shape.night + (1 - shape.night) * rise) * (weekday === 0 || weekday === 6 ? shape.weekend : 1);
}

/**
 * Requests in one bin: `peak` per bin at the busiest hour, shaped by the day, with ±`spread`
 * deterministic jitter (uniform), never below 0.
 */
export function volume(key: string, t: number, peak: number, shape: DailyShape, spread = 0.15): number {
  const jitter = 1 - spread + 2 * spread * unit(key, Math.floor(t / BIN));
  return Math.max(0, Math.round(peak * daily(t, shape) * jitter));
}

/** An Entra ID group that holds Key Vault Secrets User on kv-billing-prod for its members (group-removal). */
export const BILLING_READERS_GROUP = {
  name: "grp-billing-readers",
  objectId: "6b1d3f5a-8c2e-4a7b-9d0f-1e3a5c7b9d24",
} as const;

// ---------------------------------------------------------------------------------------------
// A new app and a vault of its own (first-grant-propagating, recurring-deploy-401)

/** func-invoices' user-assigned identity, new in first-grant-propagating: no access before its grant. */
export const INVOICES_IDENTITY = userAssigned(
  "rg-billing-prod",
  "id-func-invoices",
  "406ea723-def3-452d-9577-1704afc378c8",
  "f6b7d814-c922-4c31-bedd-36fccf67c094",
);

/** func-pricing's vault and system-assigned identity (recurring-deploy-401). */
export const PRICING_VAULT = vault("rg-pricing-prod", "kv-pricing-prod");
export const PRICING_IDENTITY = systemAssigned(
  "rg-pricing-prod",
  "func-pricing",
  "bd690df3-cf5b-435a-8f43-15f0dacc443a",
  "ae6e4fe8-567b-4079-8c8d-ef2558fdc01d",
);
