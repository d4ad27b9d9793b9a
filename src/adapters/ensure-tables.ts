import type { TableClient } from "@azure/data-tables";

/**
 * Creates tables once per process, before the first read or write; `createTable` already treats
 * "exists" as success. A failure is not remembered: the next call tries again.
 */
export function ensureTables(...clients: TableClient[]): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= Promise.all(clients.map((c) => c.createTable())).then(
      () => undefined,
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
