/**
 * The signals' time bin, in minutes: Kusto sums every signal per bin of this size. Five minutes is
 * fine enough to see an onset within one tick and coarse enough that a day is 288 rows per caller
 * and operation. Everything that reads or writes a bin takes the size from here: the
 * queries (through the composition root), the rules' windows, the diagnosis' onset, the runbook's
 * KQL and the scenario files.
 */
export const BIN_MINUTES = 5;
