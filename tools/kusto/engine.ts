import { compileScalar, unsupported, type Node } from "./compile-scalar.js";
import { evaluateTabular, type Context, type Relation } from "./compile-tabular.js";
/// <reference types="@kusto/language-service-next" />
import { analyzeCached, kindOf, listOf } from "./language.js";
import type { ColumnSpec, Database, EvaluateOptions, ResultTable, Row } from "./types.js";
import { KqlError } from "./types.js";

/**
 * Runs a KQL query over a database with Kusto's semantics, the way Kusto-Loco does over
 * Kusto.Language: the language service parses and binds the query (so syntax and semantic errors,
 * column names and types are Kusto's own), then the bound syntax tree is evaluated. A construct the
 * evaluator does not implement is refused with a KqlError naming it and its position.
 */
export function evaluate(query: string, db: Database, options: EvaluateOptions): ResultTable {
  const schemas = new Map<string, readonly ColumnSpec[]>([...db].map(([name, t]) => [name, t.columns]));
  const code = analyzeCached(query, schemas);
  const ctx: Context = {
    text: query,
    db,
    now: options.now.getTime(),
    scalars: new Map(),
    tables: new Map(),
    pruned: prunedOf(code, schemas),
  };
  let result: Relation | undefined;
  for (const statement of listOf<Node>(code.Syntax!.GetChild(1))) {
    const kind = kindOf(statement);
    if (kind === "LetStatement") let_(statement, ctx);
    else if (kind === "ExpressionStatement") {
      if (result) throw unsupported(scope(ctx), statement, "a second query in one request");
      result = evaluateTabular(statement.Expression, ctx);
    } else throw unsupported(scope(ctx), statement);
  }
  if (!result) throw new KqlError("SemanticError", "the query has no tabular expression to answer with");
  return { columns: result.columns, rows: expand(result.rows) };
}

const scope = (ctx: Context) => ({ text: ctx.text, columns: [], lets: ctx.scalars, now: ctx.now });

function let_(statement: Node, ctx: Context): void {
  const name = String(statement.Name.SimpleName);
  const value = statement.Expression;
  const symbol = String(statement.Name.ReferencedSymbol?.$$name ?? "");
  const type = String(value.ResultType?.$$name ?? "");
  if (kindOf(value) === "FunctionDeclaration")
    throw unsupported(scope(ctx), value, "a user-defined function (let f = (...) {...})");
  if (type.endsWith("TableSymbol") || kindOf(value) === "MaterializeExpression") {
    let cached: Row[] | undefined;
    let columns: ColumnSpec[] = [];
    // Evaluated when first read and kept: a let-bound table is read by several legs.
    ctx.tables.set(name, () => {
      if (!cached) {
        const r = evaluateTabular(value, ctx);
        columns = r.columns;
        // Read by every leg that names it: no operator may write into these rows.
        cached = [...r.rows].map((row) => ({ ...row, owned: false }));
      }
      return { columns, rows: cached };
    });
    return;
  }
  if (!symbol.endsWith("VariableSymbol")) throw unsupported(scope(ctx), value);
  const s = compileScalar(value, {
    ...scope(ctx),
    tabular: (node) => {
      const r = evaluateTabular(node, ctx);
      return { columns: r.columns, rows: [...r.rows] };
    },
  });
  if (!s.constant) throw unsupported(scope(ctx), value, "a let whose value depends on a row");
  ctx.scalars.set(name, { type: s.type, value: s.eval({ values: [], count: 1 }) });
}

const prunedCache = new WeakMap<Kusto.Language.KustoCode, Set<string>>();

/** unnamedColumns, once per bound tree (a tree serves every query of its shape). */
function prunedOf(code: Kusto.Language.KustoCode, schemas: ReadonlyMap<string, readonly ColumnSpec[]>): Set<string> {
  let pruned = prunedCache.get(code);
  if (!pruned) prunedCache.set(code, (pruned = unnamedColumns(code, schemas)));
  return pruned;
}

/**
 * The table columns a query never names (no reference, no declaration, no string that could be a
 * column_ifexists name): safe to leave out of scans. None when the query has a `*` or its answer
 * holds a column it does not name (`T | take 10` answers with every column).
 */
function unnamedColumns(
  code: Kusto.Language.KustoCode,
  schemas: ReadonlyMap<string, readonly ColumnSpec[]>,
): Set<string> {
  const named = new Set<string>();
  let star = false;
  const walk = (node: Node) => {
    const kind = kindOf(node);
    if (kind === "StarExpression") star = true;
    else if (kind === "NameReference" || kind === "NameDeclaration") named.add(String(node.SimpleName));
    else if (kind === "StringLiteralExpression") named.add(String(node.LiteralValue ?? ""));
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child && !child.IsToken) walk(child);
    }
  };
  walk(code.Syntax);
  const pruned = new Set<string>();
  if (star) return pruned;
  for (const columns of schemas.values()) for (const c of columns) if (!named.has(c.name)) pruned.add(c.name);
  const answer = resultColumns(code);
  if (answer.some((c) => pruned.has(c.name))) return new Set();
  return pruned;
}

function resultColumns(code: Kusto.Language.KustoCode): ColumnSpec[] {
  const t = code.ResultType as unknown as { Columns?: { Count: number; getItem(i: number): { Name: string } } } | null;
  const out: ColumnSpec[] = [];
  for (let i = 0; i < (t?.Columns?.Count ?? 0); i++) out.push({ name: t!.Columns!.getItem(i).Name, type: "dynamic" });
  return out;
}

/** The result's rows, each repeated as many times as it stands for (summarize rows stand for one). */
function expand(rows: Iterable<Row>): unknown[][] {
  const out: unknown[][] = [];
  for (const r of rows) for (let i = 0; i < r.count; i++) out.push(r.values);
  return out;
}
