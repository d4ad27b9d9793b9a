import { AGGREGATES } from "./aggregates.js";
import { compileScalar, unsupported, type Node, type Scalar, type Scope } from "./compile-scalar.js";
import { columnsOf, kindOf, listOf, positionOf } from "./language.js";
import { tostringOf } from "./functions.js";
import { KqlError, type ColumnSpec, type Database, type KustoType, type Row, type TimeRange } from "./types.js";

/** A table in flight: its columns and its rows (possibly lazy: read once). */
export interface Relation {
  columns: ColumnSpec[];
  rows: Iterable<Row>;
}

/** What a tabular expression may read: the database, the query's lets, the clock. */
export interface Context {
  text: string;
  db: Database;
  now: number;
  scalars: Map<string, { type: KustoType; value: unknown }>;
  tables: Map<string, () => Relation>;
  /**
   * Table columns the query never names: left out of every scan (a 279-column AzureDiagnostics row
   * is read as the twenty the query uses). Empty when the answer itself holds table columns.
   */
  pruned: ReadonlySet<string>;
}

/** The binder's columns without those the evaluator does not read. */
function visible(ctx: Context, expected: ColumnSpec[] | undefined): ColumnSpec[] | undefined {
  return expected && ctx.pruned.size > 0 ? expected.filter((c) => !ctx.pruned.has(c.name)) : expected;
}

const scopeOf = (ctx: Context, columns: readonly ColumnSpec[]): Scope => ({
  text: ctx.text,
  columns,
  lets: ctx.scalars,
  now: ctx.now,
  tabular: (node) => {
    const r = evaluateTabular(node, ctx);
    return { columns: r.columns, rows: [...r.rows] };
  },
});

/** Evaluates a tabular expression. */
export function evaluateTabular(node: Node, ctx: Context): Relation {
  const kind = kindOf(node);
  switch (kind) {
    case "ParenthesizedExpression":
      return evaluateTabular(node.Expression, ctx);
    case "MaterializeExpression":
      return evaluateTabular(node.Expression, ctx);
    case "NameReference":
      return table(node, ctx);
    case "PipeExpression":
      return operator(node.Operator, evaluateTabular(node.Expression, ctx), ctx, node.Expression);
    case "DataTableExpression":
      return datatable(node, ctx);
    case "UnionOperator":
    case "PrintOperator":
      return operator(node, undefined, ctx);
  }
  throw unsupported(scopeOf(ctx, []), node);
}

function table(node: Node, ctx: Context, range?: TimeRange): Relation {
  const name = String(node.SimpleName);
  const bound = ctx.tables.get(name);
  if (bound) return bound();
  const source = ctx.db.get(name);
  if (!source)
    throw new KqlError(
      "SemanticError",
      `'${name}' could not be resolved: no such table`,
      positionOf(ctx.text, node.TextStart),
    );
  if (ctx.pruned.size === 0) return { columns: [...source.columns], rows: source.scan(range) };
  const keep: number[] = [];
  source.columns.forEach((c, i) => {
    if (!ctx.pruned.has(c.name)) keep.push(i);
  });
  const columns = keep.map((i) => source.columns[i]!);
  if (source.projects) return { columns, rows: source.scan(range, keep) };
  return {
    columns,
    rows: (function* () {
      for (const r of source.scan(range))
        yield { values: keep.map((i) => r.values[i]), count: r.count, ingestedAt: r.ingestedAt, owned: true };
    })(),
  };
}

