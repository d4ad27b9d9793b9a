import { AGGREGATES } from "./aggregates.js";
import { SCALAR_FUNCTIONS, toDynamic, tostringOf } from "./functions.js";
import { constructName, kindOf, listOf, positionOf, typeOf } from "./language.js";
import { hasTerm } from "./terms.js";
import { KqlError, type ColumnSpec, type KustoType, type Row } from "./types.js";
import { fromJson, parseTimespan, ValueError } from "./values.js";

// Bridge.NET's generated node types are nominal and nullable everywhere; the compiler reads them
// through `Node` and checks kinds itself.
export type Node = any;

/** A compiled scalar expression: its Kusto type and how to compute it for a row. */
export interface Scalar {
  type: KustoType;
  eval: (row: Row) => unknown;
  /** True when the value depends on no column (a literal, a let, now()): computed once. */
  constant: boolean;
}

/** What an expression can name: the input's columns, the query's scalar lets, and the clock. */
export interface Scope {
  text: string;
  columns: readonly ColumnSpec[];
  lets: ReadonlyMap<string, { type: KustoType; value: unknown }>;
  now: number;
  /** Columns of the two sides inside a join's `on` clause. */
  join?: { left: readonly ColumnSpec[]; right: readonly ColumnSpec[] };
  /** Subqueries (toscalar, `in (T | ...)`): evaluate a tabular node in this query's context. */
  tabular?: (node: Node) => { columns: ColumnSpec[]; rows: Row[] };
}

export function unsupported(scope: Scope, node: Node, what = constructName(node)): KqlError {
  return new KqlError(
    "UnsupportedError",
    `the emulator's KQL evaluator does not support ${what}`,
    positionOf(scope.text, node.TextStart),
    what,
  );
}

const constant = (type: KustoType, value: unknown): Scalar => ({ type, eval: () => value, constant: true });

/** Compiles a scalar expression against a scope. */
export function compileScalar(node: Node, scope: Scope): Scalar {
  const kind = kindOf(node);
  const type = typeOf(node);
  switch (kind) {
    case "ParenthesizedExpression":
      return compileScalar(node.Expression, scope);
    case "SimpleNamedExpression":
      return compileScalar(node.Expression, scope);
    case "NameReference":
      return nameReference(node, scope);
    case "PathExpression":
      return path(node, scope);
    case "ElementExpression":
      return element(node, scope);
    case "FunctionCallExpression":
      return call(node, scope);
    case "ToScalarExpression":
      return toScalar(node, scope);
    case "UnaryMinusExpression": {
      const e = compileScalar(node.Expression, scope);
      return derive(e.type, [e], (v) => (v === null ? null : -(v as number)));
    }
    case "UnaryPlusExpression":
      return compileScalar(node.Expression, scope);
    case "DynamicExpression":
      return constant(
        "dynamic",
        dynamicLiteral(scope.text.slice(node.Expression.TextStart, node.Expression.End), scope, node),
      );
    case "TypeOfLiteralExpression":
      // typeof(int): a type as an argument (extract's fourth); the functions read its name.
      return constant("string", scope.text.slice(node.TextStart, node.End).replace(/^\s*typeof\(\s*|\s*\)\s*$/g, ""));
    case "BetweenExpression":
    case "NotBetweenExpression":
      return between(node, scope, kind === "NotBetweenExpression");
    case "InExpression":
    case "InCsExpression":
    case "NotInExpression":
    case "NotInCsExpression":
    case "HasAnyExpression":
    case "HasAllExpression":
      return inList(node, scope);
  }
  if (kind.endsWith("LiteralExpression")) return literal(node, kind, type, scope);
  if (node.Left && node.Right && node.Operator) return binary(node, scope);
  throw unsupported(scope, node);
}

