import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Language, Parser, type Node } from "web-tree-sitter";

/**
 * Reads the Bicep templates under infra/ with the tree-sitter Bicep grammar, so the tests can
 * check syntax and assert properties without the Bicep compiler. The grammar covers the syntax
 * these templates use; `az bicep build` remains the authority (docs/deploy.md).
 */

// Tests run from the repository root (vitest's root); there is no __dirname under vitest's ESM.
export const REPO = process.cwd();
export const INFRA = path.join(REPO, "infra");

let parser: Promise<Parser> | undefined;

export function bicepParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const language = await Language.load(path.join(REPO, "node_modules/tree-sitter-bicep/tree-sitter-bicep.wasm"));
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  return parser;
}

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

/** Every ERROR and MISSING node, with 1-based positions. */
export async function syntaxProblems(source: string): Promise<SyntaxProblem[]> {
  const root = await parseRoot(source);
  const problems: SyntaxProblem[] = [];
  const walk = (n: Node) => {
    if (n.isError || n.isMissing) {
      const snippet = source.slice(n.startIndex, Math.min(n.endIndex, n.startIndex + 40)).replace(/\s+/g, " ");
      problems.push({
        line: n.startPosition.row + 1,
        column: n.startPosition.column + 1,
        message: n.isMissing ? `missing ${n.type}` : `unexpected "${snippet}"`,
      });
    }
    for (const c of n.children) walk(c);
  };
  walk(root);
  return problems;
}

async function parseRoot(source: string): Promise<Node> {
  const tree = (await bicepParser()).parse(source);
  if (!tree) throw new Error("the Bicep parser returned no tree");
  return tree.rootNode;
}

export interface BicepFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  source: string;
  root: Node;
}

export function bicepPaths(dir = INFRA): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".bicep"))
    .map((f) => path.join(dir, f))
    .sort();
}

export async function loadBicep(file: string): Promise<BicepFile> {
  return parseBicep(path.relative(REPO, file).split(path.sep).join("/"), readFileSync(file, "utf8"));
}

/** Parses template text under a given repository path (the tests' own counter-examples). */
export async function parseBicep(relativePath: string, source: string): Promise<BicepFile> {
  return { path: relativePath, source, root: await parseRoot(source) };
}

export async function loadInfra(): Promise<BicepFile[]> {
  return Promise.all(bicepPaths().map(loadBicep));
}

export type DeclarationKind = "param" | "var" | "resource" | "module" | "output";

export interface Declaration {
  kind: DeclarationKind;
  name: string;
  node: Node;
  /** Decorator texts such as "@secure()". */
  decorators: string[];
}

const KINDS: Record<string, DeclarationKind> = {
  parameter_declaration: "param",
  variable_declaration: "var",
  resource_declaration: "resource",
  module_declaration: "module",
  output_declaration: "output",
};

/** Top-level declarations in source order, each with the decorators written above it. */
export function declarations(file: BicepFile): Declaration[] {
  const out: Declaration[] = [];
  let pending: string[] = [];
  for (const n of file.root.namedChildren) {
    if (n.type === "decorators") {
      pending = n.namedChildren.filter((d) => d.type === "decorator").map((d) => d.text);
      continue;
    }
    // Comments and #disable-next-line may sit between decorators and their declaration.
    if (n.type === "comment" || n.type === "diagnostic_comment") continue;
    const kind = KINDS[n.type];
    const name = n.namedChildren[0];
    if (kind && name) out.push({ kind, name: name.text, node: n, decorators: pending });
    pending = [];
  }
  return out;
}

export function find(file: BicepFile, kind: DeclarationKind, name: string): Declaration | undefined {
  return declarations(file).find((d) => d.kind === kind && d.name === name);
}

export function get(file: BicepFile, kind: DeclarationKind, name: string): Declaration {
  const d = find(file, kind, name);
  if (!d) throw new Error(`${file.path}: no ${kind} named ${name}`);
  return d;
}

/** The quoted type of a resource ('Microsoft.Web/sites@2024-04-01') or path of a module. */
export function typeOf(d: Declaration): string {
  return unquote(d.node.namedChildren[1]);
}

export function isExisting(d: Declaration): boolean {
  return d.node.children.some((c) => c.type === "existing");
}

/** The object body of a resource or module, looking through `if (...)` and `[for ...]`. */
export function bodyOf(d: Declaration): Node {
  const body = d.node.namedChildren.find((c) => ["object", "if_statement", "for_statement"].includes(c.type));
  const obj = body && (body.type === "object" ? body : firstObject(body));
  if (!obj) throw new Error(`${d.name}: no body`);
  return obj;
}

function firstObject(n: Node): Node | undefined {
  for (const c of n.namedChildren) {
    if (c.type === "object") return c;
    if (c.type === "if_statement") return firstObject(c);
  }
  const body = n.childForFieldName("body");
  return body ? (body.type === "object" ? body : firstObject(body)) : undefined;
}

/** Whether a resource or module is deployed under a condition (`= if (...)`, also inside a loop). */
export function conditionOf(d: Declaration): string | undefined {
  const ifs = d.node.descendantsOfType("if_statement")[0];
  return ifs?.namedChildren[0]?.text;
}

/** The value of a declaration: a param's default, a var's or output's expression. */
export function valueOf(d: Declaration): Node | undefined {
  const children = d.node.namedChildren;
  if (d.kind === "var") return children[1];
  if (d.kind === "param" || d.kind === "output") return children[2];
  return undefined;
}

/** Properties of an object literal, keyed by name (quoted keys unquoted). */
export function props(obj: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of obj.namedChildren) {
    if (p.type !== "object_property") continue;
    const [key, value] = p.namedChildren;
    if (key && value) out.set(key.type === "string" ? unquote(key) : key.text, value);
  }
  return out;
}

/** Follows a dotted path of object properties: prop(body, "properties.siteConfig"). */
export function prop(obj: Node, dotted: string): Node | undefined {
  let cur: Node | undefined = obj;
  for (const part of dotted.split(".")) {
    if (cur?.type !== "object") return undefined;
    cur = props(cur).get(part);
  }
  return cur;
}

/** The content of a string literal without interpolation; undefined for anything else. */
export function literal(n: Node | undefined): string | undefined {
  if (n?.type !== "string" || n.namedChildren.some((c) => c.type === "interpolation")) return undefined;
  return unquote(n);
}

export function unquote(n: Node | undefined): string {
  if (!n) return "";
  return n.text.replace(/^'''|'''$/g, "").replace(/^'|'$/g, "");
}

/** Every call to a function whose name starts with `list` (listKeys, listAccountSas, ...). */
export function listCalls(file: BicepFile): string[] {
  return file.root
    .descendantsOfType("call_expression")
    .map((c) => c.childForFieldName("function")?.text ?? "")
    .filter((name) => /(^|\.)list[A-Za-z]*$/.test(name));
}

/** Identifiers used anywhere inside a node. */
export function identifiersIn(n: Node): string[] {
  return n.descendantsOfType("identifier").map((i) => i.text);
}

export function readRepoFile(relative: string): string {
  return readFileSync(path.join(REPO, relative), "utf8");
}
