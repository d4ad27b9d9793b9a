import { describe, expect, it } from "vitest";
import { ANSWER_COLUMNS } from "../../src/core/signals/answer-columns.js";
import type { AnswerDriftInput, ScenarioV2Input } from "../../tools/scenario/format-v2.js";
import { driftingWorkspace } from "../../tools/standin/answer-drift.js";
import type { Workspace } from "../../tools/emulator/emulator.js";
import { at, load, ms, problemsOf, v2 } from "./fixtures.js";

/**
 * `workspace.answerDrifts`: for a while the answers to the monitor's signals query come back with
 * a column renamed, retyped or missing. The loader keeps them on the world, refuses a drift that
 * says nothing or two at once, and the replay's workspace applies the one in force to the signals
 * query's answer only.
 */

const drifted = (answerDrifts: AnswerDriftInput[]): ScenarioV2Input =>
  v2([{ template: "orders", status: 200, at: at("01:00"), every: 1, until: at("02:00"), count: 5 }], {
    workspace: { ingestion: 3, answerDrifts },
  });

const RENAME: AnswerDriftInput = {
  from: at("01:20"),
  until: at("01:40"),
  kind: "column-renamed",
  column: "Counts",
  to: "counts",
};

describe("a scenario whose answers drift", () => {
  it("keeps each drift on the world, with its times, and none when the field is absent", () => {
    const world = load(
      drifted([RENAME, { from: at("01:45"), kind: "column-retyped", column: "Counts", type: "string" }]),
    );
    expect(world.workspace.answerDrifts).toEqual([
      {
        from: new Date(ms("01:20")),
        until: new Date(ms("01:40")),
        kind: "column-renamed",
        column: "Counts",
        to: "counts",
      },
      { from: new Date(ms("01:45")), kind: "column-retyped", column: "Counts", type: "string" },
    ]);
    expect(load(v2([])).workspace.answerDrifts).toEqual([]);
  });

  it.each<[string, AnswerDriftInput[], string[]]>([
    [
      "a drift that ends before it starts",
      [{ ...RENAME, until: at("01:10") }],
      ["$.workspace.answerDrifts[0].until: expected a time after from: answers are faithful again after they drift"],
    ],
    [
      "a rename without its new name",
      [{ from: at("01:20"), kind: "column-renamed", column: "Counts" }],
      ["$.workspace.answerDrifts[0].to: expected the column's new name: column-renamed needs `to`"],
    ],
    [
      "a rename onto a column the answer already has",
      [{ ...RENAME, to: "Dims" }],
      ["$.workspace.answerDrifts[0].to: expected a name the answer does not have: Dims is already one of its columns"],
    ],
    [
      "a retype to the column's own type",
      [{ from: at("01:20"), kind: "column-retyped", column: "Counts", type: "dynamic" }],
      ["$.workspace.answerDrifts[0].type: expected another type than Counts's own (dynamic): this would be no drift"],
    ],
    [
      "a retype without its type",
      [{ from: at("01:20"), kind: "column-retyped", column: "BinStart" }],
      ["$.workspace.answerDrifts[0].type: expected the type the answer declares: column-retyped needs `type`"],
    ],
    [
      "a dropped column with a new name and type",
      [{ from: at("01:20"), kind: "column-dropped", column: "Dims", to: "dims", type: "string" }],
      [
        "$.workspace.answerDrifts[0].to: only with kind column-renamed",
        "$.workspace.answerDrifts[0].type: only with kind column-retyped",
      ],
    ],
    [
      "two drifts at once",
      [RENAME, { from: at("01:30"), kind: "column-dropped", column: "Dims" }],
      [
        "$.workspace.answerDrifts[1].from: overlaps answerDrifts[0] (2026-03-02T01:20:00.000Z to 2026-03-02T01:40:00.000Z): one drift at a time, so the answer's schema is clear",
      ],
    ],
    [
      "a column the answer does not have",
      [{ ...RENAME, column: "counts" as never }],
      [
        "$.workspace.answerDrifts[0].column: expected a column of the signals query's answer: Signal, RowKind, BinStart, Dims, Counts, Sample, FirstAt, LastAt",
      ],
    ],
    [
      "a drift of no known kind",
      [{ ...RENAME, kind: "column-lowercased" as never }],
      ["$.workspace.answerDrifts[0].kind: expected a drift: column-renamed, column-retyped, column-dropped"],
    ],
    [
      "a type Kusto does not have",
      [{ from: at("01:20"), kind: "column-retyped", column: "Counts", type: "text" as never }],
      [
        "$.workspace.answerDrifts[0].type: expected a Kusto type: bool, datetime, decimal, dynamic, guid, int, long, real, string, timespan",
      ],
    ],
  ])("refuses %s, naming the JSON path", (_, drifts, problems) => {
    expect(problemsOf(drifted(drifts))).toEqual(problems);
  });

  it("refuses a drift without its start", () => {
    const { from: _, ...withoutFrom } = RENAME;
    expect(problemsOf(drifted([withoutFrom as never])).join("\n")).toMatch(/^\$\.workspace\.answerDrifts\[0\]\.from: /);
  });
});

