/// <reference types="@kusto/language-service-next" />
// Kusto.Language is loaded once, by the evaluator's own module.
import { kusto } from "../../tools/kusto/language.js";

const K = kusto();

export interface Diagnostic {
  severity: string;
  code: string;
  message: string;
  /** The text the diagnostic points at. */
  at: string;
}

export interface Analysis {
  errors: Diagnostic[];
  /** The result columns as `name:type`, in order. */
  columns: string[];
}

/** A database of tables, each given as a schema string "(Col:type, ...)". */
export function globalsFor(tables: Record<string, string>): Kusto.Language.GlobalState {
  const symbols = Object.entries(tables).map(([name, schema]) => new K.Symbols.TableSymbol.$ctor7(name, schema, null));
  return K.GlobalState.Default!.WithDatabase(new K.Symbols.DatabaseSymbol.ctor("workspace", symbols))!;
}

/** Parses and semantically checks a query; returns its errors and its result schema. */
export function analyze(query: string, globals: Kusto.Language.GlobalState): Analysis {
  const code = K.KustoCode.ParseAndAnalyze(query, globals)!;
  const list = code.GetDiagnostics()!;
  const errors: Diagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i)!;
    if (String(d.Severity) !== "Error") continue;
    errors.push({
      severity: String(d.Severity),
      code: d.Code!,
      message: d.Message!,
      at: query.slice(d.Start, d.Start + d.Length),
    });
  }
  const columns: string[] = [];
  const result = code.ResultType as unknown as {
    Columns?: { Count: number; getItem(i: number): { Name: string; Type: { Name: string } } };
  } | null;
  const cols = result?.Columns;
  if (cols) for (let i = 0; i < cols.Count; i++) columns.push(`${cols.getItem(i).Name}:${cols.getItem(i).Type.Name}`);
  return { errors, columns };
}
