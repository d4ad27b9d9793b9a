import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { connect } from "node:net";

/** True when nothing accepts connections on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe("npm start (the built local replay)", () => {
  it("prints the alert and the resolution, answers /api/health, and stops everything on Ctrl-C", async () => {
    const child = spawn(process.execPath, ["dist/tools/local/main.js", "--port", "0", "--speed", "60"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    const deadline = Date.now() + 45_000;
    // The Key Vault incident resolves last (after the control-plane one).
    while (!out.includes("Key Vault access denied  (open") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain("== SEV-2 ALERT");
    expect(out).toContain("== SEV-2 → SEV-1 SEVERITY RAISED");
    expect(out).toContain("identity   id-func-orders (user-assigned identity)");
    expect(out).toMatch(/\$ az keyvault show --name kv-orders-prod --resource-group rg-orders-prod/);
    expect(out).toContain("== SEV-2 ALERT 01:00 UTC  Control-plane drift");
    expect(out).toContain("== RESOLVED");

    const healthUrl = /health {5}(http:\/\/localhost:\d+\/api\/health)/.exec(out)?.[1];
    expect(healthUrl).toBeDefined();
    const res = await fetch(healthUrl!);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { status: string; monitor: { fresh: boolean } };
    expect(body.monitor.fresh).toBe(true);
    expect(["healthy", "unhealthy", "degraded"]).toContain(body.status);
    // The incidents API is served with its route parameters, as `func start` would.
    const base = healthUrl!.replace(/\/health$/, "");
    const list = (await (await fetch(`${base}/incidents?state=all`)).json()) as {
      incidents: { id: string; rule: string }[];
    };
    const kv = list.incidents.find((i) => i.rule === "kv-auth-denied");
    expect(kv).toBeDefined();
    expect((await fetch(`${base}/incidents/${kv!.id}`)).status).toBe(200);
    expect((await fetch(`${base}/incidents/${kv!.id}/ack`, { method: "GET" })).status).toBe(405);

    const ports = [...out.matchAll(/127\.0\.0\.1:(\d+)/g), ...out.matchAll(/localhost:(\d+)/g)].map((m) =>
      Number(m[1]),
    );
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(out).toContain("stopped; nothing left running.");
    for (const port of new Set(ports)) expect(await refused(port)).toBe(true);
  }, 60_000);
});
