/** Azurite's well-known development account key (public, documented, local only). */
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface LocalTables {
  connectionString: string;
  endpoint: string;
  close(): Promise<void>;
}

interface AzuriteTableServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

/**
 * Starts Azurite's Table service in this process: in memory, on a free loopback port. Started
 * this way Azurite never initialises its telemetry client (only its CLI does), so nothing leaves
 * the machine.
 */
export async function startAzuriteTables(): Promise<LocalTables> {
  // Azurite has no exports map; these deep paths are its documented programmatic entry points.
  const TableServer = require("azurite/dist/src/table/TableServer").default as new (
    config: unknown,
  ) => AzuriteTableServer;
  const TableConfiguration = require("azurite/dist/src/table/TableConfiguration").default as new (
    ...args: unknown[]
  ) => unknown;
  // (host, port, keepAlive, dbPath, debugLog, accessLog, accessLogStream, debugPath, loose,
  //  skipApiVersionCheck, cert, key, pwd, oauth, disableProductStyleUrl, inMemoryPersistence)
  const config = new TableConfiguration(
    "127.0.0.1",
    0,
    undefined,
    "azurite-unused.json",
    false,
    false,
    undefined,
    undefined,
    false,
    true,
    "",
    "",
    "",
    undefined,
    false,
    true,
  );
  const server = new TableServer(config);
  await server.start();
  const port = new URL(server.getHttpServerAddress()).port;
  const endpoint = `http://127.0.0.1:${port}/devstoreaccount1`;
  return {
    endpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=${endpoint};`,
    close: () => server.close(),
  };
}
