import type { TestProject } from "vitest/node";
import { startAzuriteTables } from "../../tools/local/azurite.js";

export default async function setup(project: TestProject) {
  const tables = await startAzuriteTables();
  project.provide("tableConnectionString", tables.connectionString);
  return async () => {
    await tables.close();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    tableConnectionString: string;
  }
}
