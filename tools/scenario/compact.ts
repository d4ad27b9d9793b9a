import type { RecordEntryInput } from "./format-v2.js";

/**
 * Writes a series of multiplicities (time → count) as few record entries as reads well: a run of
 * equal counts as `every`/`until`/`count`, a varying run as `every`/`counts`, a lone one as
 * `count`. Zero stretches longer than `maxGap` steps start a new entry (a long list of zeros costs
 * more than a new entry's time).
 */
export function compactSeries(
  fields: Omit<RecordEntryInput, "at">,
  counts: ReadonlyMap<number, number>,
  stepMinutes: number,
  iso: (ms: number) => string,
  maxGap = 36,
): RecordEntryInput[] {
  const step = stepMinutes * 60_000;
  const times = [...counts.entries()]
    .filter(([, n]) => n > 0)
    .map(([t]) => t)
    .sort((a, b) => a - b);
  const out: RecordEntryInput[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const slots = (last - first) / step + 1;
    const values = Array.from({ length: slots }, (_, k) => counts.get(first + k * step) ?? 0);
    const at = iso(first);
    if (slots === 1) out.push({ ...fields, at, ...(values[0] === 1 ? {} : { count: values[0]! }) });
    else if (values.every((v) => v === values[0]))
      out.push({
        ...fields,
        at,
        every: stepMinutes,
        until: iso(last + step),
        ...(values[0] === 1 ? {} : { count: values[0]! }),
      });
    else out.push({ ...fields, at, every: stepMinutes, counts: values });
    run = [];
  };
  for (const t of times) {
    const prev = run[run.length - 1];
    // Off the step grid, or too long a gap: a new entry.
    if (prev !== undefined && ((t - prev) % step !== 0 || (t - prev) / step - 1 > maxGap)) flush();
    run.push(t);
  }
  flush();
  return out;
}