function literal(node: Node, kind: string, type: KustoType | undefined, scope: Scope): Scalar {
  // From the query's own text: a bound tree may be shared by queries of the same shape (language.ts).
  const token = scope.text.slice(node.TextStart, node.End).trim();
  const inner = /^\w+\((.*)\)$/s.exec(token)?.[1]?.trim();
  if (inner === "null") return constant(type ?? "dynamic", null);
  switch (kind) {
    case "StringLiteralExpression":
    case "CompoundStringLiteralExpression":
      return constant("string", String(node.LiteralValue ?? ""));
    case "BooleanLiteralExpression":
      return constant("bool", /^(true|bool\(true\))$/i.test(token));
    case "LongLiteralExpression":
    case "IntLiteralExpression":
    case "RealLiteralExpression":
    case "DecimalLiteralExpression": {
      const n = Number(inner ?? token);
      if (Number.isNaN(n)) throw unsupported(scope, node, `the literal ${token}`);
      return constant(type ?? "real", n);
    }
    case "DateTimeLiteralExpression": {
      const text = (inner ?? "").replace(" ", "T");
      try {
        return constant(
          "datetime",
          fromJson("datetime", /T/.test(text) && !/[Zz+]|-\d\d:?\d\d$/.test(text.slice(10)) ? `${text}Z` : text),
        );
      } catch (error) {
        // A literal the binder let through but no date can be: said as the service says a bad literal.
        if (!(error instanceof ValueError)) throw error;
        throw new KqlError(
          "SyntaxError",
          `${token} is not a valid datetime literal: ${error.message}`,
          positionOf(scope.text, node.TextStart),
        );
      }
    }
    case "TimespanLiteralExpression": {
      const ms = timespanLiteral(token);
      if (ms === undefined) throw unsupported(scope, node, `the timespan ${token}`);
      return constant("timespan", ms);
    }
    case "GuidLiteralExpression":
      return constant("guid", String(inner ?? "").toLowerCase());
    case "NullLiteralExpression":
      return constant(type ?? "dynamic", null);
    case "TokenLiteralExpression":
      return constant("string", token);
  }
  throw unsupported(scope, node);
}

const UNITS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

/** A timespan literal (learn.microsoft.com/kusto/query/scalar-data-types/timespan): 5m, 1.5h, time(1.02:03:04), timespan(2d). */
function timespanLiteral(token: string): number | undefined {
  const inner = /^(?:time|timespan)\((.*)\)$/s.exec(token)?.[1]?.trim() ?? token;
  const unit = /^(-?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(inner);
  if (unit) {
    const factor = UNITS[unit[2]!.toLowerCase()];
    return factor === undefined ? undefined : Number(unit[1]) * factor;
  }
  // A bare number in time() is days: time(2) is two days.
  if (/^-?\d+(\.\d+)?$/.test(inner)) return Number(inner) * 86_400_000;
  return parseTimespan(inner);
}

/** A dynamic literal's JSON: Kusto also accepts single-quoted strings, which JSON does not. */
function dynamicLiteral(text: string, scope: Scope, node: Node): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      let body = "";
      for (; j < text.length && text[j] !== c; j++) body += text[j] === "\\" ? `\\${text[++j] ?? ""}` : text[j]!;
      out += JSON.stringify(JSON.parse(`"${body.replace(/"/g, '\\"').replace(/\\'/g, "'")}"`));
      i = j;
    } else out += c;
  }
  try {
    return JSON.parse(out) as unknown;
  } catch {
    throw unsupported(scope, node, `the dynamic literal ${text.trim()}`);
  }
}

function nameReference(node: Node, scope: Scope): Scalar {
  const name = String(node.SimpleName);
  const symbol = node.ReferencedSymbol;
  const symbolKind = String(symbol?.$$name ?? "");
  if (symbolKind.endsWith("ColumnSymbol")) {
    const i = scope.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new KqlError("SemanticError", `no column '${name}' here`, positionOf(scope.text, node.TextStart));
    return { type: scope.columns[i]!.type, eval: (row) => row.values[i], constant: false };
  }
  const bound = scope.lets.get(name);
  if (bound) return constant(bound.type, bound.value);
  if (symbolKind.endsWith("VariableSymbol") || symbolKind.endsWith("ParameterSymbol"))
    throw unsupported(scope, node, `the name '${name}' (a let that is not a scalar)`);
  // A bare name with no symbol inside a dynamic path (d.a): handled by path().
  const i = scope.columns.findIndex((c) => c.name === name);
  if (i >= 0) return { type: scope.columns[i]!.type, eval: (row) => row.values[i], constant: false };
  throw new KqlError("SemanticError", `'${name}' could not be resolved`, positionOf(scope.text, node.TextStart));
}

