import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FaultsResult } from "./faults.js";

/**
 * The fault matrix in a process of its own (faults-run.js). The managed-identity client keeps
 * what it learned of its token endpoint process-wide, so after the bench's replay host is gone a
 * matrix run in the same process asked a closed endpoint for tokens: measured, every replay took
 * about 60 s instead of 4 and lost a notice it does not lose alone.
 */
export async function measureFaultsInChild(progress: (s: string) => void = () => undefined): Promise<FaultsResult> {
  const out = await mkdtemp(join(tmpdir(), "vaultwatch-faults-"));
  try {
    await new Promise<void>((done, reject) => {
      const proc = execFile(
        process.execPath,
        [join(__dirname, "faults-run.js"), out],
        // faults-run reads ./test/scenarios: the repository is three levels above dist/tools/bench.
        { cwd: resolve(__dirname, "..", "..", ".."), maxBuffer: 16 << 20 },
        (error, _stdout, stderr) => {
          if (error) reject(new Error(`faults-run failed: ${stderr.trim().split("\n").pop() ?? error.message}`));
          else done();
        },
      );
      // Its progress lines go on to the bench's stderr as they come.
      proc.stderr?.on("data", (chunk: Buffer) => {
        for (const line of String(chunk).split("\n")) if (line.trim()) progress(line);
      });
    });
    return JSON.parse(await readFile(join(out, "faults.json"), "utf8")) as FaultsResult;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
