/**
 * A deterministic pseudo-random integer in [0, n) for operation `i` of round `round`: the same
 * ids for both sides of a comparison, different ones per round, no shared RNG state.
 */
export function pick(i: number, round: number, n: number): number {
  let x = Math.imul(i + 1 + round * 100_003, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77);
  x ^= x >>> 13;
  return (x >>> 0) % n;
}