/** `d.a.b`: property access on a dynamic value; `$left.x` / `$right.x` inside a join's `on`. */
function path(node: Node, scope: Scope): Scalar {
  const selector = String(node.Selector?.SimpleName ?? node.Selector?.ToString(0) ?? "")
    .trim()
    .replace(/^\['|'\]$|^\["|"\]$/g, "");
  const head = String(node.Expression?.ToString?.(0) ?? "").trim();
  if ((head === "$left" || head === "$right") && scope.join) {
    const cols = head === "$left" ? scope.join.left : scope.join.right;
    const offset = head === "$left" ? 0 : scope.join.left.length;
    const i = cols.findIndex((c) => c.name === selector);
    if (i < 0) throw new KqlError("SemanticError", `no column '${selector}' on the ${head.slice(1)} side`);
    return { type: cols[i]!.type, eval: (row) => row.values[offset + i], constant: false };
  }
  const base = compileScalar(node.Expression, scope);
  if (base.type !== "dynamic") throw unsupported(scope, node, `member access on a ${base.type}`);
  return derive("dynamic", [base], (v) => member(v, selector));
}

function element(node: Node, scope: Scope): Scalar {
  const base = compileScalar(node.Expression, scope);
  const index = compileScalar(node.Selector.Expression, scope);
  return derive("dynamic", [base, index], (v, i) => member(v, i));
}

function member(v: unknown, key: unknown): unknown {
  if (v === null || typeof v !== "object") return null;
  if (Array.isArray(v)) {
    if (typeof key !== "number") return null;
    return v[key < 0 ? v.length + key : key] ?? null;
  }
  return (v as Record<string, unknown>)[String(key)] ?? null;
}

function derive(type: KustoType, args: Scalar[], f: (...values: unknown[]) => unknown): Scalar {
  const compiled: Scalar = {
    type,
    constant: args.every((a) => a.constant),
    eval:
      args.length === 1
        ? (row) => f(args[0]!.eval(row))
        : args.length === 2
          ? (row) => f(args[0]!.eval(row), args[1]!.eval(row))
          : (row) => f(...args.map((a) => a.eval(row))),
  };
  if (compiled.constant) {
    const value = compiled.eval({ values: [], count: 1 });
    return constant(type, value);
  }
  return compiled;
}

/** Dynamic values compare as their primitive; everything else as it is. */
function plain(v: unknown): unknown {
  return v;
}

