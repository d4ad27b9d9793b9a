/** A command line that does not fit the command: exit 2 with the message and the usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ParsedArgs {
  positionals: string[];
  /** Options given, by name without dashes: a value option's value, or true for a flag. */
  options: Map<string, string | true>;
}

/**
 * Options of the form `--name value` or `--name=value` (value options) and `--name` (flags).
 * Anything else starting with `-` is an unknown option; the rest are positionals.
 */
export function parseArgs(
  argv: readonly string[],
  spec: { values: readonly string[]; flags: readonly string[] },
): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-") || a === "-") {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = (eq < 0 ? a : a.slice(0, eq)).replace(/^--?/, "");
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
      if (options.has(name)) throw new UsageError(`--${name} is given twice`);
      options.set(name, value);
    } else throw new UsageError(`unknown option ${eq < 0 ? a : a.slice(0, eq)}`);
  }
  return { positionals, options };
}

/** A value option's text, or undefined when not given. */
export function valueOf(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === "string" ? v : undefined;
}

/** An ISO 8601 date-time option, or undefined when not given; a time without an offset is UTC. */
export function timeOption(args: ParsedArgs, name: string): Date | undefined {
  const v = valueOf(args, name);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(v))
    throw new UsageError(
      `--${name}: expected an ISO 8601 date-time such as 2026-03-04T01:00:00Z, got ${JSON.stringify(v)}`,
    );
  const d = new Date(/T.*(Z|[+-]\d{2}:?\d{2})$/i.test(v) || !v.includes("T") ? v : `${v}Z`);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name}: not a valid date-time: ${JSON.stringify(v)}`);
  return d;
}

/** A whole-number option, or undefined when not given. */
export function intOption(args: ParsedArgs, name: string): number | undefined {
  const v = valueOf(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name}: expected a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}
