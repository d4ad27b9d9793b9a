import type { TableClient, TableEntity } from "@azure/data-tables";
import { isRestError } from "@azure/core-rest-pipeline";
import type { SaveResult } from "../core/ports/ports.js";

/**
 * Creates the entity (no ETag) or replaces it only if it still has the ETag read. 409: another
 * run created it first; 412: another run updated it since our read. Both are a conflict for the
 * caller to resolve, never an overwrite.
 */
export async function conditionalWrite(
  table: TableClient,
  entity: TableEntity,
  etag: string | undefined,
): Promise<SaveResult> {
  try {
    const r =
      etag === undefined ? await table.createEntity(entity) : await table.updateEntity(entity, "Replace", { etag });
    return { status: "saved", etag: r.etag ?? "" };
  } catch (error) {
    if (isRestError(error) && (error.statusCode === 409 || error.statusCode === 412)) return { status: "conflict" };
    throw error;
  }
}
