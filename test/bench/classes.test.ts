import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classesOf, classOf, classSlug, OTHER_CLASS } from "../../tools/bench/classes.js";

const SCENARIOS = "test/scenarios";

describe("the classes of problem", () => {
  it("give every corpus world a class of its own, so that none is reported under other", () => {
    const names = readdirSync(SCENARIOS)
      .filter((f) => f.endsWith(".json"))
      .map((f) => (JSON.parse(readFileSync(join(SCENARIOS, f), "utf8")) as { name: string }).name);
    expect(names.length).toBeGreaterThanOrEqual(16);
    expect(names.filter((n) => classOf(n) === OTHER_CLASS)).toEqual([]);
  });

  it("put a scenario the bench does not know under other, last", () => {
    expect(classOf("my-own-incident")).toBe("other");
    // A name that is a property of every object is not a class either.
    expect(classOf("constructor")).toBe("other");
    expect(classesOf(["my-own-incident", "healthy-week", "rbac-removal", "dual-table-vault"])).toEqual([
      "role removed",
      "healthy",
      "other",
    ]);
  });

  it("name each class in results.json by a slug of lower-case words", () => {
    expect(classSlug("disabled-secret probes")).toBe("disabled-secret-probes");
    expect(classSlug("recurring deploy 401s")).toBe("recurring-deploy-401s");
    expect(classSlug("permission missing from a policy")).toBe("permission-missing-from-a-policy");
    expect(classOf("iac-policy-replace")).toBe("one cause across callers");
  });
});
