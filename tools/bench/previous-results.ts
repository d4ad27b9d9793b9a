/**
 * What the previous run's results.json says about vaultwatch's time to detect, read before the
 * new run overwrites it, so that the Targets section can say whether detection got slower. Reads
 * layout 2 (`detection.vaultwatch`) and layout 1 (`detection[]` with `system: "vaultwatch"`);
 * anything else, or no file, is no previous figure. Pure: text in, figures out.
 */

export interface PreviousDetection {
  /** The file's layout version. */
  version: number;
  /** Time to detect, median over the incidents it detected; undefined when the file has none. */
  ttdMedianMin: number | undefined;
  /** Time to detect per detected incident, by incidentKey(scenario, incident). */
  incidents: Map<string, number>;
}

export const incidentKey = (scenario: string, incident: string) => JSON.stringify([scenario, incident]);

export function previousDetection(text: string | undefined): PreviousDetection | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(json) || typeof json.version !== "number") return undefined;
  if (json.version === 2 && isObject(json.detection) && isObject(json.detection.vaultwatch)) {
    const vw = json.detection.vaultwatch;
    return figures(2, vw.ttdMedianMin, vw.incidents, "ttdMin");
  }
  if (json.version === 1 && Array.isArray(json.detection)) {
    const vw = json.detection.find((d: unknown) => isObject(d) && d.system === "vaultwatch");
    if (isObject(vw)) return figures(1, vw.detectMedianMinutes, vw.incidents, "detectMinutes");
  }
  return undefined;
}

function figures(version: number, median: unknown, incidents: unknown, ttdKey: string): PreviousDetection {
  const byIncident = new Map<string, number>();
  for (const i of Array.isArray(incidents) ? incidents : []) {
    if (!isObject(i) || typeof i.scenario !== "string" || typeof i.incident !== "string") continue;
    const ttd = i[ttdKey];
    if (typeof ttd === "number") byIncident.set(incidentKey(i.scenario, i.incident), ttd);
  }
  return { version, ttdMedianMin: typeof median === "number" ? median : undefined, incidents: byIncident };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
