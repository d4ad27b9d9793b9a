/** Problems listed before the reader gives up: enough to show a pattern, few enough to read. */
export const MAX_PROBLEMS = 20;

/** Thrown once the problems reach MAX_PROBLEMS: reading on would only make the list longer. */
export class TooManyProblems extends Error {
  override readonly name = "TooManyProblems";
}

/** The problems found in a directory of exports, one line each, naming file, row and column. */
export class Problems {
  readonly list: string[] = [];

  /** Adds a problem; throws TooManyProblems once there are MAX_PROBLEMS. */
  add(problem: string): void {
    this.list.push(problem);
    if (this.list.length >= MAX_PROBLEMS) throw new TooManyProblems();
  }

  /** The lines to show, with a last line saying when the reader stopped early. */
  lines(): string[] {
    return this.list.length >= MAX_PROBLEMS
      ? [...this.list, `… stopped after ${MAX_PROBLEMS} problems; there may be more`]
      : this.list;
  }
}
