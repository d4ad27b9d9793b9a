import { app } from "@azure/functions";
import { runtimeFromEnv } from "../composition.js";
import { createHealthHandler } from "./handlers/health.js";

export const healthHttp = createHealthHandler(runtimeFromEnv);

app.http("health", {
  methods: ["GET"],
  // Requires a function key (x-functions-key header or ?code=): health details name vaults and identities.
  authLevel: "function",
  route: "health",
  handler: healthHttp,
});
