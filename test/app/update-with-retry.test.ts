import { describe, expect, it } from "vitest";
import {
  keep,
  refuse,
  UPDATE_ATTEMPTS,
  type UpdateTarget,
  updateWithRetry,
  write,
} from "../../src/app/common/update-with-retry.js";

interface Doc {
  tags: string[];
  locked: boolean;
}

/**
 * One row whose ETag moves on every write. `afterRead` runs right after each read, where another
 * writer would slip in: it may `put` a value of its own or `remove` the row.
 */
function row(initial: Doc | undefined) {
  let value = initial;
  let version = 1;
  let saves = 0;
  let reads = 0;
  const put = (d: Doc | undefined) => {
    value = d;
    version++;
  };
  const target: UpdateTarget<Doc> = {
    async load() {
      if (value === undefined) return { status: "missing" };
      const stored = { value, etag: `v${version}` };
      r.afterRead(value, ++reads);
      return { status: "found", stored };
    },
    async save(next, etag) {
      saves++;
      if (value === undefined || etag !== `v${version}`) return { status: "conflict" };
      put(next);
      return { status: "saved", etag: `v${version}` };
    },
  };
  const r = {
    target,
    afterRead: (_read: Doc, _reads: number): unknown => undefined,
    put: (d: Doc) => put(d),
    remove: () => put(undefined),
    get value() {
      return value;
    },
    get saves() {
      return saves;
    },
  };
  return r;
}

const tag = (t: string) => (d: Doc) => (d.locked ? refuse("locked") : write({ ...d, tags: [...d.tags, t] }));

describe("an update with retry on ETag conflicts", () => {
  it("writes the change with the ETag it read", async () => {
    const r = row({ tags: [], locked: false });
    expect(await updateWithRetry(r.target, tag("a"))).toEqual({
      status: "updated",
      stored: { value: { tags: ["a"], locked: false }, etag: "v2" },
      conflicts: 0,
    });
    expect(r.value).toEqual({ tags: ["a"], locked: false });
  });

  it("applies the change again to what another writer left, so both changes stand", async () => {
    const r = row({ tags: [], locked: false });
    r.afterRead = (d, reads) => reads === 1 && r.put({ ...d, tags: [...d.tags, "theirs"] });
    const result = await updateWithRetry(r.target, tag("mine"));
    expect(result).toMatchObject({ status: "updated", conflicts: 1 });
    expect(r.value?.tags).toEqual(["theirs", "mine"]);
  });

  it("decides afresh on each read: a change the other writer made refusable is refused, unwritten", async () => {
    const r = row({ tags: [], locked: false });
    r.afterRead = (d, reads) => reads === 1 && r.put({ ...d, locked: true });
    expect(await updateWithRetry(r.target, tag("mine"))).toMatchObject({
      status: "refused",
      reason: "locked",
      conflicts: 1,
    });
    expect(r.value).toEqual({ tags: [], locked: true });
    expect(r.saves).toBe(1);
  });

  it("writes nothing when the value already says so", async () => {
    const r = row({ tags: ["a"], locked: false });
    const result = await updateWithRetry(r.target, (d) => (d.tags.includes("a") ? keep : tag("a")(d)));
    expect(result).toEqual({
      status: "unchanged",
      stored: { value: { tags: ["a"], locked: false }, etag: "v1" },
      conflicts: 0,
    });
    expect(r.saves).toBe(0);
  });

  it(`gives up after ${UPDATE_ATTEMPTS} tries while the value keeps changing, and says how often it lost`, async () => {
    const r = row({ tags: [], locked: false });
    r.afterRead = (d) => r.put({ ...d, tags: [...d.tags, "theirs"] });
    expect(await updateWithRetry(r.target, tag("mine"))).toEqual({ status: "conflict", conflicts: UPDATE_ATTEMPTS });
    expect(r.saves).toBe(UPDATE_ATTEMPTS);
    expect(r.value?.tags).not.toContain("mine");
  });

  it("reports a value that is missing, or that disappeared after a conflict", async () => {
    expect(await updateWithRetry(row(undefined).target, tag("a"))).toEqual({ status: "missing", conflicts: 0 });
    const r = row({ tags: [], locked: false });
    r.afterRead = () => r.remove();
    expect(await updateWithRetry(r.target, tag("a"))).toEqual({ status: "missing", conflicts: 1 });
  });

  it("starts from a value the caller already holds without reading it, and reads only after a conflict", async () => {
    const r = row({ tags: ["fresh"], locked: false });
    const stale = { value: { tags: [], locked: false }, etag: "v0" };
    const result = await updateWithRetry(r.target, tag("mine"), stale);
    expect(result).toMatchObject({ status: "updated", conflicts: 1, stored: { value: { tags: ["fresh", "mine"] } } });
    expect(r.saves).toBe(2);
  });
});
