/**
 * Kusto's term matching for `has`, `has_any`, `hasprefix` and `hassuffix`
 * (learn.microsoft.com/kusto/query/datatypes-string-operators#what-is-a-term): a term is a maximal
 * run of ASCII alphanumeric characters; `has` is true when the needle occurs in the text starting and
 * ending on term boundaries. A needle with punctuation inside (".blob.core.", "Client address")
 * matches where its alphanumeric ends fall on term boundaries.
 */
const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

export function hasTerm(
  text: string,
  needle: string,
  caseSensitive: boolean,
  mode: "whole" | "prefix" | "suffix" = "whole",
): boolean {
  if (needle === "") return true;
  const t = caseSensitive ? text : text.toLowerCase();
  const n = caseSensitive ? needle : needle.toLowerCase();
  const checkStart = mode !== "suffix" && isAlnum(n[0]);
  const checkEnd = mode !== "prefix" && isAlnum(n[n.length - 1]);
  for (let i = t.indexOf(n); i >= 0; i = t.indexOf(n, i + 1)) {
    if (checkStart && isAlnum(t[i - 1])) continue;
    if (checkEnd && isAlnum(t[i + n.length])) continue;
    return true;
  }
  return false;
}
