import { describe, expect, it } from "vitest";
import { ONE, rowsOf } from "./run.js";

// Conformance with the KQL reference's string functions. Each test cites its page under
// learn.microsoft.com/kusto/query/ and uses the page's example with its documented output.

describe("strcat and strcat_delim", () => {
  // learn.microsoft.com/kusto/query/strcat-function: 'print str = strcat("hello", " ", "world")'.
  it("strcat concatenates", () => {
    expect(rowsOf(`print str = strcat("hello", " ", "world")`)).toEqual([["hello world"]]);
    expect(rowsOf(`print MultiLineString = strcat("Line 1\\n", "Line 2\\n", "Line 3")`)).toEqual([
      ["Line 1\nLine 2\nLine 3"],
    ]);
  });

  // Same page: "If the arguments aren't of string type, they'll be forcibly converted to string."
  it("strcat converts its arguments as tostring does", () => {
    expect(rowsOf(`print s = strcat("n=", 5, ", b=", true, ", z=", int(null))`)).toEqual([["n=5, b=true, z="]]);
  });

  // learn.microsoft.com/kusto/query/strcat-delim-function: 'print st = strcat_delim('-', 1, '2', 'A', 1s)'
  // gives 1-2-A-00:00:01.
  it("strcat_delim", () => {
    expect(rowsOf(`print st = strcat_delim('-', 1, '2', 'A', 1s)`)).toEqual([["1-2-A-00:00:01"]]);
  });
});

describe("strlen", () => {
  // learn.microsoft.com/kusto/query/strlen-function: 5 for "hello" and for "⒦⒰⒮⒯⒪"; it counts code points.
  it("counts code points", () => {
    expect(rowsOf(`print length = strlen("hello")`)).toEqual([[5]]);
    expect(rowsOf(`print length = strlen("⒦⒰⒮⒯⒪")`)).toEqual([[5]]);
  });
});

describe("substring", () => {
  // learn.microsoft.com/kusto/query/substring-function: 23456, 34, AB, 56.
  it("takes from a start, optionally for a length, negative from the end", () => {
    expect(
      rowsOf(
        `${ONE} | project a = substring("123456", 1), b = substring("123456", 2, 2), c = substring("ABCD", 0, 2), d = substring("123456", -2, 2)`,
      ),
    ).toEqual([["23456", "34", "AB", "56"]]);
  });
});

describe("split", () => {
  // learn.microsoft.com/kusto/query/split-function: ["aa","bb"], ["bbb"], [""], ["a","","b"], ["aa","cc"].
  it("splits into a dynamic array", () => {
    expect(
      rowsOf(`print
    split("aa_bb", "_"),
    split("aaa_bbb_ccc", "_", 1),
    split("", "_"),
    split("a__b", "_"),
    split("aabbcc", "bb")`),
    ).toEqual([[["aa", "bb"], ["bbb"], [""], ["a", "", "b"], ["aa", "cc"]]]);
  });
});

describe("replace_string", () => {
  // learn.microsoft.com/kusto/query/replace-string-function: "A magic trick can turn a hamster into a dog".
  it("replaces every match", () => {
    expect(
      rowsOf(`print Message="A magic trick can turn a cat into a dog"
| extend Outcome = replace_string(
        Message, "cat", "hamster")`),
    ).toEqual([["A magic trick can turn a cat into a dog", "A magic trick can turn a hamster into a dog"]]);
  });
});

describe("indexof", () => {
  // learn.microsoft.com/kusto/query/indexof-function: idx1..idx9 are 2, 2, -1, -1, 2, 4, 2, 9, -1.
  it("finds the documented positions", () => {
    expect(
      rowsOf(`print
 idx1 = indexof("abcdefg","cde")
 , idx2 = indexof("abcdefg","cde",1,4)
 , idx3 = indexof("abcdefg","cde",1,2)
 , idx4 = indexof("abcdefg","cde",3,4)
 , idx5 = indexof("abcdefg","cde",-5)
 , idx6 = indexof(1234567,5,1,4)
 , idx7 = indexof("abcdefg","cde",2,-1)
 , idx8 = indexof("abcdefgabcdefg", "cde", 1, 10, 2)
 , idx9 = indexof("abcdefgabcdefg", "cde", 1, -1, 3)`),
    ).toEqual([[2, 2, -1, -1, 2, 4, 2, 9, -1]]);
  });
});

describe("extract", () => {
  // learn.microsoft.com/kusto/query/extract-function: UserName, EmailId and Age of two rows; no match is empty.
  it("extracts capture groups", () => {
    expect(
      rowsOf(`let _data = datatable(Text: string)
[
"User: James, Email: James@example.com, Age: 29",
"User: David, Age: 35"
];
_data |
extend UserName = extract("User: ([^,]+)", 1, Text),
       EmailId = extract(@"Email: (\\S+),", 1, Text),
       Age = extract(@"\\d+", 0, Text)`),
    ).toEqual([
      ["User: James, Email: James@example.com, Age: 29", "James", "James@example.com", "29"],
      ["User: David, Age: 35", "David", "", "35"],
    ]);
  });

  // Same page: 'extract(@"-(\d{2})-", 1, DateString, typeof(int))' gives 12, 7, 3.
  it("converts to a type literal", () => {
    expect(
      rowsOf(`let Dates = datatable(DateString: string)
[
    "15-12-2024",
    "21-07-2023",
    "10-03-2022"
];
Dates
| extend Month = extract(@"-(\\d{2})-", 1, DateString, typeof(int))
| project DateString, Month`),
    ).toEqual([
      ["15-12-2024", 12],
      ["21-07-2023", 7],
      ["10-03-2022", 3],
    ]);
  });
});

describe("trim", () => {
  // learn.microsoft.com/kusto/query/trim-function: "--https://bing.com--" trimmed of "--" is https://bing.com.
  it("trims a substring from both ends", () => {
    expect(
      rowsOf(`let string_to_trim = @"--https://bing.com--";
let substring = "--";
print string_to_trim = string_to_trim, trimmed_string = trim(substring,string_to_trim)`),
    ).toEqual([["--https://bing.com--", "https://bing.com"]]);
  });

  // Same page, "Trim whitespaces": "    Hello, world!    " gives "Hello, world!".
  it("trims a regular expression", () => {
    expect(
      rowsOf(`let string_to_trim = @"    Hello, world!    ";
let substring = @"\\s+";
print
    string_to_trim = string_to_trim,
    trimmed_string = trim(substring, string_to_trim)`),
    ).toEqual([["    Hello, world!    ", "Hello, world!"]]);
  });
});

describe("tolower and toupper", () => {
  // learn.microsoft.com/kusto/query/tolower-function: 'tolower("Hello") == "hello"'; toupper-function:
  // 'toupper("hello") == "HELLO"'.
  it("change case", () => {
    expect(rowsOf(`${ONE} | project a = tolower("Hello") == "hello", b = toupper("hello") == "HELLO"`)).toEqual([
      [true, true],
    ]);
  });
});