/** `T | where TimeGenerated >= a and TimeGenerated < b ...`: hands [a, b) to the table's scan. */
function rangeOf(filter: Node, timeColumn: string, ctx: Context): TimeRange | undefined {
  const range: TimeRange = {};
  const conjuncts: Node[] = [];
  const collect = (e: Node) => {
    if (kindOf(e) === "AndExpression") {
      collect(e.Left);
      collect(e.Right);
    } else conjuncts.push(e);
  };
  collect(filter.Condition);
  const scope = scopeOf(ctx, []);
  const value = (e: Node): number | undefined => {
    try {
      const s = compileScalar(e, scope);
      const v = s.constant ? s.eval({ values: [], count: 1 }) : undefined;
      return typeof v === "number" ? v : undefined;
    } catch {
      return undefined;
    }
  };
  for (const c of conjuncts) {
    const k = kindOf(c);
    const onTime = (e: Node) => kindOf(e) === "NameReference" && String(e.SimpleName) === timeColumn;
    if (k === "BetweenExpression" && onTime(c.Left)) {
      const lo = value(c.Right.First);
      const hi = value(c.Right.Second);
      if (
        lo !== undefined &&
        hi !== undefined &&
        c.Right.Second &&
        String(c.Right.Second.ResultType?.Name) === "datetime"
      ) {
        range.from = Math.max(range.from ?? -Infinity, lo);
        range.to = Math.min(range.to ?? Infinity, hi + 1);
      }
      continue;
    }
    if (!c.Left || !c.Right || !onTime(c.Left)) continue;
    const v = value(c.Right);
    if (v === undefined) continue;
    const op = String(c.Operator?.Text);
    if (op === ">=") range.from = Math.max(range.from ?? -Infinity, v);
    else if (op === ">") range.from = Math.max(range.from ?? -Infinity, v + 1);
    else if (op === "<") range.to = Math.min(range.to ?? Infinity, v);
    else if (op === "<=") range.to = Math.min(range.to ?? Infinity, v + 1);
  }
  return range.from === undefined && range.to === undefined ? undefined : range;
}

function operator(op: Node, input: Relation | undefined, ctx: Context, inputNode?: Node): Relation {
  const kind = kindOf(op);
  const expected = visible(ctx, columnsOf(op));
  const need = (): Relation => {
    if (!input) throw unsupported(scopeOf(ctx, []), op, `${kind} without an input`);
    return input;
  };
  switch (kind) {
    case "FilterOperator": {
      let src = need();
      // Push the time bounds of a filter straight on a table down to the table's scan.
      if (inputNode && kindOf(inputNode) === "NameReference" && !ctx.tables.has(String(inputNode.SimpleName))) {
        const source = ctx.db.get(String(inputNode.SimpleName));
        const range = source?.timeColumn ? rangeOf(op, source.timeColumn, ctx) : undefined;
        if (range) src = table(inputNode, ctx, range);
      }
      const pred = compileScalar(op.Condition, scopeOf(ctx, src.columns));
      return { columns: src.columns, rows: filter(src.rows, pred) };
    }
    case "ExtendOperator":
      return extend(op, need(), ctx, expected);
    case "ProjectOperator":
      return project(op, need(), ctx, expected);
    case "ProjectAwayOperator":
    case "ProjectKeepOperator":
    case "ProjectRenameOperator":
    case "ProjectReorderOperator":
      return reshape(op, need(), expected);
    case "SummarizeOperator":
      return summarize(op, need(), ctx, expected);
    case "UnionOperator":
      return union(op, input, ctx, expected);
    case "JoinOperator":
      return join(op, need(), ctx, expected);
    case "SortOperator":
      return sort(listOf<Node>(op.Expressions), need(), ctx);
    case "TakeOperator": {
      const n = compileScalar(op.Expression, scopeOf(ctx, [])).eval({ values: [], count: 1 }) as number;
      return { columns: need().columns, rows: take(need().rows, n) };
    }
    case "TopOperator": {
      const n = compileScalar(op.Expression, scopeOf(ctx, [])).eval({ values: [], count: 1 }) as number;
      const sorted = sort([op.ByExpression], need(), ctx);
      return { columns: sorted.columns, rows: take(sorted.rows, n) };
    }
    case "CountOperator": {
      let total = 0;
      for (const r of need().rows) total += r.count;
      return { columns: expected ?? [{ name: "Count", type: "long" }], rows: [{ values: [total], count: 1 }] };
    }
    case "DistinctOperator":
      return distinct(op, need(), ctx, expected);
    case "PrintOperator":
      return print(op, ctx, expected);
  }
  throw unsupported(scopeOf(ctx, input?.columns ?? []), op);
}

