/**
 * The 2-D data sets of TensorFlow Playground (src/dataset.ts), driven by our seeded generator.
 * Same geometry and noise handling: for circle, xor, plane and gaussians the noise perturbs the point
 * at which the label is computed (so it blurs the boundary, not the points); for the two gaussians it
 * widens the variance (0.5 to 4); for the spirals it jitters the points. Playground's labels +1 and
 * −1 become 1 and 0.
 */
import type { Rng } from '../../rng.ts';

/** One generated sample: coordinates and label (class 0/1, or a regression value in [−1, 1]). */
export interface Point {
  x: number;
  y: number;
  label: number;
}

const uniform = (rng: Rng, a: number, b: number) => rng.next() * (b - a) + a;
const dist = (x: number, y: number, cx: number, cy: number) => Math.hypot(x - cx, y - cy);

/** Sizes of the two classes: the first gets the odd sample, so sizes always add up to `samples`. */
function halves(samples: number): [number, number] {
  return [Math.ceil(samples / 2), Math.floor(samples / 2)];
}

/** Class 1 inside radius 2.5, class 0 in the ring 3.5–5; the label is taken at the noisy point. */
export function circle(rng: Rng, samples: number, noise: number): Point[] {
  const radius = 5;
  const points: Point[] = [];
  const ring = (count: number, r0: number, r1: number) => {
    for (let i = 0; i < count; i++) {
      const r = uniform(rng, r0, r1);
      const angle = uniform(rng, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const nx = uniform(rng, -radius, radius) * noise;
      const ny = uniform(rng, -radius, radius) * noise;
      points.push({ x, y, label: dist(x + nx, y + ny, 0, 0) < radius * 0.5 ? 1 : 0 });
    }
  };
  const [inside, outside] = halves(samples);
  ring(inside, 0, radius * 0.5);
  ring(outside, radius * 0.7, radius);
  return points;
}

/** Class 1 where x·y ≥ 0 (first and third quadrants), points kept 0.3 away from the axes. */
export function xor(rng: Rng, samples: number, noise: number): Point[] {
  const points: Point[] = [];
  const pad = (v: number) => v + (v > 0 ? 0.3 : -0.3);
  for (let i = 0; i < samples; i++) {
    const x = pad(uniform(rng, -5, 5));
    const y = pad(uniform(rng, -5, 5));
    const nx = uniform(rng, -5, 5) * noise;
    const ny = uniform(rng, -5, 5) * noise;
    points.push({ x, y, label: (x + nx) * (y + ny) >= 0 ? 1 : 0 });
  }
  return points;
}

/** Two gaussian clusters at (2, 2) (class 1) and (−2, −2) (class 0); variance 0.5 + 7·noise. */
export function twoGaussians(rng: Rng, samples: number, noise: number): Point[] {
  const sd = Math.sqrt(0.5 + (noise / 0.5) * 3.5);
  const points: Point[] = [];
  const [a, b] = halves(samples);
  for (let i = 0; i < a; i++) points.push({ x: 2 + sd * rng.normal(), y: 2 + sd * rng.normal(), label: 1 });
  for (let i = 0; i < b; i++) points.push({ x: -2 + sd * rng.normal(), y: -2 + sd * rng.normal(), label: 0 });
  return points;
}

/** Two interleaved spirals (1.75 turns, radius 0 to 5), jittered by ±noise. */
export function spirals(rng: Rng, samples: number, noise: number): Point[] {
  const points: Point[] = [];
  const spiral = (count: number, deltaT: number, label: number) => {
    for (let i = 0; i < count; i++) {
      const r = (i / count) * 5;
      const t = ((1.75 * i) / count) * 2 * Math.PI + deltaT;
      const x = r * Math.sin(t) + uniform(rng, -1, 1) * noise;
      const y = r * Math.cos(t) + uniform(rng, -1, 1) * noise;
      points.push({ x, y, label });
    }
  };
  const [a, b] = halves(samples);
  spiral(a, 0, 1);
  spiral(b, Math.PI, 0);
  return points;
}

/** Regression on the plane label = (x + y) / 10, in [−1.2, 1.2], points uniform in [−6, 6]². */
export function plane(rng: Rng, samples: number, noise: number): Point[] {
  return regress(rng, samples, noise, (x, y) => (x + y) / 10);
}

const BUMPS = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
] as const;

/** Regression on six ±1 cones of radius 2 (the largest in absolute value wins), points in [−6, 6]². */
export function gaussians(rng: Rng, samples: number, noise: number): Point[] {
  return regress(rng, samples, noise, (x, y) => {
    let label = 0;
    for (const [cx, cy, sign] of BUMPS) {
      const v = sign * Math.max(0, 1 - dist(x, y, cx, cy) / 2);
      if (Math.abs(v) > Math.abs(label)) label = v;
    }
    return label;
  });
}

function regress(rng: Rng, samples: number, noise: number, f: (x: number, y: number) => number): Point[] {
  const radius = 6;
  const points: Point[] = [];
  for (let i = 0; i < samples; i++) {
    const x = uniform(rng, -radius, radius);
    const y = uniform(rng, -radius, radius);
    const nx = uniform(rng, -radius, radius) * noise;
    const ny = uniform(rng, -radius, radius) * noise;
    points.push({ x, y, label: f(x + nx, y + ny) });
  }
  return points;
}
