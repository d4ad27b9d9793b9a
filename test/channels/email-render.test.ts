import { describe, expect, it } from "vitest";
import { renderEmail } from "../../src/core/render/email.js";
import { escapeHtml } from "../../src/core/render/email-blocks.js";
import type { DiagnosisSummary, NotificationKind } from "../../src/core/model/index.js";
import { aContent, aNotice } from "../fixtures/notices.js";
import { at, KEY, SUBJECT, VAULT } from "../fixtures/incidents.js";

const diagnosis: DiagnosisSummary = {
  top: [
    {
      id: "H2",
      title: "The role assignment was removed",
      verdict: "likely",
      confirming: ["roleAssignments/delete on kv-app at 00:58 UTC by alice@contoso.com"],
      disproving: [],
    },
    {
      id: "H1",
      title: "Token for the wrong audience",
      verdict: "unlikely",
      confirming: [],
      disproving: ["403s, not 401s: the token was accepted"],
    },
  ],
  decidedBy: "a role assignment of id-app on kv-app was deleted 2 minutes before the first 403",
  propagation: undefined,
  summary: "H2: the role assignment was removed",
};

function rendered(
  kind: NotificationKind = "opened",
  o: Parameters<typeof aNotice>[1] = {},
  content: Parameters<typeof aContent>[1] = {},
) {
  const notice = aNotice(kind, o);
  const c = aContent(notice, content);
  return { notice, content: c, email: renderEmail(notice, c) };
}