function* filter(rows: Iterable<Row>, pred: Scalar): Generator<Row> {
  for (const r of rows) if (pred.eval(r) === true) yield r;
}

function* take(rows: Iterable<Row>, n: number): Generator<Row> {
  let left = n;
  if (left <= 0) return;
  for (const r of rows) {
    if (r.count <= left) {
      yield r;
      left -= r.count;
    } else {
      yield { ...r, count: left };
      left = 0;
    }
    if (left === 0) return;
  }
}

/** The name of a column an unnamed expression makes: a column reference keeps its name. */
function declaredName(e: Node): string | undefined {
  const k = kindOf(e);
  if (k === "SimpleNamedExpression") return String(e.Name.SimpleName);
  if (k === "NameReference") return String(e.SimpleName);
  return undefined;
}

function extend(op: Node, src: Relation, ctx: Context, expected: ColumnSpec[] | undefined): Relation {
  const columns = [...src.columns];
  const steps: { index: number; scalar: Scalar }[] = [];
  for (const e of listOf<Node>(op.Expressions)) {
    if (kindOf(e) === "CompoundNamedExpression")
      throw unsupported(scopeOf(ctx, columns), e, "a tuple assignment in extend");
    const scalar = compileScalar(e, scopeOf(ctx, columns));
    const name =
      declaredName(e) ??
      expected?.find((c) => !columns.some((x) => x.name === c.name))?.name ??
      `Column${columns.length}`;
    let index = columns.findIndex((c) => c.name === name);
    if (index < 0) {
      index = columns.length;
      columns.push({ name, type: scalar.type });
    } else columns[index] = { name, type: scalar.type };
    steps.push({ index, scalar });
  }
  agree(op, ctx, columns, expected);
  const width = columns.length;
  return {
    columns,
    rows: (function* () {
      for (const r of src.rows) {
        // A row only this pipeline holds is extended in place; a shared one (a stored record, a
        // let-bound table) is copied first.
        const row: Row = r.owned
          ? r
          : { values: r.values.slice(), count: r.count, ingestedAt: r.ingestedAt, owned: true };
        // Grown by push, not by setting length: the array stays packed.
        while (row.values.length < width) row.values.push(null);
        for (const s of steps) row.values[s.index] = s.scalar.eval(row);
        yield row;
      }
    })(),
  };
}

function project(op: Node, src: Relation, ctx: Context, expected: ColumnSpec[] | undefined): Relation {
  const scope = scopeOf(ctx, src.columns);
  const exprs = listOf<Node>(op.Expressions);
  const outs = exprs.map((e, i) => {
    if (kindOf(e) === "StarExpression") throw unsupported(scope, e, "a wildcard in project");
    const scalar = compileScalar(e, scope);
    return { name: declaredName(e) ?? expected?.[i]?.name ?? `Column${i + 1}`, scalar };
  });
  const columns = outs.map((o) => ({ name: o.name, type: o.scalar.type }));
  agree(op, ctx, columns, expected);
  return {
    columns,
    rows: (function* () {
      for (const r of src.rows)
        yield { values: outs.map((o) => o.scalar.eval(r)), count: r.count, ingestedAt: r.ingestedAt, owned: true };
    })(),
  };
}

