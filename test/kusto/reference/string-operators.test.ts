import { describe, expect, it } from "vitest";
import { ONE, rowsOf, valueOf } from "./run.js";

// Conformance with the KQL reference's string operators. Each test cites its page under
// learn.microsoft.com/kusto/query/ and uses the page's example with its documented output.

const STATES = {
  StormEvents: {
    columns: [{ name: "State", type: "string" as const }],
    rows: [
      ["NEW YORK"],
      ["NEW JERSEY"],
      ["NORTH CAROLINA"],
      ["SOUTH DAKOTA"],
      ["TEXAS"],
      ["KANSAS"],
      ["ATLANTIC SOUTH"],
    ],
  },
};

describe("the operator table of datatypes-string-operators", () => {
  // learn.microsoft.com/kusto/query/datatypes-string-operators, "Operators on strings": each row's
  // "Example (yields true)".
  const examples: string[] = [
    `"aBc" == "aBc"`,
    `"abc" != "ABC"`,
    `"abc" =~ "ABC"`,
    `"aBc" !~ "xyz"`,
    `"FabriKam" contains "BRik"`,
    `"Fabrikam" !contains "xyz"`,
    `"FabriKam" contains_cs "Kam"`,
    `"Fabrikam" !contains_cs "Kam"`,
    `"Fabrikam" endswith "Kam"`,
    `"Fabrikam" !endswith "brik"`,
    `"Fabrikam" endswith_cs "kam"`,
    `"Fabrikam" !endswith_cs "brik"`,
    `"North America" has "america"`,
    `"North America" !has "amer"`,
    `"North and South America" has_all("south", "north")`,
    `"North America" has_any("south", "north")`,
    `"North America" has_cs "America"`,
    `"North America" !has_cs "amer"`,
    `"North America" hasprefix "ame"`,
    `"North America" !hasprefix "mer"`,
    `"North America" hasprefix_cs "Ame"`,
    `"North America" !hasprefix_cs "CA"`,
    `"North America" hassuffix "ica"`,
    `"North America" !hassuffix "americ"`,
    `"North America" hassuffix_cs "ica"`,
    `"North America" !hassuffix_cs "icA"`,
    `"abc" in ("123", "345", "abc")`,
    `"bca" !in ("123", "345", "abc")`,
    `"Abc" in~ ("123", "345", "abc")`,
    `"bCa" !in~ ("123", "345", "ABC")`,
    `"Fabrikam" matches regex "b.*k"`,
    `"Fabrikam" startswith "fab"`,
    `"Fabrikam" !startswith "kam"`,
    `"Fabrikam" startswith_cs "Fab"`,
    `"Fabrikam" !startswith_cs "fab"`,
  ];
  it.each(examples)("%s yields true", (example) => {
    expect(valueOf(`${ONE} | project r = ${example}`)).toBe(true);
  });
});

describe("terms: has matches whole terms, contains matches substrings", () => {
  // learn.microsoft.com/kusto/query/datatypes-string-operators#what-is-a-term: '"KustoExplorerQueryRun"
  // has "Explorer"' will return false while '"KustoExplorerQueryRun" contains "Explorer"' will return true.
  it("has is false and contains true for a substring inside a term", () => {
    expect(
      rowsOf(
        `${ONE} | project h = "KustoExplorerQueryRun" has "Explorer", c = "KustoExplorerQueryRun" contains "Explorer"`,
      ),
    ).toEqual([[false, true]]);
  });

  // Same page: in 'Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun' the terms are
  // Kusto, KustoExplorerQueryRun, ad67d136, c1db, 4f9f, 88ef, d94f3b6b0b5a.
  it("breaks text into maximal alphanumeric runs", () => {
    const s = `"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun"`;
    expect(
      rowsOf(
        `${ONE} | project a = ${s} has "kusto", b = ${s} has "c1db", c = ${s} has "KustoExplorerQueryRun", d = ${s} has "d94f3b6b0b5a", e = ${s} has "ad67"`,
      ),
    ).toEqual([[true, true, true, true, false]]);
  });
});

describe("has and !has", () => {
  // learn.microsoft.com/kusto/query/has-operator: "If your term is fewer than three characters, the query
  // scans the values in the column" — slower, but still whole terms.
  it("matches a term shorter than three characters as a whole term", () => {
    expect(rowsOf(`${ONE} | project a = "North is up" has "is", b = "This" has "is", c = "a-b" has "b"`)).toEqual([
      [true, false, true],
    ]);
  });

  // learn.microsoft.com/kusto/query/has-operator: 'where State has "New"' keeps NEW YORK, NEW JERSEY, ...
  it("filters by a case-insensitive term", () => {
    expect(rowsOf(`StormEvents | where State has "New" | project State`, STATES)).toEqual([
      ["NEW YORK"],
      ["NEW JERSEY"],
    ]);
  });

  // learn.microsoft.com/kusto/query/not-has-operator: 'where State !has "NEW"' keeps TEXAS, KANSAS, ...
  it("!has keeps rows without the term", () => {
    expect(
      rowsOf(`StormEvents | where State !has "NEW" | where State in ("TEXAS", "KANSAS") | project State`, STATES),
    ).toEqual([["TEXAS"], ["KANSAS"]]);
    expect(rowsOf(`StormEvents | where State !has "NEW" | count`, STATES)).toEqual([[5]]);
  });
});

