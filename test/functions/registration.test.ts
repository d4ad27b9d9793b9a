import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

interface Registered {
  name: string;
  bindings: Record<string, Record<string, unknown>>;
}

/** What the Functions host would index from the built app (`npm test` builds before it runs). */
function hostView(): { main: string; files: string[]; registered: Registered[]; hooks: string[] } {
  if (!existsSync("dist/src/functions"))
    throw new Error("dist/ is missing: run `npm run build` (npm test does) before this test");
  return JSON.parse(
    execFileSync(process.execPath, ["test/harness/functions-host.cjs", process.cwd()], { encoding: "utf8" }),
  ) as ReturnType<typeof hostView>;
}

const trigger = (r: Registered | undefined) =>
  Object.values(r?.bindings ?? {}).find((b) => String(b.type).endsWith("Trigger"));

describe("what the Functions host registers from package.json main", () => {
  const view = hostView();

  it("loads the registration modules that main's glob names", () => {
    expect(view.main).toBe("dist/src/functions/*.js");
    expect(view.files).toEqual(["health.js", "incidents.js", "monitor.js", "silences.js", "startup.js"]);
  });

  it("registers the monitor timer on the MONITOR_SCHEDULE app setting, never on startup", () => {
    const monitor = view.registered.find((r) => r.name === "monitor");
    expect(trigger(monitor)).toMatchObject({
      type: "timerTrigger",
      schedule: "%MONITOR_SCHEDULE%",
      runOnStartup: false,
      useMonitor: true,
    });
  });

  it("registers GET /api/health behind a function key", () => {
    const health = view.registered.find((r) => r.name === "health");
    expect(trigger(health)).toMatchObject({
      type: "httpTrigger",
      methods: ["GET"],
      route: "health",
      authLevel: "function",
    });
  });

  it("registers the incidents and silences API behind a function key, each route with only its methods", () => {
    const http = (name: string) => trigger(view.registered.find((r) => r.name === name));
    expect(http("incidents")).toMatchObject({
      type: "httpTrigger",
      methods: ["GET"],
      route: "incidents",
      authLevel: "function",
    });
    expect(http("incident")).toMatchObject({
      type: "httpTrigger",
      methods: ["GET"],
      route: "incidents/{id}",
      authLevel: "function",
    });
    expect(http("incident-ack")).toMatchObject({
      type: "httpTrigger",
      methods: ["POST"],
      route: "incidents/{id}/ack",
      authLevel: "function",
    });
    expect(http("incident-close")).toMatchObject({
      type: "httpTrigger",
      methods: ["POST"],
      route: "incidents/{id}/close",
      authLevel: "function",
    });
    expect(http("silences")).toMatchObject({
      type: "httpTrigger",
      methods: ["GET"],
      route: "silences",
      authLevel: "function",
    });
    expect(http("silence-create")).toMatchObject({
      type: "httpTrigger",
      methods: ["POST"],
      route: "silences",
      authLevel: "function",
    });
    expect(http("silence-expire")).toMatchObject({
      type: "httpTrigger",
      methods: ["DELETE"],
      route: "silences/{id}",
      authLevel: "function",
    });
  });

  it("registers exactly these functions and the start-up settings check", () => {
    expect(view.registered.map((r) => r.name).sort()).toEqual([
      "health",
      "incident",
      "incident-ack",
      "incident-close",
      "incidents",
      "monitor",
      "silence-create",
      "silence-expire",
      "silences",
    ]);
    expect(view.hooks).toEqual(["appStart"]);
  });
});
