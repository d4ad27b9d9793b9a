import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { problemsOf } from "../fixtures/settings.js";

const good = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f2a8b6c-1d4e-4f5a-9b7c-8d0e1f2a3b4c",
  STATE_TABLE_ENDPOINT: "https://stvaultwatch.table.core.windows.net",
  TEAMS_WEBHOOK_URL: "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=abc",
  MONITOR_SCHEDULE: "0 */5 * * * *",
};
const scheduleProblems = (schedule: string) => problemsOf({ ...good, MONITOR_SCHEDULE: schedule });

describe("MONITOR_SCHEDULE", () => {
  it.each([
    ["every 5 minutes", "0 */5 * * * *"],
    ["on the hour from 9 to 17", "0 0 9-17 * * *"],
    ["at 7 and 18", "0 0 7,18 * * *"],
    ["every 2 hours within a range", "0 0 6-22/2 * * *"],
    ["every 15 minutes from minute 5", "0 5/15 * * * *"],
    ["weekdays by number", "0 30 9 * * 1-5"],
    ["a month and a weekday by abbreviation", "0 30 9 * Jan Mon"],
    ["full names in any case", "0 30 9 * JANUARY,march monday-FRIDAY"],
    ["extra spaces around and between fields", "  0  */5 * * * *  "],
  ])("accept %s (%s), as the Functions host does", (_, schedule) => {
    expect(loadSettings({ ...good, MONITOR_SCHEDULE: schedule }).monitorSchedule).toBe(schedule.trim());
  });

  it("name every field that is not a schedule field", () => {
    const problems = scheduleProblems("a b c d e f");
    expect(problems).toHaveLength(6);
    for (const [i, field] of ["second", "minute", "hour", "day", "month", "day-of-week"].entries())
      expect(problems[i]).toMatch(new RegExp(`^MONITOR_SCHEDULE: the ${field} field "${"abcdef"[i]}" `));
    expect(problems[4]).toContain("names such as Jan or January");
    expect(problems[5]).toContain("Sunday is 0");
  });

  it("name every field whose number is out of range, with the range", () => {
    const problems = scheduleProblems("99 99 99 99 99 99");
    expect(problems).toEqual([
      expect.stringMatching(/^MONITOR_SCHEDULE: the second field "99" is out of range \(expected 0-59/),
      expect.stringMatching(/^MONITOR_SCHEDULE: the minute field "99" is out of range \(expected 0-59/),
      expect.stringMatching(/^MONITOR_SCHEDULE: the hour field "99" is out of range \(expected 0-23/),
      expect.stringMatching(/^MONITOR_SCHEDULE: the day field "99" is out of range \(expected 1-31/),
      expect.stringMatching(/^MONITOR_SCHEDULE: the month field "99" is out of range \(expected 1-12/),
      expect.stringMatching(/^MONITOR_SCHEDULE: the day-of-week field "99" is out of range \(expected 0-6/),
    ]);
  });

  it.each([
    ["a five-field cron", "*/5 * * * *", "got 5 fields (NCRONTAB puts seconds first)"],
    ["a TimeSpan, which Flex Consumption does not run", "00:05:00", "runs only on an App Service plan"],
    ["a range written backwards", "0 0 22-2 * * *", 'the hour field "22-2" is a reversed range'],
    ["a step of zero", "0 */0 * * * *", "has a step that is not a whole number from 1 to 60"],
    ["an empty list element", "0 1,,2 * * * *", 'the minute field "1,,2" has an element "" that is empty'],
    ["a two-letter month that NCrontab would read as March", "0 0 0 1 Ma *", "shorter than 3 letters"],
    ["a name in a field without names", "0 0 Mon * * *", 'the hour field "Mon" is not understood'],
    ["a negative number", "0 -5 * * * *", 'the minute field "-5" is not understood'],
    ["a Quartz-style last day", "0 0 0 L * *", 'the day field "L" is not understood'],
    ["every second of every minute", "* */5 * * * *", "fires 60 times a minute"],
    ["seconds as a step", "*/5 * * * * *", "fires 12 times a minute"],
  ])("refuse %s", (_, schedule, message) => {
    const problems = scheduleProblems(schedule);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MONITOR_SCHEDULE: /);
    expect(problems[0]).toContain(message);
  });

  it("quote a long field only in part", () => {
    const [problem] = scheduleProblems(`0 ${"1,".repeat(5000)}x * * * *`);
    expect(problem).toContain('the minute field "1,1,1,1,1,1,1,1,1,1,1,1,…" has an element "x"');
    expect(problem?.length).toBeLessThan(300);
  });
});
