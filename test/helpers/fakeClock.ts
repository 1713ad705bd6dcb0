import type { Clock } from '../../src/agent/timerActor.ts';

/** A clock tests move by hand: `advance(ms)` runs every timer that falls due, in deadline order. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  /** Sets the time without running timers, as if the process had been off. */
  jumpTo(ms: number): void;
  pending(): number;
}

/** A fake clock starting at `startMs`, with `random()` fixed at `randomValue`. */
export function createFakeClock(startMs = 0, randomValue = 0.5): FakeClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    random: () => randomValue,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= target)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = target;
    },
    jumpTo(ms) {
      now = ms;
    },
    pending: () => timers.size,
  };
}
