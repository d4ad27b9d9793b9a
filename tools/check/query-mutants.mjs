// Changes the meaning of vaultwatch's KQL one way at a time and checks that the query tests catch
// each change: a query whose meaning can change without a failing test is not tested.
// Usage: node tools/check/query-mutants.mjs [test files...]  (default: test/queries and test/app/ingestion-stop.test.ts)
// Each mutant edits a source file in place, runs vitest, and restores the file.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LEGS = "src/core/queries/signals";
export const MUTANTS = [
  {
    name: "throttling counts 428 instead of 429",
    file: `${LEGS}/kv-requests.ts`,
    from: "Throttled = countif(Status == 429)",
    to: "Throttled = countif(Status == 428)",
  },
  {
    name: "RBAC denials read from the access-policy flag",
    file: `${LEGS}/kv-requests.ts`,
    from: 'RbacOk =~ "false", "rbac"',
    to: 'PolicyOk =~ "false", "rbac"',
  },
  {
    name: "firewall denials no longer recognised by the address flag or text",
    file: `${LEGS}/kv-requests.ts`,
    from: 'AddressOk =~ "false" or Detail has "Client address"',
    to: 'AddressOk =~ "no"',
  },
  {
    name: "the SDK's challenge 401 no longer left out",
    file: `${LEGS}/kv-requests.ts`,
    from: `'| where not(OperationName == "Authentication" and Status == 401)',`,
    to: "",
  },
  {
    name: "AzureDiagnostics rows of other services no longer filtered out",
    file: `${LEGS}/kv-requests.ts`,
    from: `'| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"',`,
    to: "",
  },
  {
    name: "the Key Vault window widened by five minutes",
    file: `${LEGS}/kv-requests.ts`,
    from: "`| where TimeGenerated >= ${from} and TimeGenerated < ${to}`,\n  '| where ResourceProvider",
    to: "`| where TimeGenerated >= ${from} - 5m and TimeGenerated < ${to}`,\n  '| where ResourceProvider",
  },
  {
    name: "the caller's object ID read from the app ID column",
    file: `${LEGS}/kv-requests.ts`,
    from: 'tostring(column_ifexists("identity_claim_oid_g", ""))',
    to: 'tostring(column_ifexists("identity_claim_appid_g", ""))',
  },
  {
    name: "history denials leave out 401",
    file: `${LEGS}/history.ts`,
    from: 'Denied = countif(Status == 401 or (Status == 403 and Refusal != "state"))',
    to: 'Denied = countif(Status == 403 and Refusal != "state")',
  },
  {
    name: "history binned by 2 hours instead of 1",
    file: `${LEGS}/history.ts`,
    from: "by BinStart = bin(TimeGenerated, 1h)",
    to: "by BinStart = bin(TimeGenerated, 2h)",
  },
  {
    name: "error budgets no longer count 429 as bad",
    file: `${LEGS}/slo.ts`,
    from: "Bad = Status in (401, 429) or Status >= 500",
    to: "Bad = Status in (401) or Status >= 500",
  },
  {
    name: "SLO periods reach one day further back",
    file: `${LEGS}/slo.ts`,
    from: "const inPeriod = `TimeGenerated >= sloEnd - ${d}d`;",
    to: "const inPeriod = `TimeGenerated >= sloEnd - ${d + 1}d`;",
  },
  {
    name: "dependency 403 classed as unauthorized",
    file: `${LEGS}/app-insights.ts`,
    from: 'Code == "403", "forbidden"',
    to: 'Code == "403", "unauthorized"',
  },
  {
    name: "sampled dependency calls counted once instead of by ItemCount",
    file: `${LEGS}/app-insights.ts`,
    from: "Items = toint(${c.itemCount})`,\n    '| extend Failure",
    to: "Items = 1`,\n    '| extend Failure",
  },
  {
    name: "invalid-audience traces no longer recognised by AADSTS500011",
    file: `${LEGS}/app-insights.ts`,
    from: '${m} has_any ("AADSTS500011", "AKV10022", "invalid audience"), "invalid-audience"',
    to: '${m} has_any ("AKV10022", "invalid audience"), "invalid-audience"',
  },
  {
    name: "listener failures not flagged as auth-related by their exception",
    file: `${LEGS}/host-startup.ts`,
    from: " or ExceptionMessage has_any ${AUTH_HINTS} or ExceptionDetails has_any ${AUTH_HINTS}",
    to: "",
  },
  {
    name: "role assignments read from the Success event only (no Start join)",
    file: `${LEGS}/changes.ts`,
    from: "coalesce(StartBody, tostring(Properties_d.responseBody)",
    to: "coalesce(tostring(Properties_d.responseBody)",
  },
  {
    name: "failed control-plane changes counted",
    file: `${LEGS}/changes.ts`,
    from: `'| where ActivityStatusValue in~ ("Success", "Succeeded")',`,
    to: `'| where ActivityStatusValue !in~ ("Start", "Started")',`,
  },
  {
    name: "a 403 about a disabled object counted as an access denial",
    file: `${LEGS}/kv-requests.ts`,
    from: `Detail has "is not allowed on a disabled" or `,
    to: "",
  },
  {
    name: "'public network access is disabled' no longer a network refusal",
    file: `${LEGS}/kv-requests.ts`,
    from: ' or Detail has "Public network access is disabled"',
    to: "",
  },
  {
    name: "the Key Vault SDK's challenge counted as a failed dependency call",
    file: `${LEGS}/app-insights.ts`,
    from: "and LastCallAt > ${c.time})`",
    to: "and false)`",
  },
  {
    name: "credential exceptions read by their outer message only",
    file: `${LEGS}/app-insights.ts`,
    from: "`| extend Cause = iff(isnotempty(${c.innermostMessage}), ${c.innermostMessage}, ${c.outerMessage})`",
    to: "`| extend Cause = ${c.outerMessage}`",
  },
  {
    name: "the SLO sums end at the tick instead of the data horizon",
    file: `${LEGS}/slo.ts`,
    from: 'kvSource(table, "sloStart", "sloEnd")',
    to: 'kvSource(table, "sloStart")',
  },
  {
    name: "deleted diagnostic settings no longer read",
    file: `${LEGS}/changes.ts`,
    from: ', "microsoft.insights/diagnosticsettings/delete")',
    to: ")",
  },
  {
    name: "vault coverage binned by 6 hours instead of 1",
    file: `${LEGS}/vault-coverage.ts`,
    from: "by BinStart = bin(TimeGenerated, 1h), VaultResourceId",
    to: "by BinStart = bin(TimeGenerated, 6h), VaultResourceId",
  },
  {
    name: "the ingestion delay read at the median instead of the 95th percentile",
    file: "src/core/queries/ingestion-leg.ts",
    from: "percentile(Ingested - TimeGenerated, 95)",
    to: "percentile(Ingested - TimeGenerated, 50)",
  },
  {
    name: "the daily-cap warning no longer recognised",
    file: "src/core/queries/ingestion-leg.ts",
    from: 'Detail has "OverQuota"',
    to: 'Detail has "RespectQuota"',
  },
];

