// Child process of heapGrowth.test.ts: sets the heap growth (argv[2] percent, 0 = V8's default),
// holds a live set and allocates short-lived garbage fast, then prints the largest heapTotal seen.
import { limitHeapGrowth } from '../../src/cli/heapGrowth.ts';

limitHeapGrowth(Number(process.argv[2]));
const live: unknown[] = [];
for (let i = 0; i < 60; i++) live.push(Array.from({ length: 100_000 }, (_, j) => ({ j })));
let recent: unknown[][] = [];
let largest = 0;
for (let round = 0; round < 1_200; round++) {
  // Kept across a few rounds, so scavenges promote it and the old generation fills with garbage.
  recent.push(Array.from({ length: 10_000 }, (_, j) => ({ j, text: `x${j}` })));
  if (recent.length > 20) recent = recent.slice(10);
  if (round % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, process.memoryUsage().heapTotal);
}
process.stdout.write(`${JSON.stringify({ largest, live: live.length })}\n`);
