/// <reference types="@kusto/language-service-next" />
import { KqlError, KUSTO_TYPES, type ColumnSpec, type KustoType, type Position } from "./types.js";

export type SyntaxNode = Kusto.Language.Syntax.SyntaxNode;

let loaded: typeof Kusto.Language | undefined;

/**
 * Kusto.Language, compiled to JavaScript with Bridge.NET (31 MB: about 1.5 s to load), loaded when
 * a query is first parsed rather than by every module that may evaluate one. The Bridge runtime
 * must load first; the library defines the global `Kusto` namespace.
 */
export function kusto(): typeof Kusto.Language {
  if (!loaded) {
    require("@kusto/language-service-next/bridge.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.js");
    loaded = (globalThis as unknown as { Kusto: typeof Kusto }).Kusto.Language;
  }
  return loaded;
}

let kindNames: Map<number, string> | undefined;

/** SyntaxKind number → name (the Bridge enum object maps names to numbers). */
export function kindOf(node: SyntaxNode | Kusto.Language.Syntax.SyntaxElement): string {
  kindNames ??= new Map<number, string>(
    Object.entries(kusto().Syntax.SyntaxKind as unknown as Record<string, unknown>)
      .filter((e): e is [string, number] => typeof e[1] === "number")
      .map(([name, n]) => [n, name]),
  );
  return kindNames.get(node.Kind as unknown as number) ?? String(node.Kind);
}

/** 1-based line and column of an offset in the text. */
export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { offset, line, column };
}

const globalsCache = new Map<string, Kusto.Language.GlobalState>();

/** The Kusto.Language globals for a database of tables, cached by schema (building symbols is slow). */
function globalsFor(tables: ReadonlyMap<string, readonly ColumnSpec[]>): Kusto.Language.GlobalState {
  const schemas = [...tables].map(([name, cols]) => [
    name,
    `(${cols.map((c) => `['${c.name}']:${c.type}`).join(", ")})`,
  ]);
  const key = JSON.stringify(schemas);
  let g = globalsCache.get(key);
  if (!g) {
    const K = kusto();
    const symbols = schemas.map(([name, schema]) => new K.Symbols.TableSymbol.$ctor7(name!, schema!, null));
    g = K.GlobalState.Default!.WithDatabase(new K.Symbols.DatabaseSymbol.ctor("workspace", symbols))!;
    if (globalsCache.size > 64) globalsCache.clear();
    globalsCache.set(key, g);
  }
  return g;
}

const codeCache = new Map<string, Kusto.Language.KustoCode>();

/**
 * A query's shape: its text with the contents of datetime literals blanked, keeping every offset.
 * The monitor's queries differ from tick to tick only in their `let` datetimes, so the bound tree
 * of one tick serves the next; the evaluator reads literal values from the query's own text.
 */
function shapeOf(text: string): string {
  return text.replace(/datetime\(([^)]*)\)/g, (_, inner: string) => `datetime(${"x".repeat(inner.length)})`);
}

/** Like analyze, remembering the bound tree of each query shape (parsing and binding take ~0.1-1 s). */
export function analyzeCached(
  text: string,
  tables: ReadonlyMap<string, readonly ColumnSpec[]>,
): Kusto.Language.KustoCode {
  const key = `${[...tables].map(([n, c]) => `${n}(${c.map((x) => `${x.name}:${x.type}`).join(",")})`).join(";")}\n${shapeOf(text)}`;
  let code = codeCache.get(key);
  if (!code) {
    code = analyze(text, tables);
    if (codeCache.size > 256) codeCache.clear();
    codeCache.set(key, code);
  }
  return code;
}

/**
 * Parses and binds a query against the tables' schemas. Syntax errors and semantic errors (an
 * unknown table or column, a wrong argument type) are reported as the service reports them.
 */
export function analyze(text: string, tables: ReadonlyMap<string, readonly ColumnSpec[]>): Kusto.Language.KustoCode {
  const K = kusto();
  const code = K.KustoCode.ParseAndAnalyze(text, globalsFor(tables))!;
  const all = code.GetDiagnostics()!;
  if (all.Count === 0) return code;
  // Syntax errors first, as the service reports them: a query that does not parse has no meaning to check.
  const syntax = K.KustoCode.Parse(text, null)!.GetDiagnostics()!;
  for (let i = 0; i < syntax.Count; i++) {
    const d = syntax.getItem(i)!;
    if (String(d.Severity) === "Error")
      throw new KqlError("SyntaxError", `${d.Message} [${d.Code}]`, positionOf(text, d.Start));
  }
  for (let i = 0; i < all.Count; i++) {
    const d = all.getItem(i)!;
    if (String(d.Severity) === "Error")
      throw new KqlError(
        "SemanticError",
        `${d.Message} [${d.Code}] at '${text.slice(d.Start, d.Start + d.Length)}'`,
        positionOf(text, d.Start),
      );
  }
  return code;
}

/** The Kusto type of an expression, as the binder computed it. */
export function typeOf(node: SyntaxNode): KustoType | undefined {
  const name = (node as Kusto.Language.Syntax.Expression).ResultType?.Name;
  return name && (KUSTO_TYPES as readonly string[]).includes(name) ? (name as KustoType) : undefined;
}

/** The columns of a tabular expression's result, as the binder computed them. */
export function columnsOf(node: SyntaxNode): ColumnSpec[] | undefined {
  const t = (node as Kusto.Language.Syntax.Expression).ResultType as unknown as {
    Columns?: { Count: number; getItem(i: number): { Name: string; Type: { Name: string } } };
  } | null;
  const cols = t?.Columns;
  if (!cols) return undefined;
  const out: ColumnSpec[] = [];
  for (let i = 0; i < cols.Count; i++) {
    const c = cols.getItem(i);
    out.push({
      name: c.Name,
      type: ((KUSTO_TYPES as readonly string[]).includes(c.Type.Name) ? c.Type.Name : "dynamic") as KustoType,
    });
  }
  return out;
}

/** The children of a node that are nodes (not tokens), in order. */
export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let i = 0; i < node.ChildCount; i++) {
    const c = node.GetChild(i);
    if (c && !c.IsToken) out.push(c as SyntaxNode);
  }
  return out;
}

/** The elements of a separated list (SyntaxList of SeparatedElement), unwrapped. */
export function listOf<T extends SyntaxNode>(list: unknown): T[] {
  const l = list as { Count: number; getItem(i: number): { Element: T } } | null;
  const out: T[] = [];
  if (!l) return out;
  for (let i = 0; i < l.Count; i++) out.push(l.getItem(i).Element);
  return out;
}

/** Node kinds the evaluator has no implementation for, named the way a user writes them. */
export function constructName(node: SyntaxNode): string {
  const kind = kindOf(node);
  const first = node.GetFirstToken?.();
  const keyword = first?.Text;
  if (kind.endsWith("Operator")) return `operator ${keyword ?? kind}`;
  if (kind === "FunctionCallExpression") {
    const name = (node as Kusto.Language.Syntax.FunctionCallExpression).Name?.SimpleName;
    return `function ${name}`;
  }
  return `${kind.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}${keyword ? ` '${keyword}'` : ""}`;
}
