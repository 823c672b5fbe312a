/** Names that must not repeat within one exported file (layers, graph values, Python attributes). */

/**
 * A namer: each call gives `base`, or `base_2`, `base_3`, … when that is taken, and marks the name
 * given as taken. `taken` are the names already in use.
 */
export function uniqueNamer(taken: Iterable<string> = []): (base: string) => string {
  const used = new Set<string>(taken);
  return (base) => {
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };
}