/** project-away, project-keep, project-rename, project-reorder: the binder's columns say the result. */
function reshape(op: Node, src: Relation, expected: ColumnSpec[] | undefined): Relation {
  if (!expected) throw new KqlError("EvaluationError", "the binder gave no columns for a project operator");
  const renames = new Map<string, string>();
  if (kindOf(op) === "ProjectRenameOperator")
    for (const e of listOf<Node>(op.Expressions))
      renames.set(String(e.Name.SimpleName), String(e.Expression.SimpleName));
  const indexes = expected.map((c) => src.columns.findIndex((s) => s.name === (renames.get(c.name) ?? c.name)));
  return {
    columns: expected,
    rows: (function* () {
      for (const r of src.rows)
        yield { values: indexes.map((i) => r.values[i]), count: r.count, ingestedAt: r.ingestedAt };
    })(),
  };
}

function agree(op: Node, ctx: Context, got: ColumnSpec[], expected: ColumnSpec[] | undefined): void {
  if (!expected) return;
  const a = got.map((c) => c.name).join(", ");
  const b = expected.map((c) => c.name).join(", ");
  if (a !== b)
    throw new KqlError(
      "EvaluationError",
      `the evaluator's columns (${a}) differ from Kusto's (${b})`,
      positionOf(ctx.text, op.TextStart),
    );
}

/** Group keys as text: typed, so 1 and "1" stay apart. */
function keyOf(values: unknown[]): string {
  return values
    .map((v) => (v === null ? "\u0000" : typeof v === "object" ? `o${JSON.stringify(v)}` : `${typeof v}:${String(v)}`))
    .join("\u0001");
}

function summarize(op: Node, src: Relation, ctx: Context, expected: ColumnSpec[] | undefined): Relation {
  const scope = scopeOf(ctx, src.columns);
  const byExprs = op.ByClause ? listOf<Node>(op.ByClause.Expressions) : [];
  const keys = byExprs.map((e) => compileScalar(e, scope));
  const aggs = listOf<Node>(op.Aggregates).map((e) => {
    const call = kindOf(e) === "SimpleNamedExpression" ? e.Expression : e;
    if (kindOf(e) === "CompoundNamedExpression") throw unsupported(scope, e, "a tuple assignment in summarize");
    if (kindOf(call) !== "FunctionCallExpression")
      throw unsupported(scope, e, "an expression over aggregates in summarize");
    const name = String(call.Name.SimpleName).toLowerCase();
    const factory = AGGREGATES.get(name);
    if (!factory) throw unsupported(scope, call, `the aggregate ${name}()`);
    const argNodes = listOf<Node>(call.ArgumentList.Expressions);
    if (argNodes.some((a) => kindOf(a) === "StarExpression")) throw unsupported(scope, call, `${name}(..., *)`);
    const args = argNodes.map((a) => compileScalar(a, scope));
    // arg_max/arg_min and a take_any of several expressions make one column per expression.
    const width =
      name === "arg_max" || name === "arg_min" || ((name === "take_any" || name === "any") && args.length > 1)
        ? args.length
        : 1;
    const resultType = (String(call.ResultType?.Name) as KustoType) ?? "dynamic";
    // Aggregates that may keep a row's arguments get a fresh array per row; the rest share one.
    const keeps = /^(arg_max|arg_min|take_any|any)$/.test(name);
    return {
      make: () =>
        factory(
          args.map((a) => a.type),
          resultType,
        ),
      args,
      width,
      keeps,
      buffer: new Array<unknown>(args.length),
    };
  });
  const width = keys.length + aggs.reduce((n, a) => n + a.width, 0);
  if (expected && expected.length !== width)
    throw new KqlError("EvaluationError", `summarize makes ${width} columns, Kusto says ${expected.length}`);
  const columns: ColumnSpec[] = expected ?? [];
  const groups = new Map<
    string,
    { key: unknown[]; states: { agg: ReturnType<(typeof aggs)[number]["make"]>; state: unknown }[] }
  >();
  const start = (key: unknown[]) => ({
    key,
    states: aggs.map((a) => {
      const agg = a.make();
      return { agg, state: agg.init() };
    }),
  });
  for (const r of src.rows) {
    const key = keys.map((k) => k.eval(r));
    const id = keyOf(key);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = start(key)));
    for (let i = 0; i < aggs.length; i++) {
      const s = g.states[i]!;
      const a = aggs[i]!;
      const args = a.keeps ? new Array<unknown>(a.args.length) : a.buffer;
      for (let j = 0; j < a.args.length; j++) args[j] = a.args[j]!.eval(r);
      s.state = s.agg.add(s.state, args, r.count);
    }
  }
  // With no `by`, summarize gives one row even over no input (count() = 0).
  if (keys.length === 0 && groups.size === 0) groups.set("", start([]));
  const rows: Row[] = [];
  for (const g of groups.values()) {
    const values = [...g.key];
    g.states.forEach((s, i) => {
      const v = s.agg.result(s.state);
      if (aggs[i]!.width > 1) values.push(...(v as unknown[]));
      else values.push(v);
    });
    rows.push({ values, count: 1, owned: true });
  }
  return { columns, rows };
}

