import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  messageBytes,
  renderTeamsMessage,
  TEAMS_MAX_BYTES,
  type TeamsMessage,
} from "../../src/core/render/teams-card.js";
import { escapeMarkdown } from "../../src/core/render/markdown.js";
import { RULE_TITLE } from "../../src/core/render/words.js";
import { runbookFor, type RunbookStep } from "../../src/core/runbook/runbook.js";
import { incidentEvidenceLink } from "../../src/core/portal-link.js";
import { vaultName } from "../../src/core/model/names.js";
import { callerOnVault, vaultOf, type Subject } from "../../src/core/model/subject.js";
import type {
  DiagnosisSummary,
  Incident,
  Notice,
  NotificationKind,
  RuleId,
  Severity,
  Trigger,
} from "../../src/core/model/index.js";
import { aNotice } from "../fixtures/notices.js";
import { at, KEY, SUBJECT, someCounts } from "../fixtures/incidents.js";
import { chance, runs, spread, spreadArray } from "../fixtures/property.js";

/**
 * The Workflows webhook answers 202 to an oversize card and then drops it, so the card must fit
 * whatever the incident holds, and say what it left out.
 */

const WORKSPACE =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-ops";
const LEFT_OUT = /left out|cut short|too large for a Teams message/i;

function notice(kind: NotificationKind, o: Partial<Incident> = {}): Notice {
  return { ...aNotice(kind, o), decidedAt: at(20) };
}

function render(n: Notice, steps: readonly RunbookStep[] = runbookFor(n.snapshot), maxBytes?: number) {
  const message = renderTeamsMessage(n, steps, 15, incidentEvidenceLink(WORKSPACE, n, 15), maxBytes);
  return { message, json: JSON.stringify(message), bytes: messageBytes(message), texts: texts(message) };
}

/** Every TextBlock text and fact value, with whether it is shown as code. */
function texts(message: TeamsMessage): { text: string; code: boolean }[] {
  const out: { text: string; code: boolean }[] = [];
  const walk = (e: unknown) => {
    if (Array.isArray(e)) return e.forEach(walk);
    if (!e || typeof e !== "object") return;
    const o = e as Record<string, unknown>;
    if (o.type === "TextBlock" && typeof o.text === "string")
      out.push({ text: o.text, code: o.fontType === "Monospace" });
    if (o.type === "FactSet") for (const f of o.facts as { value: string }[]) out.push({ text: f.value, code: false });
    for (const v of Object.values(o)) walk(v);
  };
  walk(message.attachments[0].content.body);
  return out;
}

function headlineOf(message: TeamsMessage): string {
  return texts(message)[0]!.text;
}

