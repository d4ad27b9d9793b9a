import { z } from "zod";
import { issuePath } from "../../core/common/zod-issues.js";
import { MalformedAnswerError } from "./errors.js";

/**
 * What a 200 from Resource Manager must hold for vaultwatch to judge from it. The SDKs map any
 * body onto their models without complaint (`{}` becomes an empty list of role assignments, and
 * `{"value": {}}` one assignment with no role and no principal), so the raw body is checked here
 * and a body that does not fit fails the read instead of reading as "no role".
 */

/** One role assignment as `roleAssignments.listForScope` answers it (api-version 2022-04-01). */
const RoleAssignmentItem = z.object({
  id: z.string().min(1),
  properties: z.object({
    scope: z.string().min(1),
    roleDefinitionId: z.string().min(1),
    principalId: z.string().min(1),
  }),
});

export const RoleAssignmentPage = z.object({
  value: z.array(RoleAssignmentItem),
  nextLink: z.string().nullish(),
});

/** A vault as `vaults.get` answers it: the properties toVaultConfig reads, with their types. */
export const VaultBody = z.object({
  id: z.string().min(1),
  properties: z.object({
    tenantId: z.string().min(1),
    accessPolicies: z
      .array(z.object({ objectId: z.string().min(1), permissions: z.record(z.string(), z.unknown()) }))
      .nullish(),
    networkAcls: z.record(z.string(), z.unknown()).nullish(),
  }),
});

/** The part of core-client's raw response the check reads (what `onResponse` is given). */
interface RawResponse {
  status: number;
  bodyAsText?: string | null | undefined;
}

/** Why `text` does not fit `shape`, in one line naming where; undefined when it fits. */
export function bodyProblem(shape: z.ZodType, text: string | null | undefined): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text ?? "");
  } catch {
    return "the body is not JSON";
  }
  const parsed = shape.safeParse(body);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return issue ? `${issuePath(issue.path, { whole: "the body" })}: ${issue.message}` : "the body does not fit";
}

/**
 * Runs an SDK call with an `onResponse` that checks every 2xx body it gets (each page of a list)
 * against `shape`; the first that does not fit fails the call with `describe(why)`, whether or not
 * the SDK choked on it itself.
 */
export async function withCheckedBodies<T>(
  shape: z.ZodType,
  describe: (why: string) => string,
  call: (onResponse: (raw: RawResponse) => void) => Promise<T>,
): Promise<T> {
  let problem: string | undefined;
  const onResponse = (raw: RawResponse) => {
    if (problem === undefined && raw.status >= 200 && raw.status < 300) problem = bodyProblem(shape, raw.bodyAsText);
  };
  let value: T;
  try {
    value = await call(onResponse);
  } catch (error) {
    if (problem !== undefined) throw new MalformedAnswerError(describe(problem), { cause: error });
    throw error;
  }
  if (problem !== undefined) throw new MalformedAnswerError(describe(problem));
  return value;
}