const tests = process.argv.slice(2);
// The query tests, and the one that reads the daily-cap warning through a whole tick.
const targets = tests.length > 0 ? tests : ["test/queries", "test/app/ingestion-stop.test.ts"];
let survived = 0;
// The text of the file being mutated is kept outside the tree while it is changed, so a run that
// is killed mid-way (a signal cannot interrupt the synchronous test run) is undone by the next one.
const BACKUPS = join(tmpdir(), "vaultwatch-query-mutants");
mkdirSync(BACKUPS, { recursive: true });
for (const name of readdirSync(BACKUPS)) {
  const file = decodeURIComponent(name);
  writeFileSync(file, readFileSync(join(BACKUPS, name), "utf8"));
  rmSync(join(BACKUPS, name));
  console.log(`restored ${file}, left changed by an interrupted run`);
}
for (const m of MUTANTS) {
  const original = readFileSync(m.file, "utf8");
  const backup = join(BACKUPS, encodeURIComponent(m.file));
  if (!original.includes(m.from)) {
    console.log(`?  ${m.name}: the text to change is not in ${m.file} any more (update the mutant)`);
    survived++;
    continue;
  }
  writeFileSync(backup, original);
  writeFileSync(m.file, original.replace(m.from, m.to));
  let caughtBy = "";
  let broken = false;
  const dir = mkdtempSync(join(tmpdir(), "mutant-"));
  const reportFile = join(dir, "report.json");
  try {
    execFileSync("npx", ["vitest", "run", "--reporter=json", `--outputFile=${reportFile}`, ...targets], {
      stdio: "ignore",
    });
  } catch {
    try {
      const report = JSON.parse(readFileSync(reportFile, "utf8"));
      caughtBy = report.testResults
        .flatMap((f) =>
          f.assertionResults
            .filter((a) => a.status === "failed")
            .map((a) => `${f.name.replace(`${process.cwd()}/`, "")} › ${a.fullName}`),
        )
        .join("; ");
      // A mutant that breaks the module fails its files before any assertion: not a catch but a bad mutant.
      broken = !caughtBy && report.testResults.some((f) => f.status === "failed");
    } catch {
      caughtBy = "(the test run failed without a report)";
    }
  } finally {
    writeFileSync(m.file, original);
    rmSync(backup);
    rmSync(dir, { recursive: true, force: true });
  }
  if (broken) {
    console.log(`?  ${m.name}: the changed source does not load (update the mutant)`);
    survived++;
  } else if (caughtBy) console.log(`ok ${m.name}\n     caught by ${caughtBy}`);
  else {
    console.log(`!! ${m.name}: every test still passes`);
    survived++;
  }
}
console.log(`${MUTANTS.length - survived} of ${MUTANTS.length} query mutants caught`);
process.exitCode = survived > 0 ? 1 : 0;
