/**
 * The Resource Manager SDKs, loaded on first use: only the control-plane check builds their
 * clients, so a monitor without CONTROL_PLANE_CONFIG never requires them (with them, the cold
 * start from require to registered functions took several times longer; docs/deploy.md has the
 * figures). Types come from `import type`, which costs nothing at run time.
 */
export const armSdk = {
  authorization: (): typeof import("@azure/arm-authorization") => require("@azure/arm-authorization"),
  keyVault: (): typeof import("@azure/arm-keyvault") => require("@azure/arm-keyvault"),
  resourceGraph: (): typeof import("@azure/arm-resourcegraph") => require("@azure/arm-resourcegraph"),
};
