/** The mulberry32 increment (a Weyl sequence constant). */
const INCREMENT = 0x6d2b79f5;
/** 2^32: maps a 32-bit unsigned integer into [0, 1). */
const UINT32_RANGE = 4_294_967_296;

/**
 * A small, fast, seeded PRNG (mulberry32): the same seed always yields the
 * same sequence, so a fault test that picks its kill points at random can be
 * replayed exactly from the seed it prints.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const delayMs = 100 + random() * 900;
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + INCREMENT) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32_RANGE;
  };
}

/**
 * A uniform integer in `[min, max]` from `random`.
 *
 * @example
 * ```ts
 * const killAfterMs = randomInt(seededRandom(7), 250, 4_000);
 * ```
 */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
