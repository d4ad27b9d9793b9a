// Loads the app the way the Azure Functions Node worker does, and prints what it registered.
// The worker provides the virtual module "@azure/functions-core" to the @azure/functions library
// and then requires the files that package.json "main" names; the library calls
// registerFunction(metadata) with the binding metadata the host indexes. Nothing of the library is
// replaced: this stands in for the worker side of that seam only.
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");

const registered = [];
const hooks = [];
const coreApi = {
  version: "3.10.0",
  registerFunction(metadata) {
    registered.push(metadata);
    return { dispose() {} };
  },
  registerHook(name) {
    hooks.push(name);
    return { dispose() {} };
  },
  setProgrammingModel() {},
  getProgrammingModel() {},
  log() {},
};
const originalRequire = Module.prototype.require;
Module.prototype.require = function (id, ...rest) {
  if (id === "@azure/functions-core") return coreApi;
  return originalRequire.call(this, id, ...rest);
};

const root = process.argv[2] ?? process.cwd();
const main = require(path.join(root, "package.json")).main;
const dir = path.join(root, path.dirname(main));
const pattern = new RegExp(
  `^${path
    .basename(main)
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")}$`,
);
const files = fs
  .readdirSync(dir)
  .filter((f) => pattern.test(f))
  .sort();
for (const f of files) require(path.join(dir, f));
process.stdout.write(JSON.stringify({ main, files, registered, hooks }));
