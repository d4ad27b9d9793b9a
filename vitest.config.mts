import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Azurite (Tables) starts once for the run, in memory on a free port, and stops at the end.
    globalSetup: ["test/harness/azurite.global.ts"],
    // The end-to-end tests replay hours of ticks through the Log Analytics emulator: how long they
    // take depends on the machine and its load, and a timeout is not what any of them asserts.
    testTimeout: 90_000,
    hookTimeout: 30_000,
    // Each file gets its own process: the managed-identity credential caches its endpoint and
    // tokens in static fields, so a file's stand-in must not leak into another file.
    pool: "forks",
    isolate: true,
    // Vitest leaves one core to its main process, which mostly waits: on a 2-core machine that is
    // one test file at a time. Two workers there cut the run from about 5 to about 3 minutes.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
