/**
 * MONITOR_SCHEDULE, checked the way the Functions host reads it, so that a schedule the host would
 * refuse (or read differently from what was meant) stops the app with a message instead of a timer
 * that never fires.
 *
 * The host parses timer schedules with NCrontab in its six-field form ({second} {minute} {hour}
 * {day} {month} {day-of-week}; learn.microsoft.com/azure/azure-functions/functions-bindings-timer,
 * "NCRONTAB expressions"). Each field is `*`, a number, a range `a-b`, a list `a,b,c`, or a step
 * `*\/n`, `a-b/n` or `a/n`; months and days of the week may be English names or their abbreviations,
 * case-insensitive, with Sunday as 0. A TimeSpan (`hh:mm:ss`) works only on an App Service plan;
 * vaultwatch deploys to Flex Consumption (infra/modules/app/function-app.bicep), so it is refused.
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: [
      "January",
      "February",
      "March",
      "April",
      "May",
      "June",
      "July",
      "August",
      "September",
      "October",
      "November",
      "December",
    ],
  },
  {
    name: "day-of-week",
    min: 0,
    max: 6,
    names: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
  },
];

export const NCRONTAB_EXAMPLE = "0 */5 * * * *";
const SHAPE = `a six-field NCRONTAB expression, {second} {minute} {hour} {day} {month} {day-of-week}, e.g. '${NCRONTAB_EXAMPLE}' (every 5 minutes)`;
/** Field text quoted in a message is cut here: enough to recognise it. */
const QUOTED_MAX = 24;
/** NCrontab matches a name by prefix and takes the first hit ("Ma" is March); three letters are unambiguous. */
const NAME_MIN = 3;

/** Problems with an NCRONTAB schedule, each naming the field; empty when the host accepts it as meant. */
export function ncrontabProblems(text: string): string[] {
  const trimmed = text.trim();
  if (/^(\d+\.)?\d{1,2}:\d{2}(:\d{2})?$/.test(trimmed))
    return [
      `a TimeSpan (hh:mm:ss) schedule runs only on an App Service plan and vaultwatch runs on Flex Consumption; expected ${SHAPE}`,
    ];
  const fields = trimmed.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    const hint = fields.length === 5 ? " (NCRONTAB puts seconds first)" : "";
    return [`expected ${SHAPE}; got ${fields.length} field${fields.length === 1 ? "" : "s"}${hint}`];
  }
  const problems: string[] = [];
  const selected: number[] = [];
  FIELDS.forEach((field, i) => {
    const result = parseField(fields[i] ?? "", field);
    if (typeof result === "string") problems.push(`the ${field.name} field ${quote(fields[i] ?? "")} ${result}`);
    else selected.push(result);
  });
  // A seconds field that selects several seconds ticks the monitor several times a minute, each a
  // Log Analytics query: almost always a five-field schedule with seconds added at the wrong end.
  const seconds = selected[0];
  if (problems.length === 0 && seconds !== undefined && seconds > 1)
    problems.push(
      `the second field ${quote(fields[0] ?? "")} fires ${seconds} times a minute; expected one second, e.g. '${NCRONTAB_EXAMPLE}' (every 5 minutes)`,
    );
  return problems;
}

/** How many values the field selects, or what is wrong with it. */
function parseField(text: string, field: Field): number | string {
  const chosen = new Set<number>();
  const elements = text.split(",");
  for (const element of elements) {
    const problem = parseElement(element, field, chosen);
    if (problem) return elements.length > 1 ? `has an element ${quote(element)} that ${problem}` : problem;
  }
  return chosen.size;
}

function parseElement(element: string, field: Field, chosen: Set<number>): string | undefined {
  if (element === "") return `is empty (${rangeText(field)})`;
  const slash = element.indexOf("/");
  const base = slash < 0 ? element : element.slice(0, slash);
  let step = 1;
  if (slash >= 0) {
    const stepText = element.slice(slash + 1);
    const count = field.max - field.min + 1;
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > count)
      return `has a step that is not a whole number from 1 to ${count}`;
    step = Number(stepText);
  }
  let from: number;
  let to: number;
  if (base === "*") {
    from = field.min;
    to = field.max;
  } else {
    const dash = base.indexOf("-", 1);
    const first = fieldValue(dash < 0 ? base : base.slice(0, dash), field);
    if (typeof first === "string") return first;
    from = first;
    // `a/n` runs from a to the end of the field, as NCrontab reads it.
    to = dash < 0 ? (slash >= 0 ? field.max : first) : Number.NaN;
    if (dash >= 0) {
      const last = fieldValue(base.slice(dash + 1), field);
      if (typeof last === "string") return last;
      // NCrontab swaps a reversed range instead of wrapping around: 22-2 would run 2 to 22.
      if (last < first) return `is a reversed range, which the host reads as ${last}-${first}; ranges do not wrap`;
      to = last;
    }
  }
  for (let v = from; v <= to; v += step) chosen.add(v);
  return undefined;
}

function fieldValue(text: string, field: Field): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : `is out of range (${rangeText(field)})`;
  }
  if (field.names && /^[A-Za-z]+$/.test(text)) {
    const lower = text.toLowerCase();
    const index = field.names.findIndex((n) => n.toLowerCase().startsWith(lower));
    if (index >= 0 && text.length >= NAME_MIN) return field.min + index;
    if (index >= 0) return `is an abbreviation shorter than ${NAME_MIN} letters (${rangeText(field)})`;
  }
  return `is not understood (${rangeText(field)})`;
}

function rangeText(field: Field): string {
  const numbers = `${field.min}-${field.max}`;
  const names = field.names ? `, names such as ${field.names[0]?.slice(0, 3)} or ${field.names[0]}` : "";
  const zero = field.name === "day-of-week" ? ", Sunday is 0" : "";
  return `expected ${numbers}${names}${zero}, a range a-b, a list a,b, a step */n, or *`;
}

function quote(text: string): string {
  return JSON.stringify(text.length > QUOTED_MAX ? `${text.slice(0, QUOTED_MAX)}…` : text);
}