function union(op: Node, input: Relation | undefined, ctx: Context, expected: ColumnSpec[] | undefined): Relation {
  let fuzzy = false;
  let withSource: string | undefined;
  for (const p of listOf<Node>(
    op.Parameters
      ? { Count: op.Parameters.Count, getItem: (i: number) => ({ Element: op.Parameters.getItem(i) }) }
      : null,
  )) {
    const name = String(p.Name.SimpleName).toLowerCase();
    if (name === "isfuzzy") fuzzy = /true/i.test(String(p.Expression.ToString(0)));
    else if (name === "withsource") withSource = String(p.Expression.SimpleName ?? p.Expression.ToString(0)).trim();
    else if (name !== "kind") throw unsupported(scopeOf(ctx, []), p, `union ${name}=`);
    else if (/inner/i.test(String(p.Expression.ToString(0))))
      throw unsupported(scopeOf(ctx, []), p, "union kind=inner");
  }
  const legs: { name: string; rel: Relation }[] = [];
  if (input) legs.push({ name: "", rel: input });
  for (const e of listOf<Node>(op.Expressions)) {
    if (
      kindOf(e) === "NameReference" &&
      fuzzy &&
      !ctx.db.has(String(e.SimpleName)) &&
      !ctx.tables.has(String(e.SimpleName))
    )
      continue;
    legs.push({ name: kindOf(e) === "NameReference" ? String(e.SimpleName) : "", rel: evaluateTabular(e, ctx) });
  }
  if (!expected) throw new KqlError("EvaluationError", "the binder gave no columns for a union");
  // Columns unite by name and type; a name with two types becomes name_type (the union doc).
  const maps = legs.map(({ rel }) =>
    expected.map((c) => {
      if (withSource && c.name === withSource) return -2;
      const i = rel.columns.findIndex((x) => x.name === c.name && x.type === c.type);
      if (i >= 0) return i;
      return rel.columns.findIndex((x) => `${x.name}_${x.type}` === c.name);
    }),
  );
  return {
    columns: expected,
    rows: (function* () {
      for (let l = 0; l < legs.length; l++) {
        const map = maps[l]!;
        const leg = legs[l]!;
        for (const r of leg.rel.rows)
          yield {
            values: map.map((i, j) =>
              i === -2 ? leg.name : i < 0 ? (expected[j]!.type === "string" ? "" : null) : r.values[i],
            ),
            count: r.count,
            ingestedAt: r.ingestedAt,
          };
      }
    })(),
  };
}

