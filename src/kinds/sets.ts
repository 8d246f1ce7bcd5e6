/**
 * Values compared as sets: two arrays are the same when they hold the same items, in any order
 * (items compared by their JSON); `null` (no list) and `[]` (an empty list) differ.
 */
export function setsEqual(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return (a ?? null) === (b ?? null);
  const left = new Set(a.map((item) => canonicalJson(item)));
  const right = new Set(b.map((item) => canonicalJson(item)));
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** JSON with object keys sorted, so that `{a, b}` and `{b, a}` are one item. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `items` sorted by their JSON, so that a set has one written form. */
export function sortedSet<T>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    const x = canonicalJson(a);
    const y = canonicalJson(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
