import type { Facts } from "./facts.js";
import { type Rule, UNKNOWN, dominates } from "./rule.js";
import { partOf, plural } from "./words.js";

/** H6: network or outage masquerading as auth (playbook H6, "Network Access Issues"). */

function networkSentence(f: Facts): string {
  const d = f.dependencies!;
  return `${partOf(d.network, d.network + d.auth, "failed call")} to ${d.target} were timeouts (${d.timeouts}), connection failures (${d.connectionFailures}) or 5xx (${d.serverErrors}); ${d.auth} were 401/403`;
}

export const H6_RULES: Rule[] = [
  {
    // Playbook H6: "If timeout and DNS errors dominate while 401/403 are sparse, treat auth findings as secondary".
    // "H6 remains strongest until connectivity normalizes": it outranks the auth hypotheses.
    id: "network-failures-dominate",
    hypothesis: "H6",
    effect: "confirms",
    weight: 5,
    reads: ["dependency-calls"],
    checks: "timeouts, connection failures and 5xx in the app's calls",
    outranks: true,
    test: (f) =>
      !f.dependencies
        ? UNKNOWN
        : f.dependencies.network > 0 && dominates(f.dependencies.network, f.dependencies.network + f.dependencies.auth)
          ? `${networkSentence(f)}: treat the auth failures as secondary`
          : undefined,
  },
  {
    id: "network-failures-outnumber-auth",
    hypothesis: "H6",
    effect: "confirms",
    weight: 2,
    reads: ["dependency-calls"],
    checks: "timeouts, connection failures and 5xx in the app's calls",
    test: (f) => {
      if (!f.dependencies) return UNKNOWN;
      const { network, auth } = f.dependencies;
      return network > auth && !dominates(network, network + auth) ? networkSentence(f) : undefined;
    },
  },
  {
    // Firewall denials are the vault's network rules, the playbook's "network access issues".
    id: "firewall-denials-dominate",
    hypothesis: "H6",
    effect: "confirms",
    weight: 5,
    reads: ["kv-requests"],
    checks: "the share of firewall denials",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.counts.forbiddenFirewall, f.kv.denials)
          ? `${partOf(f.kv.counts.forbiddenFirewall, f.kv.denials, "denial")} were firewall denials (isAddressAuthorized=false): ${f.vaultName}'s network rules block the caller's address`
          : undefined,
  },
  {
    id: "vault-network-locked-down",
    hypothesis: "H6",
    effect: "confirms",
    weight: 1,
    reads: ["kv-requests"],
    checks: "the vault's network rules",
    test: (f) => {
      if (!f.kv) return UNKNOWN;
      if (f.kv.counts.forbiddenFirewall === 0) return undefined;
      if (f.vault.publicNetworkAccess === "Disabled") return `${f.vaultName} has public network access disabled`;
      if (f.vault.defaultAction === "Deny") return `${f.vaultName}'s firewall denies by default (defaultAction=Deny)`;
      return undefined;
    },
  },
  {
    id: "auth-failures-without-network-failures",
    hypothesis: "H6",
    effect: "disproves",
    weight: 3,
    reads: ["dependency-calls"],
    checks: "timeouts, connection failures and 5xx in the app's calls",
    test: (f) =>
      !f.dependencies
        ? UNKNOWN
        : f.dependencies.auth > 0 && f.dependencies.network === 0
          ? `${plural(f.dependencies.auth, "call")} to ${f.dependencies.target} failed with 401/403 and none timed out, failed to connect or got a 5xx: the network path works`
          : undefined,
  },
  {
    id: "vault-answered-with-auth-errors",
    hypothesis: "H6",
    effect: "disproves",
    weight: 1,
    reads: ["kv-requests"],
    checks: "whether the requests reached the vault",
    test: (f) =>
      !f.kv
        ? UNKNOWN
        : dominates(f.kv.authDenials, f.kv.denials)
          ? `${f.vaultName} itself answered ${plural(f.kv.authDenials, "request")} with 401/403: they reached the vault`
          : undefined,
  },
];
