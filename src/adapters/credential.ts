import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";

/**
 * One credential for every client. Inside Azure Functions the platform sets IDENTITY_ENDPOINT,
 * and the managed identity is used directly (a user-assigned one when a client ID is given), so a
 * broken identity fails loudly instead of falling through to other credential types. Elsewhere
 * (a developer's machine) DefaultAzureCredential finds `az login` or similar.
 */
export function createCredential(
  env: Record<string, string | undefined>,
  clientId: string | undefined,
): TokenCredential {
  if (env.IDENTITY_ENDPOINT) {
    return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  }
  return clientId ? new DefaultAzureCredential({ managedIdentityClientId: clientId }) : new DefaultAzureCredential();
}
