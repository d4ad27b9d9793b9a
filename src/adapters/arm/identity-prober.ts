import { ManagedIdentityCredential } from "@azure/identity";
import type { IdentityProber } from "../../core/controlplane/ports.js";
import type { ProbeOutcome } from "../../core/controlplane/views.js";

export interface IdentityProberOptions {
  /** The process environment: IDENTITY_ENDPOINT (App Service, Functions) or MSI_ENDPOINT name the token endpoint. */
  env: Record<string, string | undefined>;
  /** Deadline of one token acquisition. */
  timeoutMs: number;
  /** Retries the credential makes itself; 1 rides out a blip, 0 keeps a failing probe fast. */
  maxRetries?: number;
}

/**
 * Token acquisition as the probe: "can this identity get a token for this audience right now".
 * Nothing is called with the token, no vault and no secret is touched, and the token is dropped
 * here: only whether it came, and whether it is the one seen last time, leaves this function.
 *
 * What @azure/identity 4.14 (MSAL) does that shapes this: tokens sit in a process-wide cache, so
 * a probe is answered by the endpoint only when the cached token is missing or due for refresh;
 * the transport is process-wide too (the first credential's); abortSignal and request timeouts
 * are ignored. So each probe races its own deadline, and a token with the same expiry as the last
 * probe's is reported as cached (a newly issued one expires later).
 */
export function createIdentityProber(o: IdentityProberOptions): IdentityProber {
  const credentials = new Map<string, ManagedIdentityCredential>();
  const lastExpiry = new Map<string, number>();
  const credential = (clientId: string | undefined) => {
    const key = clientId ?? "system-assigned";
    let c = credentials.get(key);
    if (!c) {
      const options = { retryOptions: { maxRetries: o.maxRetries ?? 1 } };
      c = clientId ? new ManagedIdentityCredential({ clientId, ...options }) : new ManagedIdentityCredential(options);
      credentials.set(key, c);
    }
    return c;
  };

  return {
    endpointConfigured: Boolean(o.env.IDENTITY_ENDPOINT || o.env.MSI_ENDPOINT),
    async probe(clientId, scope): Promise<ProbeOutcome> {
      const deadline = Symbol("deadline");
      let timer: NodeJS.Timeout | undefined;
      try {
        const raced = await Promise.race([
          credential(clientId).getToken(scope),
          new Promise<typeof deadline>((resolve) => {
            timer = setTimeout(() => resolve(deadline), o.timeoutMs);
          }),
        ]);
        if (raced === deadline)
          return { ok: false, error: new Error(`no token within ${o.timeoutMs} ms`), timedOut: true };
        const key = `${clientId ?? "system-assigned"}|${scope}`;
        const cached = lastExpiry.get(key) === raced.expiresOnTimestamp;
        lastExpiry.set(key, raced.expiresOnTimestamp);
        return { ok: true, cached, expiresOn: new Date(raced.expiresOnTimestamp) };
      } catch (error) {
        return { ok: false, error, timedOut: false };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
