import { app } from "@azure/functions";
import { runtimeFromEnv } from "../composition.js";
import { createIncidentsHandlers } from "./handlers/incidents.js";

export const incidentsHttp = createIncidentsHandlers(runtimeFromEnv);

// Function keys (x-functions-key header or ?code=): incidents name vaults and identities, an
// acknowledgement stops the escalation and a close resolves the incident.
app.http("incidents", { methods: ["GET"], authLevel: "function", route: "incidents", handler: incidentsHttp.list });
app.http("incident", { methods: ["GET"], authLevel: "function", route: "incidents/{id}", handler: incidentsHttp.get });
app.http("incident-ack", {
  methods: ["POST"],
  authLevel: "function",
  route: "incidents/{id}/ack",
  handler: incidentsHttp.ack,
});
app.http("incident-close", {
  methods: ["POST"],
  authLevel: "function",
  route: "incidents/{id}/close",
  handler: incidentsHttp.close,
});