function join(op: Node, left: Relation, ctx: Context, expected: ColumnSpec[] | undefined): Relation {
  let kind = "innerunique";
  for (const p of listOf<Node>(
    op.Parameters
      ? { Count: op.Parameters.Count, getItem: (i: number) => ({ Element: op.Parameters.getItem(i) }) }
      : null,
  )) {
    const name = String(p.Name.SimpleName).toLowerCase();
    if (name === "kind") kind = String(p.Expression.ToString(0)).trim().toLowerCase();
    else if (name !== "hint.strategy" && name !== "hint.shufflekey")
      throw unsupported(scopeOf(ctx, []), p, `join ${name}=`);
  }
  if (!["innerunique", "inner", "leftouter", "leftanti", "leftsemi", "anti", "leftantisemi"].includes(kind))
    throw unsupported(scopeOf(ctx, []), op, `join kind=${kind}`);
  const right = evaluateTabular(op.Expression, ctx);
  const clause = op.ConditionClause;
  if (kindOf(clause) !== "JoinOnClause") throw unsupported(scopeOf(ctx, []), clause, "a join without `on`");
  const pairs: [Scalar, Scalar][] = [];
  const leftScope = scopeOf(ctx, left.columns);
  const rightScope = scopeOf(ctx, right.columns);
  const addCondition = (e: Node) => {
    const k = kindOf(e);
    if (k === "AndExpression") {
      addCondition(e.Left);
      addCondition(e.Right);
    } else if (k === "NameReference") {
      pairs.push([compileScalar(e, leftScope), compileScalar(e, rightScope)]);
    } else if (k === "EqualExpression") {
      const side = (x: Node) => String(x.Expression?.ToString?.(0) ?? "").trim();
      const [l, r] = side(e.Left) === "$left" ? [e.Left, e.Right] : [e.Right, e.Left];
      const sel = (x: Node) => String(x.Selector.SimpleName);
      const li = left.columns.findIndex((c) => c.name === sel(l));
      const ri = right.columns.findIndex((c) => c.name === sel(r));
      if (li < 0 || ri < 0) throw unsupported(leftScope, e, "a join condition that is not $left.a == $right.b");
      pairs.push([
        { type: left.columns[li]!.type, eval: (row) => row.values[li], constant: false },
        { type: right.columns[ri]!.type, eval: (row) => row.values[ri], constant: false },
      ]);
    } else throw unsupported(leftScope, e, "this join condition");
  };
  for (const e of listOf<Node>(clause.Expressions)) addCondition(e);
  const keyL = (r: Row) => keyOf(pairs.map(([l]) => l.eval(r)));
  const keyR = (r: Row) => keyOf(pairs.map(([, rr]) => rr.eval(r)));
  const index = new Map<string, Row[]>();
  for (const r of right.rows) {
    const k = keyR(r);
    const list = index.get(k);
    if (list) list.push(r);
    else index.set(k, [r]);
  }
  const columns = expected ?? [...left.columns, ...right.columns];
  const rightWidth = right.columns.length;
  const empty = right.columns.map((c) => (c.type === "string" ? "" : null));
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const l of left.rows) {
    const k = keyL(l);
    const matches = index.get(k);
    if (kind === "leftanti" || kind === "anti" || kind === "leftantisemi") {
      if (!matches) rows.push(l);
      continue;
    }
    if (kind === "leftsemi") {
      if (matches) rows.push(l);
      continue;
    }
    if (kind === "innerunique") {
      // innerunique keeps one left row per key (the join doc): identical records collapse to one.
      if (seen.has(k)) continue;
      seen.add(k);
    }
    const lcount = kind === "innerunique" ? 1 : l.count;
    if (!matches) {
      if (kind === "leftouter")
        rows.push({ values: [...l.values, ...empty], count: l.count, ingestedAt: l.ingestedAt });
      continue;
    }
    for (const r of matches)
      rows.push({
        values: [...l.values, ...r.values.slice(0, rightWidth)],
        count: lcount * r.count,
        ingestedAt: l.ingestedAt,
      });
  }
  if (
    columns.length !==
    ((kind.startsWith("left") && kind !== "leftouter") || kind === "anti"
      ? left.columns.length
      : left.columns.length + rightWidth)
  )
    throw new KqlError(
      "EvaluationError",
      `join makes columns Kusto does not expect (${columns.map((c) => c.name).join(", ")})`,
    );
  return { columns, rows };
}