describe("the alert email", () => {
  it("tells on-call what broke, where, who and how bad, in both the HTML and the text", () => {
    const { email } = rendered("opened", {
      severity: "SEV-1",
      severityReason: "a critical path is blocked by auth errors and has no fallback",
    });
    for (const body of [email.html, email.plainText]) {
      expect(body).toContain("kv-app");
      expect(body).toContain("rg-app");
      expect(body).toContain("id-app");
      expect(body).toContain(KEY.callerObjectId);
      expect(body).toContain(KEY.callerAppId);
      expect(body).toContain("SEV-1: a critical path is blocked by auth errors and has no fallback");
      expect(body).toContain("respond now, 24x7 (acknowledge within 15 minutes)");
      expect(body).toContain("90 of 100 requests (90%) in the last 15 minutes");
      expect(body).toContain("90 failures in one window");
      expect(body).toContain("403 x 90 (RBAC 90");
      expect(body).toContain("90 failures (90%) are above the static floor");
    }
  });

  it("states the SLO burn and the budget left when an SLO fired", () => {
    const { email } = rendered("opened", {
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
    });
    expect(email.plainText).toContain(
      "burning 30.0x over 1h and 50.0x over 5m, above 14.4x; 50% of the budget left, gone in 12.0 hours at this rate",
    );
    expect(email.html).toContain("burning 30.0x over 1h and 50.0x over 5m");
  });

  it("ranks the hypotheses and shows the evidence that decided the first", () => {
    const { email } = rendered("opened", { diagnosis });
    for (const body of [email.html, email.plainText]) {
      expect(body).toContain("H2 The role assignment was removed (likely)");
      expect(body).toContain("roleAssignments/delete on kv-app at 00:58 UTC by alice@contoso.com");
      expect(body).toContain("403s, not 401s: the token was accepted");
      expect(body).toContain(
        "Decided by: a role assignment of id-app on kv-app was deleted 2 minutes before the first 403",
      );
    }
    expect(email.plainText.indexOf("H2 The role")).toBeLessThan(email.plainText.indexOf("H1 Token"));
    expect(email.html).toContain("<strong>H2 The role assignment was removed (likely)</strong>");
  });

  it("carries every runbook step with its az command and KQL, the code in <pre> blocks", () => {
    const { email, content } = rendered();
    const commands = content.steps.flatMap((s) => (s.command ? [s.command] : []));
    const queries = content.steps.flatMap((s) => (s.kql ? [s.kql] : []));
    expect(commands.length).toBeGreaterThan(2);
    expect(queries.length).toBeGreaterThan(0);
    for (const command of commands) {
      expect(email.plainText).toContain(command);
      expect(email.html).toMatch(new RegExp(`<pre [^>]*>${escapeRegExp(escapeHtml(command))}</pre>`));
    }
    for (const kql of queries) {
      expect(email.html).toMatch(new RegExp(`<pre [^>]*>${escapeRegExp(escapeHtml(kql))}</pre>`));
      for (const line of kql.split("\n")) expect(email.plainText).toContain(line);
    }
    expect(email.plainText).toContain(`az role assignment list --assignee ${KEY.callerObjectId} --scope ${VAULT}`);
  });

  it("links the evidence query and the vault, and leaves the link out when there is none", () => {
    const link =
      "https://portal.azure.com/#@contoso/blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/resourceId/x/query/abc&timespan=PT1H";
    const { email } = rendered("opened", {}, { evidenceLink: link });
    expect(email.html).toContain(`<a href="${escapeHtml(link)}"`);
    expect(email.plainText).toContain(link);
    expect(email.html).toContain(`https://portal.azure.com/#resource${VAULT}/overview`);

    const without = rendered("opened", {}, { evidenceLink: undefined }).email;
    expect(without.plainText).not.toContain("evidence query");
  });

  it("escapes every value a person or a resource name controls, and turns no odd URL into a link", () => {
    const hostile = "<script>alert('x')</script> & <img src=x onerror=alert(1)>";
    const { email } = rendered(
      "acknowledged",
      {
        subject: { ...SUBJECT, callerResourceId: KEY.callerResourceId.replace("id-app", "id-<em>&co") },
        responder: { state: "acknowledged", by: hostile, at: at(15), note: `looking "now" ${hostile}` },
        diagnosis: { ...diagnosis, decidedBy: hostile },
      },
      { evidenceLink: "javascript:alert(document.cookie)" },
    );
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toContain("<img");
    expect(email.html).not.toContain("<em>");
    expect(email.html).toContain(
      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;",
    );
    expect(email.html).toContain(">id-&lt;em&gt;&amp;co<");
    expect(email.subject).toContain("id-<em>&co on kv-app");
    expect(email.html).toContain("looking &quot;now&quot;");
    expect(email.html).not.toContain('href="javascript:');
    // The text form is not HTML: it shows what was typed.
    expect(email.plainText).toContain(hostile);
  });

  it("uses inline styles only, and no images or external resources", () => {
    const { email } = rendered("opened", { diagnosis });
    expect(email.html).not.toMatch(/<style|<link|<img|<script|url\(/i);
    expect(email.html).toContain('style="');
  });

  it.each([
    ["opened", {}, "[SEV-2] Key Vault access denied: id-app on kv-app"],
    [
      "escalated",
      { severity: "SEV-1" as const },
      "[SEV-1] SEVERITY RAISED SEV-1: Key Vault access denied: id-app on kv-app",
    ],
    ["unacknowledged", {}, "[SEV-2] NOT ACKNOWLEDGED: Key Vault access denied: id-app on kv-app"],
    ["repeated", {}, "[SEV-2] REPEAT (still firing, unacknowledged): Key Vault access denied: id-app on kv-app"],
    [
      "acknowledged",
      { responder: { state: "acknowledged" as const, by: "alice", at: at(14), note: "on it" } },
      "[SEV-2] ACKNOWLEDGED by alice: Key Vault access denied: id-app on kv-app",
    ],
    ["resolved", {}, "[SEV-2] RESOLVED: Key Vault access denied: id-app on kv-app"],
  ] as const)("says in the subject what a %s notice is about", (kind, o, subject) => {
    expect(rendered(kind, o).email.subject).toBe(subject);
  });

  it("keeps the subject to one line whatever the responder typed", () => {
    const { email } = rendered("acknowledged", {
      responder: { state: "acknowledged", by: "mallory\r\nBcc: everyone@contoso.com", at: at(14), note: undefined },
    });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain("ACKNOWLEDGED by mallory Bcc: everyone@contoso.com");
  });

  it("says who acknowledged it, when, and their note", () => {
    const { email } = rendered("acknowledged", {
      responder: { state: "acknowledged", by: "alice", at: at(14), note: "restoring the role" },
    });
    expect(email.plainText).toContain("Acknowledged by alice at 01:14 UTC: restoring the role");
    expect(rendered("opened").email.plainText).toContain("Not acknowledged yet.");
  });

  it("on resolve, says how long it was open and the evidence of recovery, without the runbook", () => {
    const { email } = rendered("resolved", { counts: { ...aNotice().snapshot.counts, succeeded: 42 }, diagnosis });
    for (const body of [email.html, email.plainText]) {
      expect(body).toContain("Resolved at 01:40 UTC after 35 minutes");
      expect(body).toContain("no failures since 01:10 UTC and 42 successful calls in the last 15 minutes");
      expect(body).toContain("90 failures in one window");
    }
    expect(email.plainText).not.toContain("RUNBOOK");
    expect(email.plainText).not.toContain("az role assignment create");
    expect(email.plainText).not.toContain("LIKELY CAUSE");
  });

  it("warns when the incident is flapping, and when a role change may still be propagating", () => {
    const { email } = rendered("repeated", {
      flapping: true,
      diagnosis: {
        ...diagnosis,
        propagation: {
          retestAt: at(20),
          text: "the role was granted at 01:08 UTC; re-test at 01:18 UTC before escalating",
        },
      },
    });
    expect(email.plainText).toContain("Flapping: the condition keeps coming and going");
    expect(email.plainText).toContain(
      "Propagation window: the role was granted at 01:08 UTC; re-test at 01:18 UTC before escalating",
    );
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("an email about an incident closed by hand", () => {
  it("says who closed it and why in the subject and both bodies", () => {
    const responder = {
      state: "closed" as const,
      by: "sam",
      at: at(30),
      note: "orders-v1 <b>retired</b>",
      closedByHand: true,
    };
    const { email } = rendered("resolved", { resolvedAt: at(30), responder });
    expect(email.subject).toMatch(/^\[SEV-2\] CLOSED BY HAND by sam: /);
    const text = email.plainText.replace(/\s+/g, " ");
    expect(text).toContain("Closed by hand by sam at 01:30 UTC: orders-v1 <b>retired</b>.");
    expect(email.html).toContain("orders-v1 &lt;b&gt;retired&lt;/b&gt;");
    expect(text).not.toContain("Resolved at");
    expect(text).not.toContain("no failures since");
  });
});
