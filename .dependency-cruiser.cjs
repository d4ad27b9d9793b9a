/**
 * The layers, one direction: functions → app → core ← adapters; composition wires them; tools
 * (stand-ins, scenarios, replay, bench, CLI) sit outside the deployed app. `npm test` runs this
 * (`npm run lint`); a violation fails with the rule's name. See docs/adr/0011-layers.md.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "core-imports-only-core",
      comment: "src/core is the pure heart: it imports nothing of the app outside src/core.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^(src/(?!core/)|tools/|test/)" },
    },
    {
      name: "core-imports-no-azure",
      comment: "src/core takes data and returns decisions: no Azure SDK, not even a type.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "@azure/" },
    },
    {
      name: "core-does-no-io",
      comment:
        "src/core is pure: no file, network, process or timer modules (hashing and compression are computation).",
      severity: "error",
      from: { path: "^src/core/" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?(crypto|util|zlib)$" },
    },
    {
      name: "only-functions-import-azure-functions",
      comment: "The Functions programming model stays in src/functions (registrations and handlers).",
      severity: "error",
      from: { pathNot: "^src/functions/" },
      to: { path: "@azure/functions" },
    },
    {
      name: "app-uses-ports-not-adapters",
      comment: "src/app reaches the outside world through the ports in src/core/ports/, never an adapter or an SDK.",
      severity: "error",
      from: { path: "^src/app/" },
      to: { path: "^(src/(adapters|config|functions)/|src/composition\\.ts$|@azure/)" },
    },
    {
      name: "adapters-use-core-only",
      comment: "Adapters implement core's ports over the SDKs; they never call the app or the handlers.",
      severity: "error",
      from: { path: "^src/adapters/" },
      to: { path: "^src/(app|functions|config)/|^src/composition\\.ts$" },
    },
    {
      name: "functions-are-the-top",
      comment: "Nothing in the app imports the Functions registrations or handlers.",
      severity: "error",
      from: { path: "^src/(?!functions/)" },
      to: { path: "^src/functions/" },
    },
    {
      name: "app-never-imports-tools",
      comment: "The deployed app (src/) never imports a tool (tools/): stand-ins and replays are not shipped.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(tools|test)/" },
    },
    {
      name: "no-cycles",
      comment: "No import cycle, type-only imports included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    // Type-only imports count: a cycle through types is still a cycle of meaning.
    tsPreCompilationDeps: true,
    // TypeScript 7 has no JavaScript API yet; swc parses the sources (type-only imports included).
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".json"],
    },
    moduleSystems: ["es6", "cjs"],
  },
};
