/**
 * Kusto's aggregation functions, each honouring a row's multiplicity (`count`, see Row in types.ts).
 * Semantics follow the reference pages (learn.microsoft.com/kusto/query/<name>-aggregation-function)
 * and summarize-operator's "Default values of aggregations": count, countif, dcount, dcountif, sum
 * and sumif are 0 over no rows; make_list/make_set are []; all others are null.
 */
import { compareValues, toDynamic } from "./functions.js";
import { type Aggregate, type AggregateFactory, KqlError, type KustoType } from "./types.js";

const isNull = (v: unknown): v is null | undefined => v === null || v === undefined;

/**
 * The empty value of a result type: "" for strings (Kusto has no null string), null otherwise.
 * min/max/take_any/arg_max over no rows give "null" (summarize-operator), which a string shows as "".
 */
const emptyOf = (type: KustoType): unknown => (type === "string" ? "" : null);

/** "make_set ... The default and max value [of maxSize] is 1048576" (make-set-aggregation-function). */
const MAX_SIZE_DEFAULT = 1_048_576;

function requireArgs(name: string, args: readonly KustoType[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    throw new KqlError("SemanticError", `${name}(): expected ${min}..${max} argument(s), got ${args.length}`);
  }
}

/** An aggregate from its three functions; the state is mutable and returned by `add`. */
function aggregate<S>(init: () => S, add: (s: S, args: unknown[], count: number) => S, result: (s: S) => unknown) {
  return { init, add, result } as Aggregate<S> as Aggregate;
}

/** A row takes part in an `...if` aggregate only when its predicate is true (null is not true). */
const passes = (predicate: unknown): boolean => predicate === true;

// ---------------------------------------------------------------------------------------------
// Counting.
// ---------------------------------------------------------------------------------------------

/**
 * count(): the number of records, each row counting its multiplicity. count(expr) counts rows
 * whatever expr's value: "The standard count function includes null values in its count"
 * (summarize-operator, count(y) over a null and a 5 is 2).
 */
const count: AggregateFactory = () =>
  aggregate(
    () => ({ n: 0 }),
    (s, _args, c) => ((s.n += c), s),
    (s) => s.n,
  );

/** countif(predicate): "Counts the rows in which predicate evaluates to true". */
const countif: AggregateFactory = (types) => {
  requireArgs("countif", types, 1, 1);
  return aggregate(
    () => ({ n: 0 }),
    (s, args, c) => (passes(args[0]) && (s.n += c), s),
    (s) => s.n,
  );
};

/**
 * A key under which equal values meet in a Set: numbers by value, text and bools by kind and value,
 * dynamic arrays and bags by their JSON.
 */
function distinctKey(v: unknown): string {
  if (typeof v === "string") return `s:${v}`;
  if (typeof v === "number") return `n:${v}`;
  if (typeof v === "boolean") return `b:${v}`;
  return `j:${JSON.stringify(v)}`;
}

/**
 * dcount(expr[, accuracy]): the number of distinct non-null values ("Null values are ignored").
 * Kusto estimates (HyperLogLog); this counts exactly, which is what the estimate gives at the
 * cardinalities tests use. Multiplicity does not change which values occur.
 */
function dcountOf(name: string, withPredicate: boolean): AggregateFactory {
  return (types) => {
    requireArgs(name, types, withPredicate ? 2 : 1, withPredicate ? 3 : 2);
    return aggregate(
      () => new Set<string>(),
      (s, args, _c) => {
        if (withPredicate && !passes(args[1])) return s;
        if (!isNull(args[0])) s.add(distinctKey(args[0]));
        return s;
      },
      (s) => s.size,
    );
  };
}

// ---------------------------------------------------------------------------------------------
// Sums and averages.
// ---------------------------------------------------------------------------------------------

/**
 * sum(expr) and sumif(expr, predicate): "Null values are ignored"; a row of multiplicity c adds
 * expr × c. Over no rows, or only nulls, the sum is 0 (summarize-operator's default values).
 */
function sumOf(name: string, withPredicate: boolean): AggregateFactory {
  return (types) => {
    requireArgs(name, types, withPredicate ? 2 : 1, withPredicate ? 2 : 1);
    return aggregate(
      () => ({ total: 0 }),
      (s, args, c) => {
        if (withPredicate && !passes(args[1])) return s;
        if (!isNull(args[0])) s.total += (args[0] as number) * c;
        return s;
      },
      (s) => s.total,
    );
  };
}

/**
 * avg(expr) and avgif(expr, predicate): the mean of the non-null values, each weighted by its row's
 * multiplicity ("Records with null values are ignored"). Over no values it is NaN: "The result of
 * avg_x(x) is NaN due to dividing by 0" (summarize-operator).
 */
