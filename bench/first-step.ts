/**
 * Run in a fresh process by the benchmark: milliseconds from nothing (modules loaded, no code run) to a
 * compiled 2-8-8-1 network that has taken its first training step. Prints the number.
 */
import { firstStepMs } from './ours.ts';
import { syntheticData, workloads } from './workloads.ts';

const w = workloads(true)[0]!;
const data = syntheticData(w);
console.log(firstStepMs(w, data).toFixed(2));
