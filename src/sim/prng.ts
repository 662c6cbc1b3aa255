// Seeded pseudo-random numbers (mulberry32): the simulator must give the same bytes for the same seed.

export class Prng {
  private s: number;
  constructor(seed: number) {
    // Mix the seed so that small neighbouring seeds give unrelated streams.
    this.s = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  /** Roughly normal (sum of uniforms), mean 0, standard deviation sd. */
  gauss(sd: number): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * sd * 1.732;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
  /** A child stream, so that adding draws in one part does not shift another. */
  fork(salt: number): Prng {
    return new Prng((this.int(0, 0x7fffffff) ^ Math.imul(salt, 0x27d4eb2d)) >>> 0);
  }
}