function avgOf(name: string, withPredicate: boolean): AggregateFactory {
  return (types) => {
    requireArgs(name, types, withPredicate ? 2 : 1, withPredicate ? 2 : 1);
    return aggregate(
      () => ({ total: 0, n: 0 }),
      (s, args, c) => {
        if (withPredicate && !passes(args[1])) return s;
        if (isNull(args[0])) return s;
        s.total += (args[0] as number) * c;
        s.n += c;
        return s;
      },
      (s) => (s.n === 0 ? Number.NaN : s.total / s.n),
    );
  };
}

// ---------------------------------------------------------------------------------------------
// Extremes and samples.
// ---------------------------------------------------------------------------------------------

/**
 * min/max(expr) and minif/maxif(expr, predicate): the extreme non-null value; multiplicity cannot
 * change it. No value: null ("" for a string result).
 */
function extremeOf(name: string, sign: 1 | -1, withPredicate: boolean): AggregateFactory {
  return (types, resultType) => {
    requireArgs(name, types, withPredicate ? 2 : 1, withPredicate ? 2 : 1);
    return aggregate<{ best: unknown }>(
      () => ({ best: null }),
      (s, args, _c) => {
        if (withPredicate && !passes(args[1])) return s;
        const v = args[0];
        if (!isNull(v) && (isNull(s.best) || sign * compareValues(v, s.best) > 0)) s.best = v;
        return s;
      },
      (s) => (isNull(s.best) ? emptyOf(resultType) : s.best),
    );
  };
}

/** Empty: null, or "" for text, whose values are never null. */
const isEmptyValue = (v: unknown): boolean => isNull(v) || v === "";

/**
 * take_any(expr, ...): the values of one record. With a single argument it "will attempt to return a
 * non-null/non-empty value, if such value is present" (take-any-aggregation-function), so an empty
 * first value gives way to the first non-empty one. With several arguments all come from one
 * record and the result is an array of them, like arg_max's.
 */
const takeAny: AggregateFactory = (types, resultType) => {
  if (types.length === 0) throw new KqlError("SemanticError", "take_any(): expected at least one argument");
  const single = types.length === 1;
  return aggregate<{ row: unknown[] | null }>(
    () => ({ row: null }),
    (s, args, _c) => {
      if (s.row === null || (single && isEmptyValue(s.row[0]) && !isEmptyValue(args[0]))) s.row = [...args];
      return s;
    },
    (s) => {
      if (single) return s.row === null ? emptyOf(resultType) : s.row[0];
      return s.row ?? types.map(emptyOf);
    },
  );
};

/**
 * arg_max/arg_min(expr, c1, ...): `[expr, c1, ...]` from the row with the largest (smallest) expr;
 * the first such row wins a tie. Rows where expr is null are ignored unless every row's is null,
 * in which case one row is picked ("When ExprToMinimize is null for all rows in a table, one row in
 * the table is picked", arg-min-aggregation-function; arg_max's example gives Banana's first row).
 * No rows: an array of empty values.
 */
function argExtremeOf(name: string, sign: 1 | -1): AggregateFactory {
  return (types) => {
    if (types.length === 0) throw new KqlError("SemanticError", `${name}(): expected at least one argument`);
    return aggregate<{ row: unknown[] | null }>(
      () => ({ row: null }),
      (s, args, _c) => {
        const v = args[0];
        const best = s.row?.[0];
        const better = s.row === null || (!isNull(v) && (isNull(best) || sign * compareValues(v, best) > 0));
        if (better) s.row = [...args];
        return s;
      },
      (s) => s.row ?? types.map(emptyOf),
    );
  };
}

// ---------------------------------------------------------------------------------------------
// Lists and sets.
// ---------------------------------------------------------------------------------------------

/** The optional maxSize argument (a constant: its value on any row will do). */
function maxSizeOf(args: unknown[], index: number): number {
  const v = args[index];
  return typeof v === "number" && v >= 0 ? Math.min(Math.trunc(v), MAX_SIZE_DEFAULT) : MAX_SIZE_DEFAULT;
}

/**
 * make_list(expr[, maxSize]) and make_list_if(expr, predicate[, maxSize]): every non-null value in
 * its dynamic form, in input order ("Null values are ignored"); a row of multiplicity c
 * contributes c copies. At most maxSize elements (default and cap 1048576).
 */
function makeListOf(name: string, withPredicate: boolean): AggregateFactory {
  const sizeIndex = withPredicate ? 2 : 1;
  return (types) => {
    requireArgs(name, types, sizeIndex, sizeIndex + 1);
    const type = types[0]!;
    return aggregate<{ list: unknown[] }>(
      () => ({ list: [] }),
      (s, args, c) => {
        if (withPredicate && !passes(args[1])) return s;
        if (isNull(args[0])) return s;
        const value = toDynamic(args[0], type);
        const room = maxSizeOf(args, sizeIndex) - s.list.length;
        for (let i = 0; i < Math.min(c, room); i++) s.list.push(value);
        return s;
      },
      (s) => s.list,
    );
  };
}

