/** A DataLoader batch function from a lookup that returns a Map: keys in order, `missing` for the absent. */
export function fromMap<K, V>(
  load: (keys: readonly K[]) => Promise<Map<K, V>>,
  missing: (key: K) => V | Error,
) {
  return async (keys: readonly K[]) => {
    const map = await load(keys);
    return keys.map((k) => map.get(k) ?? missing(k));
  };
}