function eq(a: unknown, b: unknown): boolean | null {
  if (a === null || b === null) return null;
  if (typeof a === "object" || typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  // A dynamic number against a long, a dynamic string against a string: Kusto compares the values.
  return a === b || (typeof a !== typeof b && String(a) === String(b));
}

const lower = (v: unknown) => (typeof v === "string" ? v : v === null ? "" : String(v)).toLowerCase();
const text = (v: unknown, t: KustoType) => tostringOf(v, t);

function binary(node: Node, scope: Scope): Scalar {
  const op = String(node.Operator.Text).toLowerCase();
  const l = compileScalar(node.Left, scope);
  const r = compileScalar(node.Right, scope);
  const type = typeOf(node) ?? "bool";
  const sl = (v: unknown) => text(v, l.type);
  const sr = (v: unknown) => text(v, r.type);
  switch (op) {
    case "and":
      return derive("bool", [l, r], (a, b) =>
        a === false || b === false ? false : a === null || b === null ? null : true,
      );
    case "or":
      return derive("bool", [l, r], (a, b) =>
        a === true || b === true ? true : a === null || b === null ? null : false,
      );
    // A null against a value: == is false and != true; two nulls compare to null (null-values doc).
    case "==":
      return derive("bool", [l, r], (a, b) => (a === null && b === null ? null : (eq(plain(a), plain(b)) ?? false)));
    case "!=":
    case "<>":
      return derive("bool", [l, r], (a, b) => (a === null && b === null ? null : !(eq(a, b) ?? false)));
    case "=~":
      return derive("bool", [l, r], (a, b) => lower(sl(a)) === lower(sr(b)));
    case "!~":
      return derive("bool", [l, r], (a, b) => lower(sl(a)) !== lower(sr(b)));
    case "<":
      return derive("bool", [l, r], (a, b) => (a === null || b === null ? null : (a as number) < (b as number)));
    case "<=":
      return derive("bool", [l, r], (a, b) => (a === null || b === null ? null : (a as number) <= (b as number)));
    case ">":
      return derive("bool", [l, r], (a, b) => (a === null || b === null ? null : (a as number) > (b as number)));
    case ">=":
      return derive("bool", [l, r], (a, b) => (a === null || b === null ? null : (a as number) >= (b as number)));
    case "+":
      return derive(type, [l, r], (a, b) => (a === null || b === null ? null : (a as number) + (b as number)));
    case "-":
      return derive(type, [l, r], (a, b) => (a === null || b === null ? null : (a as number) - (b as number)));
    case "*":
      return derive(type, [l, r], (a, b) => (a === null || b === null ? null : (a as number) * (b as number)));
    case "/":
      return derive(type, [l, r], (a, b) => {
        if (a === null || b === null) return null;
        const q = (a as number) / (b as number);
        // long / long is integer division in Kusto; a zero divisor gives null for integers.
        if (type === "long" || type === "int") return b === 0 ? null : Math.trunc(q);
        return q;
      });
    case "%":
      return derive(type, [l, r], (a, b) =>
        a === null || b === null || b === 0 ? null : (a as number) % (b as number),
      );
  }
  const strOp = STRING_OPERATORS[op];
  if (strOp) return derive("bool", [l, r], (a, b) => strOp(sl(a), sr(b)));
  if (op === "matches" || op.startsWith("matches")) {
    if (!r.constant) throw unsupported(scope, node, "a regex that is not a constant");
    const re = new RegExp(String(r.eval({ values: [], count: 1 })));
    return derive("bool", [l], (a) => re.test(sl(a)));
  }
  throw unsupported(scope, node, `the operator ${op}`);
}

const has = (a: string, b: string) => hasTerm(a, b, false);
const hasCs = (a: string, b: string) => hasTerm(a, b, true);
/** String operators by their KQL spelling (learn.microsoft.com/kusto/query/datatypes-string-operators). */
const STRING_OPERATORS: Record<string, (a: string, b: string) => boolean> = {
  has,
  "!has": (a, b) => !has(a, b),
  has_cs: hasCs,
  "!has_cs": (a, b) => !hasCs(a, b),
  contains: (a, b) => a.toLowerCase().includes(b.toLowerCase()),
  "!contains": (a, b) => !a.toLowerCase().includes(b.toLowerCase()),
  contains_cs: (a, b) => a.includes(b),
  "!contains_cs": (a, b) => !a.includes(b),
  startswith: (a, b) => a.toLowerCase().startsWith(b.toLowerCase()),
  "!startswith": (a, b) => !a.toLowerCase().startsWith(b.toLowerCase()),
  startswith_cs: (a, b) => a.startsWith(b),
  "!startswith_cs": (a, b) => !a.startsWith(b),
  endswith: (a, b) => a.toLowerCase().endsWith(b.toLowerCase()),
  "!endswith": (a, b) => !a.toLowerCase().endsWith(b.toLowerCase()),
  endswith_cs: (a, b) => a.endsWith(b),
  "!endswith_cs": (a, b) => !a.endsWith(b),
  hasprefix_cs: (a, b) => hasTerm(a, b, true, "prefix"),
  "!hasprefix_cs": (a, b) => !hasTerm(a, b, true, "prefix"),
  hassuffix_cs: (a, b) => hasTerm(a, b, true, "suffix"),
  "!hassuffix_cs": (a, b) => !hasTerm(a, b, true, "suffix"),
  hasprefix: (a, b) => hasTerm(a, b, false, "prefix"),
  "!hasprefix": (a, b) => !hasTerm(a, b, false, "prefix"),
  hassuffix: (a, b) => hasTerm(a, b, false, "suffix"),
  "!hassuffix": (a, b) => !hasTerm(a, b, false, "suffix"),
};

function between(node: Node, scope: Scope, negate: boolean): Scalar {
  const v = compileScalar(node.Left, scope);
  const couple = node.Right;
  const lo = compileScalar(couple.First, scope);
  const hi = compileScalar(couple.Second, scope);
  // For datetimes, `between (t .. 1h)` reads the upper bound as a span from the lower.
  const span = (v.type === "datetime" && hi.type === "timespan") || (v.type !== "timespan" && hi.type === "timespan");
  return derive("bool", [v, lo, hi], (x, a, b) => {
    if (x === null || a === null || b === null) return null;
    const upper = span ? (a as number) + (b as number) : (b as number);
    const inside = (x as number) >= (a as number) && (x as number) <= upper;
    return negate ? !inside : inside;
  });
}

function inList(node: Node, scope: Scope): Scalar {
  const op = String(node.Operator.Text).toLowerCase();
  const v = compileScalar(node.Left, scope);
  const items = listOf<Node>(node.Right.Expressions);
  const values: { value: unknown; type: KustoType }[] = [];
  const dynamic: Scalar[] = [];
  for (const item of items) {
    const k = kindOf(item);
    if (
      k === "PipeExpression" ||
      (k === "NameReference" && String(item.ReferencedSymbol?.$$name ?? "").endsWith("TableSymbol"))
    ) {
      if (!scope.tabular) throw unsupported(scope, item, "a subquery in an in-list");
      const t = scope.tabular(item);
      for (const row of t.rows) values.push({ value: row.values[0], type: t.columns[0]!.type });
      continue;
    }
    const s = compileScalar(item, scope);
    if (s.constant) {
      const value = s.eval({ values: [], count: 1 });
      // A dynamic array in an in-list counts as its elements.
      if (s.type === "dynamic" && Array.isArray(value))
        for (const e of value) values.push({ value: e, type: "dynamic" });
      else values.push({ value, type: s.type });
    } else dynamic.push(s);
  }
  if (dynamic.length > 0) throw unsupported(scope, node, "an in-list with values that depend on the row");
  const ci = op.endsWith("~") || op === "has_any" || op === "has_all";
  const key = (x: unknown, t: KustoType) =>
    ci ? lower(text(x, t)) : typeof x === "object" && x !== null ? JSON.stringify(x) : x;
  if (op === "has_any" || op === "has_all") {
    const terms = values.map((e) => text(e.value, e.type));
    return derive("bool", [v], (x) => {
      const s = text(x, v.type);
      return op === "has_any" ? terms.some((t) => hasTerm(s, t, false)) : terms.every((t) => hasTerm(s, t, false));
    });
  }
  const set = new Set(
    values.map((e) => (v.type === "string" || ci ? key(text(e.value, e.type), "string") : key(e.value, e.type))),
  );
  const negate = op.startsWith("!");
  return derive("bool", [v], (x) => {
    if (x === null) return negate;
    const inside = set.has(v.type === "string" || ci ? key(text(x, v.type), "string") : key(x, v.type));
    return negate ? !inside : inside;
  });
}

function toScalar(node: Node, scope: Scope): Scalar {
  if (!scope.tabular) throw unsupported(scope, node);
  const t = scope.tabular(node.Expression);
  const first = t.rows[0]?.values[0] ?? null;
  return constant(t.columns[0]?.type ?? "dynamic", first);
}

/** Functions the compiler handles itself: they read the scope, not only their arguments. */
function call(node: Node, scope: Scope): Scalar {
  const name = String(node.Name.SimpleName).toLowerCase();
  const args = listOf<Node>(node.ArgumentList.Expressions);
  const type = typeOf(node) ?? "dynamic";
  switch (name) {
    case "now":
      return constant(
        "datetime",
        scope.now + (args[0] ? (compileScalar(args[0], scope).eval({ values: [], count: 1 }) as number) : 0),
      );
    case "ago":
      return constant("datetime", scope.now - (compileScalar(args[0], scope).eval({ values: [], count: 1 }) as number));
    case "ingestion_time":
      return { type: "datetime", eval: (row) => row.ingestedAt ?? null, constant: false };
    case "column_ifexists": {
      const columnName = String(compileScalar(args[0], scope).eval({ values: [], count: 1 }));
      const i = scope.columns.findIndex((c) => c.name === columnName);
      if (i >= 0) return { type: scope.columns[i]!.type, eval: (row) => row.values[i], constant: false };
      return compileScalar(args[1], scope);
    }
  }
  if (AGGREGATES.has(name)) throw unsupported(scope, node, `the aggregate ${name}() outside summarize`);
  const f = SCALAR_FUNCTIONS.get(name);
  if (!f) throw unsupported(scope, node, `function ${name}`);
  const compiled = args.map((a) => compileScalar(a, scope));
  const types = compiled.map((c) => c.type);
  return derive(type, compiled, (...values) => f(values, types, type));
}

/** A dynamic value of any compiled expression (for bag_pack and friends). */
export function asDynamic(s: Scalar): (row: Row) => unknown {
  return (row) => toDynamic(s.eval(row), s.type);
}
