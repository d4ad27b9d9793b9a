import { KvRequestCounts, type RequestCounts } from "./signal-set.js";

export type { RequestCounts };

/** The count fields, read from the signal row's schema (where they are listed, once) and in its order. */
const FIELDS = Object.keys(KvRequestCounts.shape) as (keyof RequestCounts)[];

/** No requests at all: what a sum starts from. */
export function emptyCounts(): RequestCounts {
  return Object.fromEntries(FIELDS.map((f) => [f, 0])) as RequestCounts;
}

/** The requests of `a` and `b` together (a new object; neither is changed). */
export function addCounts(a: RequestCounts, b: RequestCounts): RequestCounts {
  const sum = emptyCounts();
  for (const f of FIELDS) sum[f] = a[f] + b[f];
  return sum;
}

/** Every 403, whatever denied it: RBAC, an access policy, the firewall or another reason. */
export function forbiddenOf(c: RequestCounts): number {
  return c.forbiddenRbac + c.forbiddenPolicy + c.forbiddenFirewall + c.forbiddenOther;
}

/** Every denial: 401s and 403s, what the access-denied rule counts as failures. */
export function deniedOf(c: RequestCounts): number {
  return c.unauthorized + forbiddenOf(c);
}
