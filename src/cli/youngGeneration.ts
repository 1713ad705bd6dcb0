import { type GivenNodeFlags, givenNodeFlags, nodeFlagGiven } from './nodeFlagGiven.ts';

/**
 * The node flags the provider is started with (`npm start`, the `patchbay` executable, the compiled
 * start in the README, and the fleet benchmark's provider): a young generation of up to 2 × 64 MiB.
 *
 * With V8's default (16 MiB semi-spaces) a busy provider scavenged every ~35 ms, so the objects of
 * requests in flight, live for a few ms each, kept outliving two scavenges and were promoted; the
 * old generation then filled at ~14 MB/s and its mark-compacts (pauses of 25-60 ms every ~4 s at a
 * million machines) set the check-in p99. Scavenging every ~175 ms lets them die young
 * (docs/performance.md). Unlike the heap growth (src/cli/heapGrowth.ts), V8 sizes the young
 * generation when the process starts, so this can only be a node flag, not set from code.
 */
export const PROVIDER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * A line for the provider's log when it was started without any young-generation size of its own
 * (neither a node flag nor NODE_OPTIONS), saying how to start it; undefined when one was given.
 */
export function youngGenerationHint(given: GivenNodeFlags = givenNodeFlags()): string | undefined {
  if (nodeFlagGiven('--max-semi-space-size', given)) return undefined;
  return `note: started without ${PROVIDER_NODE_FLAGS.join(' ')}; a busy provider wants it (node ${PROVIDER_NODE_FLAGS.join(' ')} …, or npm start)`;
}
