import { app } from "@azure/functions";
import { runtimeFromEnv } from "../composition.js";

// Validate settings when the host starts, so a bad or missing setting shows in the host log at
// once, naming the setting. The functions still load: the timer fails each tick with the same
// message and /api/health answers 503 "misconfigured" until the setting is fixed.
app.hook.appStart(() => {
  try {
    runtimeFromEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
  }
});
