import { app } from "@azure/functions";
import { runtimeFromEnv } from "../composition.js";
import { createSilencesHandlers } from "./handlers/silences.js";

export const silencesHttp = createSilencesHandlers(runtimeFromEnv);

// Function keys: a silence mutes pages, so creating one must not be open to anyone.
app.http("silences", { methods: ["GET"], authLevel: "function", route: "silences", handler: silencesHttp.list });
app.http("silence-create", {
  methods: ["POST"],
  authLevel: "function",
  route: "silences",
  handler: silencesHttp.create,
});
app.http("silence-expire", {
  methods: ["DELETE"],
  authLevel: "function",
  route: "silences/{id}",
  handler: silencesHttp.expire,
});
