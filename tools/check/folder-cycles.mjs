#!/usr/bin/env node
// Folder-level cycles: dependency-cruiser checks files (rule "no-cycles"); this collapses its
// graph to folders (src/core/notify, src/app, ...) and fails on any cycle between them, type-only
// imports included. Run by `npm run lint`.
import { cruise } from "dependency-cruiser";
import { createRequire } from "node:module";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);
const config = require("../../.dependency-cruiser.cjs");
const result = await cruise(["src", "tools"], { ...config.options, validate: false });
const modules = result.output.modules.filter((m) => /^(src|tools)\//.test(m.source));

/** The folder that names a module's concern: its directory. */
const folderOf = (path) => dirname(path);
const edges = new Map();
for (const m of modules) {
  const from = folderOf(m.source);
  for (const d of m.dependencies) {
    if (!/^(src|tools)\//.test(d.resolved)) continue;
    const to = folderOf(d.resolved);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${m.source} → ${d.resolved}`);
  }
}

// Tarjan's strongly connected components: any component of two or more folders is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!state.has(w)) {
      visit(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
}
for (const v of new Set(modules.map((m) => folderOf(m.source)))) if (!state.has(v)) visit(v);

if (cycles.length === 0) {
  console.log(`✔ no folder-level cycles (${new Set(modules.map((m) => folderOf(m.source))).size} folders)`);
} else {
  for (const c of cycles) {
    console.error(`  error no-folder-cycles: ${c.sort().join(" ⇄ ")}`);
    const members = new Set(c);
    for (const from of c)
      for (const [to, example] of edges.get(from) ?? [])
        if (members.has(to)) console.error(`      ${from} → ${to} (e.g. ${example})`);
  }
  console.error(`\nx ${cycles.length} folder-level cycle(s)`);
  process.exit(1);
}
