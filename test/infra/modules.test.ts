import { beforeAll, describe, expect, it } from "vitest";
import { bodyOf, declarations, loadInfra, prop, props, typeOf, valueOf, type BicepFile } from "./bicep.js";
import { moduleFile } from "./roles.js";

/**
 * What the Bicep compiler would reject or warn about across module boundaries, checked offline:
 * a parameter passed that the module does not declare, a required one left out, an output read
 * that the module does not produce, and declarations nothing uses.
 */

let files: BicepFile[];

beforeAll(async () => {
  files = await loadInfra();
});

const localModuleCalls = () =>
  files.flatMap((caller) =>
    declarations(caller)
      .filter((d) => d.kind === "module" && !typeOf(d).startsWith("br/") && !typeOf(d).startsWith("br:"))
      .map((m) => ({ caller, m, callee: moduleFile(files, caller, m) })),
  );

describe("module calls", () => {
  it("point at files that exist", () => {
    const calls = localModuleCalls();
    expect(calls.length).toBeGreaterThan(10);
    for (const { caller, m, callee } of calls) expect(callee, `${caller.path} ${m.name} -> ${typeOf(m)}`).toBeDefined();
  });

  it("pass only declared parameters, and every required one", () => {
    for (const { caller, m, callee } of localModuleCalls()) {
      if (!callee) continue;
      const params = declarations(callee).filter((d) => d.kind === "param");
      const paramsNode = prop(bodyOf(m), "params");
      const given = paramsNode ? [...props(paramsNode).keys()] : [];
      const where = `${caller.path} module ${m.name}`;
      expect(
        given.filter((g) => !params.some((p) => p.name === g)),
        `${where}: unknown parameters`,
      ).toEqual([]);
      const required = params.filter((p) => valueOf(p) === undefined).map((p) => p.name);
      expect(
        required.filter((r) => !given.includes(r)),
        `${where}: missing parameters`,
      ).toEqual([]);
    }
  });

  it("read only outputs the module declares", () => {
    for (const { caller, m, callee } of localModuleCalls()) {
      if (!callee) continue;
      const outputs = declarations(callee)
        .filter((d) => d.kind === "output")
        .map((d) => d.name);
      const read = [
        ...caller.source.matchAll(new RegExp(`\\b${m.name}!?(?:\\[[^\\]]*\\])?\\.outputs\\.(\\w+)`, "g")),
      ].map((x) => x[1] ?? "");
      expect(
        read.filter((r) => !outputs.includes(r)),
        `${caller.path} reads ${m.name}.outputs`,
      ).toEqual([]);
    }
  });
});

describe("declarations", () => {
  it("every parameter and variable is used", () => {
    for (const f of files) {
      const uses = new Map<string, number>();
      for (const id of f.root.descendantsOfType("identifier")) {
        const parent = id.parent;
        const isKey = parent?.type === "object_property" && parent.namedChildren[0]?.startIndex === id.startIndex;
        const isDeclaredName =
          parent !== null &&
          ["parameter_declaration", "variable_declaration"].includes(parent.type) &&
          parent.namedChildren[0]?.startIndex === id.startIndex;
        if (!isKey && !isDeclaredName) uses.set(id.text, (uses.get(id.text) ?? 0) + 1);
      }
      for (const d of declarations(f).filter((x) => x.kind === "param" || x.kind === "var")) {
        expect(uses.get(d.name) ?? 0, `${f.path}: ${d.kind} ${d.name} is never used`).toBeGreaterThan(0);
      }
    }
  });
});
