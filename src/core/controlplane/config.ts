import { z } from "zod";
import { isVaultId, isWorkspaceId, normalizeId } from "./arm-ids.js";
import { EXPECTABLE_ROLES } from "./roles.js";
import { formatIssues } from "../common/zod-issues.js";

/**
 * The schema of the CONTROL_PLANE_CONFIG app setting (src/config/settings.ts reads the setting and
 * parses it here): which vaults to watch, which principals should hold which access there, which
 * audiences to probe, and optional discovery. Validation gives path-qualified errors such as
 * `principals[0].expect[1].role: ...`.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const name = z.string().trim().min(1, "expected a name").max(128, "expected at most 128 characters");
const guid = z
  .string({ error: "expected a GUID" })
  .trim()
  .regex(GUID, "expected a GUID such as 7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93")
  .transform((s) => s.toLowerCase());
const vaultId = z
  .string({ error: "expected a Key Vault resource ID" })
  .refine(
    isVaultId,
    "expected a Key Vault resource ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>",
  )
  .transform(normalizeId);
const workspaceId = z
  .string({ error: "expected a workspace resource ID" })
  .refine(
    isWorkspaceId,
    "expected a Log Analytics workspace resource ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>",
  )
  .transform(normalizeId);

/** The token audiences vaultwatch probes by name; any other https audience may be given as a URL. */
export const NAMED_AUDIENCES = {
  "key-vault": "https://vault.azure.net/.default",
  storage: "https://storage.azure.com/.default",
  "service-bus": "https://servicebus.azure.net/.default",
  arm: "https://management.azure.com/.default",
} as const;
export type AudienceName = keyof typeof NAMED_AUDIENCES;

const audience = z
  .string({ error: "expected an audience" })
  .trim()
  .refine((s) => s in NAMED_AUDIENCES || /^https:\/\/[^/\s]+(\/[^\s]*)?$/.test(s), {
    message: `expected one of ${Object.keys(NAMED_AUDIENCES).join(", ")} or an https audience such as https://vault.azure.cn`,
  })
  .transform((s) => (s in NAMED_AUDIENCES ? NAMED_AUDIENCES[s as AudienceName] : toScope(s)));

/** "https://vault.azure.cn" and "https://vault.azure.cn/.default" both become the latter. */
function toScope(url: string): string {
  return url.endsWith("/.default") ? url : `${url.replace(/\/+$/, "")}/.default`;
}

const Expectation = z
  .object({
    vault: vaultId,
    role: z.enum(EXPECTABLE_ROLES, { error: `expected one of: ${EXPECTABLE_ROLES.join(", ")}` }),
    /** Where the assignment should be made; an assignment anywhere broader is reported as the wrong scope. */
    scope: z.enum(["vault", "resource-group", "subscription"]).default("vault"),
  })
  .strict();

const Principal = z
  .object({
    name,
    objectId: guid,
    /** Client ID of a user-assigned identity that is also attached to the monitor: its tokens are probed. */
    clientId: guid.optional(),
    /** Groups the principal is a member of whose role assignments count as its own (not looked up in Entra ID). */
    groupObjectIds: z.array(guid).default([]),
    expect: z.array(Expectation).default([]),
  })
  .strict();

const Discovery = z
  .object({
    subscriptions: z.array(guid).min(1, "expected at least one subscription ID"),
    /** A ceiling on how many discovered vaults one tick reads (two ARM reads each). */
    maxVaults: z.number().int().min(1).max(2000).default(200),
  })
  .strict();

const Config = z
  .object({
    /** The Log Analytics workspaces the monitor reads; a vault whose AuditEvent goes elsewhere is a blind spot. */
    workspaces: z.array(workspaceId).min(1, "expected the resource ID of at least one workspace the monitor reads"),
    vaults: z.array(z.object({ resourceId: vaultId }).strict()).default([]),
    principals: z.array(Principal).default([]),
    // zod applies a default as given, without the transform: the default is already in scope form.
    audiences: z.array(audience).default(Object.values(NAMED_AUDIENCES)),
    discovery: Discovery.optional(),
    /**
     * How long a detected vault change stays reported. The activity log that names who made it
     * lags 3-20 minutes (learn.microsoft.com/azure/azure-monitor/logs/data-ingestion-time); an hour
     * leaves three times the worst lag to attribute it.
     */
    driftReportMinutes: z.number().int().min(5).max(1440).default(60),
    /**
     * ARM reads in flight at once: well under ARM's 25 reads per second refill per subscription and
     * principal (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
     */
    concurrency: z.number().int().min(1).max(16).default(4),
    /** Deadline of one ARM read, the client's retries (and any Retry-After wait) included. */
    armTimeoutSeconds: z.number().int().min(5).max(120).default(30),
    /** Deadline of one token acquisition. */
    probeTimeoutSeconds: z.number().int().min(1).max(60).default(10),
  })
  .strict();

export type ControlPlaneConfig = z.infer<typeof Config>;
export type PrincipalConfig = ControlPlaneConfig["principals"][number];
export type AccessExpectation = PrincipalConfig["expect"][number];

export type ConfigResult =
  | { ok: true; config: ControlPlaneConfig; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** Validates a parsed config object. */
export function parseControlPlaneConfig(raw: unknown): ConfigResult {
  const parsed = Config.safeParse(raw);
  if (!parsed.success)
    return { ok: false, errors: formatIssues(parsed.error.issues, { whole: "(config)" }), warnings: [] };
  const config = parsed.data;
  const errors: string[] = [];
  const warnings: string[] = [];
  const names = new Map<string, number>();
  config.principals.forEach((p, i) => {
    const first = names.get(p.name.toLowerCase());
    if (first !== undefined) errors.push(`principals[${i}].name: "${p.name}" is already used by principals[${first}]`);
    else names.set(p.name.toLowerCase(), i);
    const seen = new Set<string>();
    p.expect.forEach((e, j) => {
      const key = `${e.vault}|${e.role}`;
      if (seen.has(key)) errors.push(`principals[${i}].expect[${j}]: ${e.role} on this vault is listed twice`);
      seen.add(key);
    });
  });
  if (config.vaults.length === 0 && !config.discovery && config.principals.every((p) => p.expect.length === 0)) {
    warnings.push("vaults: no vaults listed, none expected and no discovery: the control-plane check watches nothing");
  }
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, config, warnings };
}

/** Parses the config from JSON text (an app setting). */
export function parseControlPlaneConfigText(text: string): ConfigResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`(config): not valid JSON: ${(error as Error).message}`], warnings: [] };
  }
  return parseControlPlaneConfig(raw);
}
