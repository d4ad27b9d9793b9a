import { ANSWER_COLUMNS } from "../../src/core/signals/answer-columns.js";
import type { AnswerDrift } from "./format-v2.js";

type Problem = (path: readonly PropertyKey[], message: string) => void;

const typeOf = (column: string) => ANSWER_COLUMNS.find(([c]) => c === column)?.[1];
const when = (d: Date | undefined) => (d ? d.toISOString() : "the end");

/**
 * What the schema cannot say about `workspace.answerDrifts`: each kind's own field, a drift that
 * changes nothing (a rename onto a column the answer already has, a retype to the column's own
 * type), a stretch that ends before it starts, and two drifts at once (which would leave it
 * unclear what the answer looks like).
 */
export function checkAnswerDrifts(drifts: readonly AnswerDrift[], problem: Problem): void {
  const at = (i: number, ...rest: PropertyKey[]) => ["workspace", "answerDrifts", i, ...rest];
  drifts.forEach((d, i) => {
    if (d.until && d.until.getTime() <= d.from.getTime())
      problem(at(i, "until"), "expected a time after from: answers are faithful again after they drift");
    if (d.kind === "column-renamed") {
      if (d.to === undefined) problem(at(i, "to"), "expected the column's new name: column-renamed needs `to`");
      else if (typeOf(d.to) !== undefined)
        problem(at(i, "to"), `expected a name the answer does not have: ${d.to} is already one of its columns`);
    } else if (d.to !== undefined) problem(at(i, "to"), "only with kind column-renamed");
    if (d.kind === "column-retyped") {
      if (d.type === undefined)
        problem(at(i, "type"), "expected the type the answer declares: column-retyped needs `type`");
      else if (d.type === typeOf(d.column))
        problem(at(i, "type"), `expected another type than ${d.column}'s own (${d.type}): this would be no drift`);
    } else if (d.type !== undefined) problem(at(i, "type"), "only with kind column-retyped");
    const start = d.from.getTime();
    const end = d.until?.getTime() ?? Number.POSITIVE_INFINITY;
    drifts.slice(0, i).forEach((e, k) => {
      if (start < (e.until?.getTime() ?? Number.POSITIVE_INFINITY) && e.from.getTime() < end)
        problem(
          at(i, "from"),
          `overlaps answerDrifts[${k}] (${when(e.from)} to ${when(e.until)}): one drift at a time, so the answer's schema is clear`,
        );
    });
  });
}