/** A signals answer in the REST shape: the legs' columns and one Key Vault row. */
function signalsBody() {
  return {
    tables: [
      {
        name: "PrimaryResult",
        columns: ANSWER_COLUMNS.map(([name, type]) => ({ name, type })),
        rows: [
          [
            "kv-requests",
            "data",
            "2026-03-02T01:00:00Z",
            '{"vaultResourceId":"kv"}',
            '{"total":5,"succeeded":5}',
            "",
            "2026-03-02T01:00:00Z",
            "2026-03-02T01:04:00Z",
          ],
        ],
      },
    ],
  };
}
const TABLES_BODY = {
  tables: [{ name: "PrimaryResult", columns: [{ name: "SourceTable", type: "string" }], rows: [["AzureDiagnostics"]] }],
};

/** The replay's workspace at `hhmm`, over a workspace that answers `body` to every query. */
function answeredAt(hhmm: string, drifts: AnswerDriftInput[], body: unknown, status = 200) {
  const { answerDrifts } = load(drifted(drifts)).workspace;
  const fixed: Workspace = { answer: () => ({ status, body: structuredClone(body) }) };
  return driftingWorkspace(fixed, answerDrifts ?? [], () => new Date(ms(hhmm))).answer("query", undefined);
}
const columnsOf = (answer: { body: unknown }) =>
  (answer.body as ReturnType<typeof signalsBody>).tables[0]!.columns.map((c) => `${c.name}:${c.type}`);
const FAITHFUL = ANSWER_COLUMNS.map(([n, t]) => `${n}:${t}`);

describe("the replay's workspace while an answer drifts", () => {
  it("renames the column from `from` up to, not including, `until`", () => {
    expect(columnsOf(answeredAt("01:20", [RENAME], signalsBody()))).toContain("counts:dynamic");
    expect(columnsOf(answeredAt("01:39", [RENAME], signalsBody()))).not.toContain("Counts:dynamic");
    expect(columnsOf(answeredAt("01:19", [RENAME], signalsBody()))).toEqual(FAITHFUL);
    expect(columnsOf(answeredAt("01:40", [RENAME], signalsBody()))).toEqual(FAITHFUL);
  });

  it("retypes a column and leaves its cells as they are", () => {
    const a = answeredAt(
      "01:30",
      [{ from: at("01:20"), kind: "column-retyped", column: "Counts", type: "string" }],
      signalsBody(),
    );
    expect(columnsOf(a)).toContain("Counts:string");
    expect(a.body).toMatchObject({ tables: [{ rows: signalsBody().tables[0]!.rows }] });
  });

  it("drops a column and its cells", () => {
    const a = answeredAt("01:30", [{ from: at("01:20"), kind: "column-dropped", column: "Dims" }], signalsBody());
    expect(columnsOf(a)).toEqual(FAITHFUL.filter((c) => c !== "Dims:dynamic"));
    expect((a.body as ReturnType<typeof signalsBody>).tables[0]!.rows[0]).toHaveLength(ANSWER_COLUMNS.length - 1);
  });

  it("answers other queries, and failed ones, as they are", () => {
    expect(answeredAt("01:30", [RENAME], TABLES_BODY).body).toEqual(TABLES_BODY);
    const failed = { error: { code: "BadArgumentError", message: "no" } };
    expect(answeredAt("01:30", [RENAME], failed, 400)).toEqual({ status: 400, body: failed });
  });
});
