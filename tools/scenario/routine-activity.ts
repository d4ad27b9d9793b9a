import { ROUTINE_KEY_READ } from "../emulator/records/activity.js";
import type { RecordEntryInput } from "./format-v2.js";

/** The routine key reads on `scope` from `at` until `until` (ISO times), as one repeated v2 entry. */
export function routineActivityEntry(scope: string, at: string, until: string): RecordEntryInput {
  return {
    kind: "activity",
    operation: ROUTINE_KEY_READ.operation,
    scope,
    caller: ROUTINE_KEY_READ.caller,
    at,
    every: ROUTINE_KEY_READ.everyMinutes,
    until,
  };
}