/**
 * make_set(expr[, maxSize]) and make_set_if(expr, predicate[, maxSize]): the distinct non-null
 * values in their dynamic form, in first-seen order. A dynamic array contributes its elements:
 * make_set over arrays ['A1','A2','A3'], ['A2','C1'], ... gives ["A1","A2","A3","C1","C2"]
 * (make-set-aggregation-function, "Set from array column"). Multiplicity adds nothing to a set.
 */
function makeSetOf(name: string, withPredicate: boolean): AggregateFactory {
  const sizeIndex = withPredicate ? 2 : 1;
  return (types) => {
    requireArgs(name, types, sizeIndex, sizeIndex + 1);
    const type = types[0]!;
    return aggregate<{ seen: Set<string>; list: unknown[] }>(
      () => ({ seen: new Set(), list: [] }),
      (s, args, _c) => {
        if (withPredicate && !passes(args[1])) return s;
        if (isNull(args[0])) return s;
        const value = toDynamic(args[0], type);
        const max = maxSizeOf(args, sizeIndex);
        for (const element of Array.isArray(value) ? value : [value]) {
          if (s.list.length >= max) break;
          if (isNull(element)) continue;
          const key = distinctKey(element);
          if (s.seen.has(key)) continue;
          s.seen.add(key);
          s.list.push(element);
        }
        return s;
      },
      (s) => s.list,
    );
  };
}

/**
 * percentile(expr, p): "an estimate for the specified nearest-rank percentile of the population
 * defined by expr" (learn.microsoft.com/kusto/query/percentiles-aggregation-function). Kusto
 * estimates with T-Digest; this computes the nearest rank exactly: sorted ascending, the value at
 * rank ceil(p/100 · N) (1-based, at least 1), each row counting its multiplicity. Nulls are left
 * out; no values give null. p must be a constant from 0 to 100.
 */
const percentile: AggregateFactory = (types, resultType) => {
  requireArgs("percentile", types, 2, 2);
  return aggregate<{ values: Map<number, number>; p: number | undefined }>(
    () => ({ values: new Map(), p: undefined }),
    (s, args, c) => {
      const p = Number(args[1]);
      if (!Number.isFinite(p) || p < 0 || p > 100)
        throw new KqlError(
          "SemanticError",
          `percentile(): the percentile must be from 0 to 100, got ${String(args[1])}`,
        );
      s.p = p;
      const v = args[0];
      if (isNull(v)) return s;
      if (typeof v !== "number")
        throw new KqlError("SemanticError", `percentile(): expected a number, datetime or timespan, got ${typeof v}`);
      s.values.set(v, (s.values.get(v) ?? 0) + c);
      return s;
    },
    (s) => {
      const total = [...s.values.values()].reduce((a, b) => a + b, 0);
      if (total === 0 || s.p === undefined) return emptyOf(resultType);
      const rank = Math.max(1, Math.ceil((s.p / 100) * total));
      let seen = 0;
      for (const v of [...s.values.keys()].sort((a, b) => a - b)) {
        seen += s.values.get(v) ?? 0;
        if (seen >= rank) return v;
      }
      return emptyOf(resultType);
    },
  );
};

export const AGGREGATES: ReadonlyMap<string, AggregateFactory> = new Map<string, AggregateFactory>([
  ["count", count],
  ["countif", countif],
  ["dcount", dcountOf("dcount", false)],
  ["dcountif", dcountOf("dcountif", true)],
  ["sum", sumOf("sum", false)],
  ["sumif", sumOf("sumif", true)],
  ["avg", avgOf("avg", false)],
  ["avgif", avgOf("avgif", true)],
  ["min", extremeOf("min", -1, false)],
  ["max", extremeOf("max", 1, false)],
  ["minif", extremeOf("minif", -1, true)],
  ["maxif", extremeOf("maxif", 1, true)],
  // take_any's deprecated alias is any() (take-any-aggregation-function).
  ["take_any", takeAny],
  ["any", takeAny],
  ["arg_max", argExtremeOf("arg_max", 1)],
  ["arg_min", argExtremeOf("arg_min", -1)],
  ["make_list", makeListOf("make_list", false)],
  ["make_list_if", makeListOf("make_list_if", true)],
  ["make_set", makeSetOf("make_set", false)],
  ["make_set_if", makeSetOf("make_set_if", true)],
  ["percentile", percentile],
]);