function sort(exprs: Node[], src: Relation, ctx: Context): Relation {
  const scope = scopeOf(ctx, src.columns);
  const keys = exprs.map((e) => {
    const ordered = kindOf(e) === "OrderedExpression";
    const expr = ordered ? e.Expression : e;
    const clause = ordered ? String(e.Ordering?.ToString(0) ?? "").toLowerCase() : "";
    const asc = /\basc\b/.test(clause);
    const nullsFirst = /nulls first/.test(clause) || (asc && !/nulls last/.test(clause));
    return { scalar: compileScalar(expr, scope), asc, nullsFirst };
  });
  const rows = [...src.rows].map((r) => ({ r, k: keys.map((k) => k.scalar.eval(r)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const { asc, nullsFirst, scalar } = keys[i]!;
      const x = a.k[i];
      const y = b.k[i];
      if (x === y) continue;
      if (x === null) return nullsFirst ? -1 : 1;
      if (y === null) return nullsFirst ? 1 : -1;
      const c =
        scalar.type === "string" || scalar.type === "dynamic" || scalar.type === "guid"
          ? tostringOf(x, scalar.type) < tostringOf(y, scalar.type)
            ? -1
            : 1
          : (x as number) < (y as number)
            ? -1
            : 1;
      return asc ? c : -c;
    }
    return 0;
  });
  return { columns: src.columns, rows: rows.map((x) => x.r) };
}

function distinct(op: Node, src: Relation, ctx: Context, expected: ColumnSpec[] | undefined): Relation {
  const scope = scopeOf(ctx, src.columns);
  const exprs = listOf<Node>(op.Expressions);
  if (exprs.some((e) => kindOf(e) === "StarExpression")) {
    const seen = new Map<string, Row>();
    for (const r of src.rows) if (!seen.has(keyOf(r.values))) seen.set(keyOf(r.values), { values: r.values, count: 1 });
    return { columns: src.columns, rows: [...seen.values()] };
  }
  const cols = exprs.map((e) => compileScalar(e, scope));
  const seen = new Map<string, Row>();
  for (const r of src.rows) {
    const values = cols.map((c) => c.eval(r));
    const k = keyOf(values);
    if (!seen.has(k)) seen.set(k, { values, count: 1 });
  }
  return {
    columns: expected ?? cols.map((c, i) => ({ name: `Column${i + 1}`, type: c.type })),
    rows: [...seen.values()],
  };
}

function print(op: Node, ctx: Context, expected: ColumnSpec[] | undefined): Relation {
  const scope = scopeOf(ctx, []);
  const exprs = listOf<Node>(op.Expressions).map((e) => compileScalar(e, scope));
  const row: Row = { values: [], count: 1 };
  return {
    columns: expected ?? exprs.map((e, i) => ({ name: `print_${i}`, type: e.type })),
    rows: [{ values: exprs.map((e) => e.eval(row)), count: 1 }],
  };
}

function datatable(node: Node, ctx: Context): Relation {
  const columns = columnsOf(node);
  if (!columns) throw new KqlError("EvaluationError", "the binder gave no columns for a datatable");
  const scope = scopeOf(ctx, []);
  const values = listOf<Node>(node.Values).map((e) => compileScalar(e, scope).eval({ values: [], count: 1 }));
  if (values.length % columns.length !== 0)
    throw new KqlError(
      "SemanticError",
      "a datatable's values do not fill whole rows",
      positionOf(ctx.text, node.TextStart),
    );
  const rows: Row[] = [];
  for (let i = 0; i < values.length; i += columns.length)
    rows.push({ values: values.slice(i, i + columns.length), count: 1 });
  return { columns, rows };
}
