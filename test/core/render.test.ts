import { describe, expect, it } from "vitest";
import { renderTeamsMessage, TEAMS_MAX_BYTES, byteLength } from "../../src/core/render/teams-card.js";
import { renderText } from "../../src/core/render/text.js";
import { runbookFor } from "../../src/core/runbook/runbook.js";
import type { Notice, NotificationKind } from "../../src/core/model/index.js";
import { aNotice } from "../fixtures/notices.js";
import { type anIncident, at, KEY, SUBJECT, someCounts } from "../fixtures/incidents.js";

function notice(kind: NotificationKind, o: Parameters<typeof anIncident>[0] = {}): Notice {
  return { ...aNotice(kind, o), decidedAt: at(20) };
}

const cardOf = (n: Notice) => {
  const m = renderTeamsMessage(n, runbookFor(n.snapshot), 15);
  return { message: m, card: m.attachments[0].content, json: JSON.stringify(m) };
};

describe("the Teams alert card", () => {
  it("is an Adaptive Card 1.5 in the Workflows message envelope", () => {
    const { message, card } = cardOf(notice("opened"));
    expect(message.type).toBe("message");
    expect(message.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
  });

  it("says what, where and who with the numbers, and fills the runbook with the real names", () => {
    const { json } = cardOf(notice("opened", { severity: "SEV-1" }));
    expect(json).toContain("SEV-1: Key Vault access denied on kv-app");
    expect(json).toContain("id-app (user-assigned identity)");
    expect(json).toContain("90 of 100 requests denied");
    expect(json).toContain(`az role assignment list --assignee ${KEY.callerObjectId} --scope ${KEY.vaultResourceId}`);
    expect(json).toContain('--role \\"Key Vault Secrets User\\"');
    expect(json).toContain("az keyvault show --name kv-app --resource-group rg-app");
    expect(json).not.toContain("<object-id>");
  });

  it("asks for the least role the failed operations need, never Administrator", () => {
    const keyOps = notice("opened", { counts: someCounts({ operations: ["KeyUnwrap"] }) });
    const json = cardOf(keyOps).json;
    expect(json).toContain("Key Vault Crypto User");
    expect(json).not.toContain("Key Vault Administrator");
  });

  it("stays within Teams' 28 KB limit when the evidence is huge, and says what it left out", () => {
    // listOf caps operations at 8, so a long operation list alone never tested the limit; the
    // hypothesis evidence, which carries log samples, has no such cap.
    const sample = "AADSTS700016 🙂 アプリが見つかりません ".repeat(100);
    const huge = notice("opened", {
      diagnosis: {
        top: [1, 2, 3].map((i) => ({
          id: `H${i}`,
          title: `hypothesis ${i}`,
          verdict: "likely",
          confirming: Array.from({ length: 200 }, (_, j) => `${j}: ${sample}`),
          disproving: [],
        })),
        decidedBy: "the app's token requests fail",
        propagation: undefined,
        summary: "H1",
      },
    });
    const { json } = cardOf(huge);
    expect(
      byteLength(JSON.stringify(renderTeamsMessage(huge, [], 15, undefined, Number.POSITIVE_INFINITY))),
    ).toBeGreaterThan(3 * TEAMS_MAX_BYTES);
    expect(byteLength(json)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(json).toContain("SEV-2: Key Vault access denied on kv-app");
    expect(json).toContain("kv-app (resource group rg-app)");
    expect(json).toMatch(/Left out to fit Teams' 28 KB message limit: \d+ evidence lines/);
  });

  it("shows names, notes and log samples as text, not as Markdown links or formatting", () => {
    const n = notice("acknowledged", {
      subject: {
        ...SUBJECT,
        callerResourceId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id_[app](https:%2F%2Fevil.example)",
      },
      responder: {
        state: "acknowledged",
        by: "[Security team](https://evil.example/login)",
        at: at(15),
        note: "**ignore this**\n\n- [reset your password](https://evil.example)",
      },
      diagnosis: {
        top: [
          {
            id: "H5",
            title: "wrong token audience",
            verdict: "likely",
            confirming: ["AppTraces: [Click here](https://evil.example) to *re-authenticate*"],
            disproving: ["1. nothing `odd`"],
          },
        ],
        decidedBy: "AADSTS500011 in the app's traces",
        propagation: undefined,
        summary: "H5",
      },
    });
    const { card } = cardOf(n);
    const body = JSON.stringify(card.body);
    const values = [...body.matchAll(/"(?:text|value)":"((?:[^"\\]|\\.)*)"/g)].map(
      (m) => JSON.parse(`"${m[1]}"`) as string,
    );
    // No unescaped link bracket survives anywhere in the card.
    for (const v of values) expect(v.replace(/\\./g, "")).not.toMatch(/[[\]]/);
    expect(values).toContain(
      "SEV-2 acknowledged by \\[Security team\\](https://evil.example/login): Key Vault access denied on kv-app",
    );
    expect(values).toContain("+ AppTraces: \\[Click here\\](https://evil.example) to \\*re-authenticate\\*");
    // A list marker at the start of a value is escaped, while the card's own "- " prefix stays.
    expect(values).toContain("- 1\\. nothing \\`odd\\`");
    // The note's line breaks cannot start a Markdown list of their own.
    const responder = values.find((v) => v.startsWith("acknowledged by"))!;
    expect(responder).toBe(
      "acknowledged by \\[Security team\\](https://evil.example/login) at 01:15 UTC: \\*\\*ignore this\\*\\* - \\[reset your password\\](https://evil.example)",
    );
    expect(values).toContain("id\\_\\[app\\](https:%2F%2Fevil.example) (user-assigned identity)");
    // Our own numbering stays Markdown.
    expect(values).toContain("1. H5 wrong token audience (likely)");
  });

  it("keeps a name from the logs from turning a runbook query into a link", () => {
    const n = notice("opened", {
      rule: "network",
      subject: { kind: "app", app: "orders[x](https://evil.example)" },
      triggers: [
        {
          kind: "network",
          app: "orders[x](https://evil.example)",
          failures: 30,
          total: 40,
          targets: ["kv-app.vault.azure.net:443"],
        },
      ],
    });
    const { card } = cardOf(n);
    const code = (card.body as { fontType?: string; text: string }[])
      .filter((b) => b.fontType === "Monospace")
      .map((b) => b.text);
    expect(code.some((c) => c.includes('AppRoleName == "orders\\[x\\](https://evil.example)"'))).toBe(true);
    expect(code).toContain("nslookup kv-app.vault.azure.net");
  });

  it("says why it fired: the SLO tier, both burns, the budget left and when it runs out", () => {
    const n = notice("opened", {
      triggers: [
        {
          kind: "slo",
          slo: "app-secrets",
          tier: "page-fast",
          action: "page",
          longWindow: "1h",
          shortWindow: "5m",
          longBurn: 30,
          shortBurn: 50,
          burnThreshold: 14.4,
          budgetRemaining: 0.5,
          hoursToExhaustion: 12,
        },
      ],
      severityReason: "the error budget is burning at a paging rate",
    });
    const { json } = cardOf(n);
    expect(json).toContain("Why it fired");
    expect(json).toContain(
      "SLO app-secrets: page-fast (page) — burning 30.0x over 1h and 50.0x over 5m, above 14.4x; 50% of the budget left, gone in 12.0 hours at this rate",
    );
    expect(json).toContain(
      "SEV-2: the error budget is burning at a paging rate. Expected response: restore within the current shift",
    );
  });

  it("renders a resolution card that says resolved and for how long", () => {
    const n = notice("resolved", { state: "resolved", resolvedAt: at(40) });
    const { card, json } = cardOf(n);
    expect(JSON.stringify(card.body)).toContain("Resolved: Key Vault access denied on kv-app");
    expect(json).toContain("Open for 35 minutes");
    expect(json).not.toContain("Runbook");
  });

  it("says who closed an incident by hand and why, instead of claiming it recovered", () => {
    const closed = {
      state: "closed" as const,
      by: "sam",
      at: at(30),
      note: "orders-v1 was [retired](https://evil.example)",
      closedByHand: true,
    };
    const { card, json } = cardOf(notice("resolved", { state: "resolved", resolvedAt: at(30), responder: closed }));
    expect(JSON.stringify(card.body)).toContain("Closed by hand by sam: Key Vault access denied on kv-app");
    expect(json).toContain("Closed by hand by sam at 01:30");
    expect(json).toContain("Open for 25 minutes; if the rule still fires, a new incident opens.");
    expect(json).not.toContain("no failures since");
    // The reason is typed into the API: shown, never a live link.
    expect(json).not.toContain("[retired](https://evil.example)");
  });
});

describe("the text rendering", () => {
  it("shows severity, vault, identity, counts and the first three steps", () => {
    const n = notice("opened", { severity: "SEV-1" });
    const text = renderText(n, runbookFor(n.snapshot), 15);
    expect(text).toMatch(/^== SEV-1 ALERT 01:20 UTC {2}Key Vault access denied/);
    expect(text).toContain("vault      kv-app (resource group rg-app)");
    expect(text).toContain("identity   id-app (user-assigned identity)");
    expect(text).toContain("respond now");
    expect(text).toContain("    1. ");
    expect(text).toContain("    3. ");
    expect(text).not.toContain("    4. ");
  });

  it("points 401-dominated denials at identity and token audience first", () => {
    const n = notice("opened", { counts: someCounts({ unauthorized: 80, forbidden: 10 }) });
    const steps = runbookFor(n.snapshot);
    expect(steps[0]!.command).toContain("az identity show --ids");
    expect(steps[1]!.title).toContain("https://vault.azure.net/.default");
  });
});
