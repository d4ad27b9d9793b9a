import Module from "node:module";

/**
 * One cold start, in a fresh process started by cold-start.ts: requires the files given (argv[2],
 * a JSON array of absolute paths) and prints, on a line starting with `__COLDSTART__`, the time
 * from just before the first require to just after the last, timed here so process start-up is
 * left out. `@azure/functions-core` is stood in for the way the Functions worker provides it, so
 * registration takes the host's path (registerFunction, registerHook) rather than test mode's, and
 * the registrations are counted.
 */

interface Registered {
  functions: string[];
  hooks: string[];
}

const files = JSON.parse(process.argv[2] ?? "[]") as string[];
const registered: Registered = { functions: [], hooks: [] };
const disposable = { dispose: () => undefined };
const core = {
  setProgrammingModel: () => undefined,
  registerFunction: (meta: { name?: string }) => (registered.functions.push(String(meta?.name)), disposable),
  registerHook: (name: string) => (registered.hooks.push(name), disposable),
  log: () => undefined,
};
type RequireFn = (this: unknown, id: string) => unknown;
const proto = Module.prototype as unknown as { require: RequireFn };
const original = proto.require;
proto.require = function (this: unknown, id: string) {
  // Same hook as the worker's: the module exists only inside the Functions host.
  if (id === "@azure/functions-core") return core;
  return original.call(this, id);
};

const errors: { file: string; error: string }[] = [];
const before = new Set(Object.keys(require.cache));
const t0 = process.hrtime.bigint();
for (const f of files) {
  try {
    require(f);
  } catch (e) {
    errors.push({
      file: f,
      error: String((e as Error)?.stack ?? e)
        .split("\n")
        .slice(0, 6)
        .join("\n"),
    });
  }
}
const t1 = process.hrtime.bigint();
const keys = Object.keys(require.cache).filter((k) => !before.has(k));
process.stdout.write(`\n__COLDSTART__${JSON.stringify({ ms: Number(t1 - t0) / 1e6, keys, errors, registered })}\n`);
process.exit(0);