/** A log line as an app writes it: long, multi-byte, and full of characters Markdown reads. */
function logLine(i: number, length: number): string {
  const unit = `trace ${i}: ManagedIdentityCredential 🙂 認証に失敗しました [see](https://evil.example/${i}) *retry* _later_ `;
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

function diagnosis(hypotheses: number, lines: number, length: number): DiagnosisSummary {
  return {
    top: Array.from({ length: hypotheses }, (_, h) => ({
      id: `H${h + 1}`,
      title: `hypothesis ${h + 1}`,
      verdict: h === 0 ? "likely" : "possible",
      confirming: Array.from({ length: lines }, (_, i) => logLine(i, length)),
      disproving: Array.from({ length: lines }, (_, i) => logLine(i + lines, length)),
    })),
    decidedBy: "the role assignment was deleted one minute before the first 403",
    propagation: undefined,
    summary: "H1",
  };
}

describe("the Teams card under Teams' 28 KB limit", () => {
  it("leaves an ordinary card as it was, with no note", () => {
    const { bytes, json } = render(notice("opened"));
    expect(bytes).toBeLessThan(TEAMS_MAX_BYTES);
    expect(json).not.toMatch(LEFT_OUT);
    expect(json).toContain("Verify recovery");
    expect(json).toContain("AzureDiagnostics");
  });

  it("cuts huge hypothesis evidence, keeps the headline, the vault and the runbook, and says what it left out", () => {
    const n = notice("opened", { diagnosis: diagnosis(3, 400, 2000) });
    const { bytes, json, message } = render(n);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(headlineOf(message)).toBe("SEV-2: Key Vault access denied on kv-app");
    expect(json).toContain("kv-app (resource group rg-app)");
    expect(json).toMatch(/Left out to fit Teams' 28 KB message limit: \d+ evidence lines/);
    expect(json).toMatch(/\(\d+ more evidence lines left out\)/);
    // Evidence goes before the runbook does.
    expect(json).toContain("Verify recovery: denials fall to zero");
  });

  it("cuts huge control-plane evidence and many findings", () => {
    const triggers: Trigger[] = Array.from({ length: 300 }, (_, i) => ({
      kind: "control-plane",
      finding: `role-missing-${i}`,
      summary: `finding ${i}`,
      evidence: Array.from({ length: 50 }, (_, j) => logLine(i * 50 + j, 400)),
    }));
    const n = notice("opened", { rule: "control-plane", triggers, severityReason: logLine(0, 50_000) });
    const { bytes, json, message } = render(n);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(headlineOf(message)).toContain("Control-plane drift on kv-app");
    expect(json).toMatch(/Left out to fit Teams' 28 KB message limit: [^"]*\d+ reasons it fired/);
    expect(json).toContain("cut short (they end in …)");
  });

  it("keeps long and multi-byte names (emoji, CJK) within the limit and the headline whole", () => {
    const identity = "身份-🔐".repeat(20);
    const subject = {
      ...SUBJECT,
      callerResourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}`,
    };
    const n = notice("acknowledged", {
      subject,
      responder: {
        state: "acknowledged",
        by: "👩‍💻オンコール担当".repeat(300),
        at: at(15),
        note: "調査中 🙂 ".repeat(20_000),
      },
      counts: someCounts({ operations: Array.from({ length: 50 }, (_, i) => `SecretGet-${"秘密".repeat(5000)}-${i}`) }),
      severityReason: "🔥".repeat(30_000),
      diagnosis: diagnosis(3, 40, 3000),
    });
    const { bytes, json, message } = render(n);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(headlineOf(message)).toMatch(
      /^SEV-2 acknowledged by 👩‍💻オンコール担当.*…: Key Vault access denied on kv-app$/u,
    );
    expect(json).toContain(identity);
    expect(json).toMatch(LEFT_OUT);
    // A cut never splits a character: the JSON has no lone surrogate.
    expect(json).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it("cuts thousands of triggers down to a few and counts the rest", () => {
    const triggers: Trigger[] = Array.from({ length: 5000 }, (_, i) => ({
      kind: "baseline",
      expectedRatio: 0.01,
      observedRatio: 0.9,
      pValue: 0.001,
      text: `bin ${i}: ${logLine(i, 300)}`,
    }));
    const n = notice("opened", { triggers });
    const { bytes, json } = render(n);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(json).toMatch(/\(\d{4} more left out\)/);
    expect(json).toMatch(/\d{4} reasons it fired/);
  });

  it("says so when it drops only the queries and keeps every step", () => {
    const steps: RunbookStep[] = Array.from({ length: 16 }, (_, i) => ({
      title: `step ${i + 1}`,
      command: `az keyvault show --name kv-app-${i}`,
      kql: `AzureDiagnostics\n| where TimeGenerated > ago(1h)\n| where Resource == "KV-${i}" ${"// padding\n".repeat(170)}`.slice(
        0,
        1900,
      ),
    }));
    const n = notice("opened");
    const { bytes, json } = render(n, steps);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    for (const step of steps) {
      expect(json).toContain(`${step.title}"`);
      expect(json).toContain(step.command);
    }
    expect(json).not.toContain("// padding");
    expect(json).toContain(
      "Left out to fit Teams' message size limit: the Log Analytics queries of 16 steps shown (the evidence link opens the main one).",
    );
    expect(json).toContain("16 runbook queries");
  });

  it("leaves out a query too long to show whole rather than cutting it", () => {
    const kql = `AzureDiagnostics\n| where Resource == "KV"\n${"| where true\n".repeat(3000)}| take 1`;
    const n = notice("opened");
    const { bytes, json } = render(n, [
      { title: "one long query", kql },
      { title: "then this", command: "az keyvault show --name kv-app" },
    ]);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(json).not.toContain("| where true");
    expect(json).toContain("the Log Analytics query of 1 step shown");
    expect(json).toContain("az keyvault show --name kv-app");
  });

  it("drops the last steps, then the whole runbook, saying how many", () => {
    const steps: RunbookStep[] = Array.from({ length: 40 }, (_, i) => ({
      title: `step ${i + 1}: ${"do the thing carefully ".repeat(40)}`,
      command: `az keyvault show --name kv-${i} ${"--output json ".repeat(100)}`,
    }));
    const { bytes, json } = render(notice("opened"), steps);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(json).toContain("step 1: do the thing");
    expect(json).not.toContain("step 40: do the thing");
    expect(json).toMatch(/Left out to fit Teams' message size limit: \d+ more steps\./);
  });

  it("falls back to a minimal card that still names the incident, its severity and where it is", () => {
    const n = notice("opened", { diagnosis: diagnosis(3, 400, 2000), severityReason: logLine(0, 10_000) });
    const { bytes, json, message } = render(n, runbookFor(n.snapshot), 3 * 1024);
    expect(bytes).toBeLessThanOrEqual(3 * 1024);
    expect(headlineOf(message)).toBe("SEV-2: Key Vault access denied on kv-app");
    expect(json).toContain('"title":"Vault","value":"kv-app"');
    expect(json).toContain("The details were too large for a Teams message (3 KB limit) and were left out");
    expect(json).toContain(`GET /api/incidents/${n.snapshot.id}`);
  });

  it("keeps to the limit even when the limit is tiny", () => {
    const n = notice("acknowledged", {
      responder: { state: "acknowledged", by: "x".repeat(10_000), at: at(15), note: undefined },
      diagnosis: diagnosis(3, 100, 1000),
    });
    for (const cap of [2048, 1500, 1024]) {
      const { bytes, message } = render(n, runbookFor(n.snapshot), cap);
      expect(bytes).toBeLessThanOrEqual(cap);
      expect(headlineOf(message)).toContain("Key Vault access denied");
      expect(headlineOf(message)).toContain("kv-app");
    }
  });
});

const PIECES = [
  "a",
  "Z",
  "7",
  " ",
  "-",
  ".",
  "_",
  "*",
  "[",
  "]",
  "(",
  ")",
  "\\",
  "`",
  "#",
  ">",
  "+",
  "1.",
  '"',
  "'",
  "$(",
  "|",
  "\n",
  "\r\n",
  "\t",
  "\u0000",
  "\u2028",
  "🙂",
  "👩‍👩‍👧",
  "漢字",
  "認証",
  "é",
  "e\u0301",
  "\uD83D",
  "\uDE42",
  "[x](https://evil.example)",
  "https://evil.example",
  "**bold**",
];

/**
 * Text of `spread(max)` characters or a little more, a few of the pieces above over and over:
 * what Markdown, JSON and UTF-16 find awkward, at every length and wherever a cut falls.
 */
function text(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(spread(max), fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 10 }))
    .map(([length, pieces]) => {
      const parts: string[] = [];
      for (let n = 0, i = 0; n < length; i++) {
        const piece = pieces[i % pieces.length]!;
        parts.push(piece);
        n += piece.length;
      }
      return parts.join("");
    });
}

/** A vault name as ARM allows it, or one built to be awkward. */
const vaultSegment = fc.oneof(
  { weight: 7, arbitrary: fc.integer({ min: 0, max: 1e6 }).map((n) => `kv-${n.toString(36)}`) },
  { weight: 3, arbitrary: text(40).map((t) => t.replace(/[/\s]/g, "x") || "kv") },
);

const anyTrigger: fc.Arbitrary<Trigger> = fc.oneof(
  fc.record({
    kind: fc.constant("threshold" as const),
    failures: fc.integer({ min: 0, max: 1000 }),
    failurePercent: fc.integer({ min: 0, max: 100 }),
    baseline: fc.constant("none" as const),
  }),
  fc.record({
    kind: fc.constant("control-plane" as const),
    finding: text(100),
    summary: text(1000),
    evidence: spreadArray(50, text(3000)),
  }),
  fc.record({
    kind: fc.constant("network" as const),
    app: text(100),
    failures: fc.constant(3),
    total: fc.constant(4),
    targets: spreadArray(50, text(300)),
  }),
  fc.record({ kind: fc.constant("monitor" as const), problem: text(20_000) }),
  fc.record({
    kind: fc.constant("baseline" as const),
    expectedRatio: fc.constant(0.1),
    observedRatio: fc.constant(0.9),
    pValue: fc.constant(0.01),
    text: text(2000),
  }),
);

const anyDiagnosis: fc.Arbitrary<DiagnosisSummary | undefined> = fc.option(
  fc.record({
    top: spreadArray(
      8,
      fc.record({
        id: text(10),
        title: text(300),
        verdict: text(20),
        confirming: spreadArray(200, text(4000)),
        disproving: spreadArray(200, text(4000)),
      }),
    ),
    decidedBy: text(5000),
    propagation: fc.option(fc.record({ retestAt: fc.constant(at(30)), text: text(3000) }), {
      nil: undefined,
      freq: 2,
    }),
    summary: text(500),
  }),
  { nil: undefined, freq: 3 },
);

const anyIncident: fc.Arbitrary<Partial<Incident>> = fc
  .record({
    rule: fc.constantFrom<RuleId>(
      "kv-auth-denied",
      "kv-auth-denied",
      "kv-throttled",
      "control-plane",
      "network",
      "monitor",
    ),
    subscription: fc.constantFrom("11111111-2222-3333-4444-555555555555", "s"),
    group: fc.integer({ min: 0, max: 99 }),
    vaultSegment,
    /** A control-plane finding may name no vault. */
    withoutVault: fc.boolean(),
    identity: fc.option(text(200), { nil: undefined, freq: 2 }),
    app: text(100),
    triggers: spreadArray(1000, anyTrigger),
    diagnosis: anyDiagnosis,
    severity: fc.constantFrom<Severity>("SEV-1", "SEV-2", "SEV-3", "SEV-4"),
    severityReason: text(20_000),
    operations: spreadArray(200, text(2000)),
    responder: fc.constantFrom("new", "acknowledged", "closed"),
    by: text(5000),
    note: fc.option(text(50_000), { nil: undefined, freq: 2 }),
    flapping: chance(0.2),
  })
  .map((g): Partial<Incident> => {
    const vault = `/subscriptions/${g.subscription}/resourcegroups/rg-${g.group}/providers/microsoft.keyvault/vaults/${g.vaultSegment}`;
    const identity = g.identity === undefined ? "id-app" : g.identity.replace(/[/]/g, "x") || "id";
    // What each rule's incidents are about: an app, the monitor, a finding, or a caller on a vault.
    const subject: Subject =
      g.rule === "network"
        ? { kind: "app", app: g.app.replace(/[\u0000-\u001f\u007f]/g, "") || "orders" }
        : g.rule === "monitor"
          ? { kind: "monitor" }
          : g.rule === "control-plane"
            ? {
                kind: "control-plane",
                vaultResourceId: g.withoutVault ? undefined : vault,
                principal: KEY.callerObjectId,
              }
            : callerOnVault({
                ...KEY,
                vaultResourceId: vault,
                callerResourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}`,
              });
    return {
      rule: g.rule,
      subject,
      triggers: g.triggers,
      diagnosis: g.diagnosis,
      severity: g.severity,
      severityReason: g.severityReason,
      counts: someCounts({ operations: g.operations }),
      responder: {
        state: g.responder,
        by: g.responder === "new" ? undefined : g.by,
        at: at(15),
        note: g.note,
      },
      flapping: g.flapping,
    };
  });

const anyStep: fc.Arbitrary<RunbookStep> = fc
  .record({
    title: text(2000),
    command: fc.option(text(8000), { nil: undefined, freq: 3 }),
    kql: fc.option(text(8000), { nil: undefined, freq: 2 }),
  })
  .map(({ title, command, kql }) => ({
    title,
    ...(command === undefined ? {} : { command }),
    ...(kql === undefined ? {} : { kql }),
  }));

/** A card to render: the notice, its runbook (its own or an arbitrary one), a link and a size cap. */
const anyCard = fc
  .record({
    kind: fc.constantFrom<NotificationKind>(
      "opened",
      "escalated",
      "unacknowledged",
      "repeated",
      "acknowledged",
      "resolved",
    ),
    incident: anyIncident,
    decidedMinute: fc.integer({ min: 20, max: 600 }),
    ownRunbook: chance(0.4),
    steps: spreadArray(30, anyStep),
    link: fc.constantFrom("none", "evidence", "portal"),
    portalTail: text(12_000),
    cap: fc.oneof(
      { weight: 7, arbitrary: fc.constant(TEAMS_MAX_BYTES) },
      { weight: 3, arbitrary: fc.integer({ min: 2048, max: TEAMS_MAX_BYTES }) },
    ),
  })
  .map((g) => {
    const n: Notice = { ...aNotice(g.kind, g.incident), decidedAt: at(g.decidedMinute) };
    let steps = g.steps;
    if (g.ownRunbook) {
      try {
        steps = runbookFor(n.snapshot);
      } catch {
        // Names with control characters are refused by the KQL helpers; the card is about the rest.
      }
    }
    const link =
      g.link === "none"
        ? undefined
        : g.link === "evidence"
          ? incidentEvidenceLink(WORKSPACE, n, 15)
          : `https://portal.azure.com/#x/${g.portalTail}`;
    return { n, steps, link, cap: g.cap };
  });

/** Markdown link brackets left unescaped, after dropping escaped pairs. */
const openBracket = (t: string) => /[[\]]/.test(t.replace(/\\./gs, ""));

describe("the Teams card over generated incidents", () => {
  let largest = 0;

  // A failure names the seed and path of the smallest card that broke it: fixtures/property.ts says how to replay it.
  it("fits, keeps the headline, says what it left out, and shows no live Markdown from the data", () => {
    fc.assert(
      fc.property(anyCard, ({ n, steps, link, cap }) => {
        const message = renderTeamsMessage(n, steps, 15, link, cap);
        const bytes = messageBytes(message);
        largest = Math.max(largest, cap === TEAMS_MAX_BYTES ? bytes : 0);
        expect(bytes).toBeLessThanOrEqual(cap);
        expect(renderTeamsMessage(n, steps, 15, link, cap)).toEqual(message);

        const content = message.attachments[0].content;
        expect(content).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
        const headline = headlineOf(message);
        expect(headline).toContain(RULE_TITLE[n.snapshot.rule]);
        const vault = vaultName(vaultOf(n.snapshot.subject)).name;
        // Escaped as it reads mid-line ("x" stands in for the text before it).
        if (vaultOf(n.snapshot.subject) && vault.length <= 60)
          expect(headline).toContain(escapeMarkdown(`x${vault}`).slice(1));

        const full = renderTeamsMessage(n, steps, 15, link, Number.POSITIVE_INFINITY);
        if (messageBytes(full) > cap) expect(JSON.stringify(message)).toMatch(LEFT_OUT);

        for (const t of texts(message)) {
          expect(openBracket(t.text), t.text.slice(0, 200)).toBe(false);
          if (!t.code) expect(t.text).not.toMatch(/[\n\r\u2028\u2029]/);
        }
      }),
      runs(200),
    );
  });

  it("stayed within 28 KB on every generated card at the real limit", () => {
    expect(largest).toBeGreaterThan(TEAMS_MAX_BYTES * 0.5);
    expect(largest).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    console.log(`largest generated card at the 28 KB limit: ${largest} bytes`);
  });
});