describe("has_any and has_all", () => {
  // learn.microsoft.com/kusto/query/has-any-operator: 'where State has_any ("CAROLINA", "DAKOTA", "NEW")'
  // gives NEW YORK, NORTH CAROLINA, SOUTH DAKOTA, NEW JERSEY, ...
  it("has_any with a list of scalars", () => {
    expect(
      rowsOf(`StormEvents | where State has_any ("CAROLINA", "DAKOTA", "NEW") | project State`, STATES).map(
        (r) => r[0],
      ),
    ).toEqual(["NEW YORK", "NEW JERSEY", "NORTH CAROLINA", "SOUTH DAKOTA"]);
  });

  // Same page: 'where State has_any (dynamic(['south', 'north']))' gives NORTH CAROLINA, SOUTH DAKOTA,
  // ATLANTIC SOUTH, ...; "The same query can also be written with a let statement".
  it("has_any with a dynamic array, inline or let-bound", () => {
    const expected = [["NORTH CAROLINA"], ["SOUTH DAKOTA"], ["ATLANTIC SOUTH"]];
    expect(rowsOf(`StormEvents | where State has_any (dynamic(['south', 'north'])) | project State`, STATES)).toEqual(
      expected,
    );
    expect(
      rowsOf(
        `let areas = dynamic(['south', 'north']);\nStormEvents | where State has_any (areas) | project State`,
        STATES,
      ),
    ).toEqual(expected);
  });

  // learn.microsoft.com/kusto/query/has-all-operator: 'EpisodeNarrative has_all ("cold", "strong",
  // "afternoon", "hail")' and the same with dynamic(["cold", ...]).
  it("has_all needs every term", () => {
    const narratives = {
      StormEvents: {
        columns: [{ name: "EpisodeNarrative", type: "string" as const }],
        rows: [
          ["A strong cold front brought hail in the afternoon."],
          ["A cold front brought hail in the afternoon."],
          ["Strong winds, COLD air; hail by AFTERNOON"],
        ],
      },
    };
    expect(
      rowsOf(
        `StormEvents | where EpisodeNarrative has_all ("cold", "strong", "afternoon", "hail") | count`,
        narratives,
      ),
    ).toEqual([[2]]);
    expect(
      rowsOf(
        `StormEvents | where EpisodeNarrative has_all (dynamic(["cold", "strong", "afternoon", "hail"])) | count`,
        narratives,
      ),
    ).toEqual([[2]]);
  });
});

describe("equality and set membership", () => {
  // learn.microsoft.com/kusto/query/equals-operator: 'where State =~ "kansas"' gives KANSAS rows.
  it("=~ compares case-insensitively", () => {
    expect(rowsOf(`StormEvents | where State =~ "kansas" | project State`, STATES)).toEqual([["KANSAS"]]);
  });

  // learn.microsoft.com/kusto/query/in-operator: 'where State in~ ("FLORIDA", "georgia", "NEW YORK")',
  // also with dynamic([...]).
  it("in~ with a list and with a dynamic array", () => {
    expect(rowsOf(`StormEvents | where State in~ ("new york", "Texas", "FLORIDA") | project State`, STATES)).toEqual([
      ["NEW YORK"],
      ["TEXAS"],
    ]);
    expect(
      rowsOf(`StormEvents | where State in~ (dynamic(["new york", "Texas", "FLORIDA"])) | project State`, STATES),
    ).toEqual([["NEW YORK"], ["TEXAS"]]);
  });

  // learn.microsoft.com/kusto/query/not-in-operator: 'where State !in~ ("Florida", "Georgia", "New York")'.
  it("!in~ keeps rows equal to none", () => {
    expect(
      rowsOf(`StormEvents | where State !in~ ("new york", "new jersey", "texas", "kansas") | count`, STATES),
    ).toEqual([[3]]);
  });

  // learn.microsoft.com/kusto/query/datatypes-string-operators: in is case-sensitive, !in is "Not equals to
  // any of the elements".
  it("in is case-sensitive and !in is its negation", () => {
    expect(rowsOf(`StormEvents | where State in ("TEXAS", "kansas") | project State`, STATES)).toEqual([["TEXAS"]]);
    expect(rowsOf(`StormEvents | where State !in ("TEXAS", "kansas") | count`, STATES)).toEqual([[6]]);
  });

  // learn.microsoft.com/kusto/query/scalar-data-types/null-values, "Null values and the in operator":
  // in behaves like a logical OR of equality comparisons, !in like an AND of inequalities.
  it("a null is in no list and !in every list", () => {
    expect(rowsOf(`datatable(v:int)[1, int(null)] | extend i = v in (1, 2), n = v !in (1, 2)`)).toEqual([
      [1, true, false],
      [null, false, true],
    ]);
  });
});

describe("contains, startswith and endswith", () => {
  // learn.microsoft.com/kusto/query/datatypes-string-operators: contains, startswith and endswith are
  // case-insensitive; the _cs forms are not.
  it("are case-insensitive unless _cs", () => {
    expect(
      rowsOf(
        `${ONE} | project a = "FabriKam" contains "brik", b = "Fabrikam" startswith "FAB", c = "Fabrikam" endswith "KAM", d = "Fabrikam" startswith_cs "fab", e = "Fabrikam" contains_cs "BRIK"`,
      ),
    ).toEqual([[true, true, true, false, false]]);
  });

  // learn.microsoft.com/kusto/query/not-equals-operator (table): '"aBc" !~ "xyz"' yields true.
  it("!~ is false for equal text in another case", () => {
    expect(rowsOf(`${ONE} | project a = "aBc" !~ "ABC", b = "aBc" !~ "xyz"`)).toEqual([[false, true]]);
  });
});
