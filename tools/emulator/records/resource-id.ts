/**
 * Azure Resource Manager IDs: `/subscriptions/{sub}[/resourceGroups/{rg}][/providers/{ns}/{type}/{name}[/{type}/{name}]…]`.
 * The logs write the same ID in different cases (AzureDiagnostics: `ResourceId` upper case,
 * `_ResourceId` lower case), so the builders take IDs apart instead of trusting their spelling.
 */
export interface ArmId {
  /** The ID as given. */
  id: string;
  subscriptionId: string;
  /** "" for a subscription-level scope. */
  resourceGroup: string;
  /** The provider namespace, e.g. "Microsoft.KeyVault"; "" above resource level. */
  provider: string;
  /** The resource type path, e.g. "vaults" or "servers/databases"; "" above resource level. */
  type: string;
  /** The last name segment (the resource's own name); "" above resource level. */
  name: string;
}

/** Takes an ARM ID apart; throws on anything that is not one. */
export function parseArmId(id: string): ArmId {
  const parts = id.split("/");
  if (parts[0] !== "" || parts[1]?.toLowerCase() !== "subscriptions" || !parts[2])
    throw new Error(`not an Azure resource ID: ${JSON.stringify(id)}`);
  const out: ArmId = { id, subscriptionId: parts[2], resourceGroup: "", provider: "", type: "", name: "" };
  let i = 3;
  if (parts[i]?.toLowerCase() === "resourcegroups") {
    if (!parts[i + 1]) throw new Error(`resource group missing in ${JSON.stringify(id)}`);
    out.resourceGroup = parts[i + 1]!;
    i += 2;
  }
  if (parts[i]?.toLowerCase() === "providers") {
    out.provider = parts[i + 1] ?? "";
    const rest = parts.slice(i + 2);
    if (rest.length < 2 || rest.length % 2 !== 0)
      throw new Error(`resource type or name missing in ${JSON.stringify(id)}`);
    out.type = rest.filter((_, k) => k % 2 === 0).join("/");
    out.name = rest[rest.length - 1]!;
  } else if (i < parts.length)
    throw new Error(`unexpected segment ${JSON.stringify(parts[i])} in ${JSON.stringify(id)}`);
  return out;
}

/** `/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider}/{type}/{name}`. */
export function armId(
  subscriptionId: string,
  resourceGroup: string,
  provider: string,
  type: string,
  name: string,
): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${type}/${name}`;
}
