/**
 * The columns every leg of the combined query projects onto, with their Kusto types: the schema
 * of the answer the mapper reads. The query builds its projection from this list (it is
 * queries/signals/leg.ts's LEG_COLUMNS), and an answer whose columns
 * are missing, renamed or of another type is refused whole rather than read row by row.
 */
export const ANSWER_COLUMNS = [
  ["Signal", "string"],
  ["RowKind", "string"],
  ["BinStart", "datetime"],
  ["Dims", "dynamic"],
  ["Counts", "dynamic"],
  ["Sample", "string"],
  ["FirstAt", "datetime"],
  ["LastAt", "datetime"],
] as const;

export type AnswerColumn = (typeof ANSWER_COLUMNS)[number][0];

/**
 * Why an answer's columns cannot be read, or undefined when every expected column is there with
 * its type. `types` is undefined when the caller does not know them (then only names are checked).
 */
export function answerSchemaProblem(columns: unknown, types: readonly unknown[] | undefined): string | undefined {
  if (!Array.isArray(columns)) return "the answer has no list of columns";
  const problems: string[] = [];
  for (const [name, type] of ANSWER_COLUMNS) {
    const i = columns.indexOf(name);
    if (i < 0) problems.push(`no column "${name}" (expected ${type})`);
    else if (types !== undefined && types[i] !== type)
      problems.push(`column "${name}" is ${typeof types[i] === "string" ? types[i] : "untyped"}, expected ${type}`);
  }
  if (problems.length === 0) return undefined;
  const listed = columns.map((c) => (typeof c === "string" ? c : String(c))).join(", ");
  return `the answer's columns cannot be read: ${problems.join("; ")} (it has ${listed || "none"})`;
}
