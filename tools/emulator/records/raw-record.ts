/**
 * One log record as Log Analytics holds it: column name → value in its JSON form. `TimeGenerated`
 * is an ISO 8601 string, datetimes are ISO strings, dynamic columns are JSON values (objects or
 * arrays, or JSON text as the query API returns them), bools are booleans, numbers are numbers.
 * Only columns of the table's schema may appear; a column left out is empty (null, or "" for strings).
 */
export type RawRecord = Readonly<Record<string, unknown>>;
