import type { PrincipalTrust } from "../../../src/functions/handlers/access.js";
import { type AppRole, principalHeaders } from "../../../src/functions/http/principal.js";

/** An app behind App Service Authentication, as WEBSITE_AUTH_ENABLED=True makes it. */
export const PLATFORM: PrincipalTrust = { trusted: true, by: "App Service Authentication" };
/** An app without it: whatever principal headers arrive came from the client. */
export const NO_SIGN_IN: PrincipalTrust = {
  trusted: false,
  why: "App Service Authentication is off on this app (WEBSITE_AUTH_ENABLED is not True), so no caller can be identified; docs/access.md turns it on",
};

/** People of a tenant with the app roles they were assigned; object IDs as Entra gives them. */
export const ALICE = { name: "alice@contoso.com", objectId: "7c1e0a52-3b9d-4f6e-8a21-5d4c3b2a1f00" };
export const BOB = { name: "bob@contoso.com", objectId: "9d2f1b63-4cae-4071-9b32-6e5d4c3b2a11" };
export const REN = { name: "ren@contoso.com", objectId: "1e3a2c74-5dbf-4182-8c43-7f6e5d4c3b22" };

/** The headers the platform injects for `who` signed in with `roles`. */
export const as = (who: { name: string; objectId: string }, ...roles: AppRole[]) => principalHeaders({ ...who, roles });
