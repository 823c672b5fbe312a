/**
 * The one seeded generator: sfc32 (Chris Doty-Humphrey's small fast counter), 128 bits of state,
 * seeded through splitmix32. Same seed, same stream, on every JavaScript engine.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller; caches the second value). */
  normal(): number;
  /** State for checkpoints. */
  state(): number[];
  /** Continues from a saved state. */
  setState(state: number[]): void;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator from a seed (any finite number; non-integers are truncated), or from a saved state. */
export function createRng(seed: number | number[]): Rng {
  let a: number, b: number, c: number, d: number;
  let spare = NaN;
  if (Array.isArray(seed)) {
    [a, b, c, d] = seed.map((v) => v >>> 0) as [number, number, number, number];
    spare = seed[4] ?? NaN;
  } else {
    const sm = splitmix32(Math.trunc(seed) | 0);
    a = sm();
    b = sm();
    c = sm();
    d = sm();
    for (let i = 0; i < 12; i++) raw();
  }
  function raw(): number {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  }
  const next = () => raw() / 4294967296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal() {
      if (!Number.isNaN(spare)) {
        const v = spare;
        spare = NaN;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    state: () => [a, b, c, d, spare],
    setState(st: number[]) {
      [a, b, c, d] = st.map((v) => v >>> 0) as [number, number, number, number];
      spare = st[4] ?? NaN;
    },
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffle(rng: Rng, a: { length: number; [i: number]: number }): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
