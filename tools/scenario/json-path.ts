import { issuePath } from "../../src/core/common/zod-issues.js";

/** `$.timeline[3]["kv-requests"][0].counts.total`: JSONPath, brackets for names that need them. */
export function jsonPathOf(path: readonly PropertyKey[]): string {
  return issuePath(path, { root: "$" });
}
