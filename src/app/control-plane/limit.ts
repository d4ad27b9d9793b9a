/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the
 * output. ARM refills 25 read tokens a second per subscription and principal (bucket of 250), so a
 * handful in flight keeps a tick well inside it while not serializing a long vault list.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Remembers each key's promise for the life of this object: one ARM read per key per tick. */
export class OncePerKey<V> {
  readonly #values = new Map<string, Promise<V>>();
  get(key: string, load: () => Promise<V>): Promise<V> {
    let p = this.#values.get(key);
    if (!p) {
      p = load();
      this.#values.set(key, p);
    }
    return p;
  }
}
