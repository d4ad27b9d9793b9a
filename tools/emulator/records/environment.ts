import { guidOf } from "./hash.js";

/**
 * The emulated Azure estate the builders fill records in with when their input does not say:
 * one Entra tenant, one subscription, one region, one Log Analytics workspace. Every value is
 * derived, not random, so records are the same from run to run.
 */

/** The Log Analytics workspace ID: what every table's `TenantId` column holds (table references). */
export const WORKSPACE_ID = guidOf("emulator", "workspace-customer-id");

/** The Entra ID tenant: the `tid` of tokens, the issuer in `iss`, the root of activity-log hierarchies. */
export const AAD_TENANT_ID = guidOf("emulator", "aad-tenant");

/** The subscription apps and vaults live in when a builder is given no resource ID. */
export const SUBSCRIPTION_ID = guidOf("emulator", "subscription");

/** The resource group apps live in when a builder is given no resource ID. */
export const RESOURCE_GROUP = "rg-apps";

/** The region, in ARM form and in the display form Functions writes to `FunctionAppLogs.Location`. */
export const LOCATION = "westeurope";
export const LOCATION_DISPLAY = "West Europe";

/** The token issuer Key Vault quotes in its `Caller:` lines (v1 tokens, sts.windows.net). */
export const ISSUER = `https://sts.windows.net/${AAD_TENANT_ID}/`;
