import { describe, expect, it } from "vitest";
import { scrubSample } from "../../src/core/common/scrub.js";
import { mapSignalRows } from "../../src/core/signals/from-rows.js";
import { LEG_COLUMNS } from "../../src/core/queries/signals/leg.js";

describe("samples from the workspace", () => {
  it.each([
    [
      "a storage connection string",
      "Listener failed: DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc123SECRET==;EndpointSuffix=core.windows.net",
      "AccountKey=<redacted>",
    ],
    [
      "a SAS URL",
      "GET https://st.blob.core.windows.net/c/b?sv=2022-11-02&sig=Zm9vYmFyU0VDUkVU&se=2026",
      "sig=<redacted>",
    ],
    [
      "a bearer token",
      "Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJl",
      "Bearer <redacted>",
    ],
    [
      "a Service Bus key",
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=S3CRETvalue=",
      "SharedAccessKey=<redacted>",
    ],
  ])("lose %s before they go anywhere", (_, text, shown) => {
    const out = scrubSample(text);
    expect(out).toContain(shown);
    expect(out).not.toMatch(/SECRET|Zm9vYmFy|c2lnbmF0dXJl|S3CRET/);
  });

  it("are scrubbed as rows are mapped", () => {
    const row = [
      "host-startup",
      "data",
      "2026-11-20T01:05:00Z",
      { appName: "f", functionName: "F", authRelated: true },
      { events: 1 },
      "unable to start: AccountKey=SECRETKEY==",
      null,
      null,
    ];
    const mapped = mapSignalRows({
      columns: LEG_COLUMNS.map(([n]) => n),
      rows: [row.map((v, i) => (i === 2 ? new Date(v as string) : v))],
    });
    expect(mapped.rows["host-startup"][0]!.sample).toBe("unable to start: AccountKey=<redacted>");
  });
});
