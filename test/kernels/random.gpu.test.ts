/**
 * The WGSL random library against the TypeScript twin: Philox words bit for bit (Random123
 * known answers and random counters), normals / Gamma draws / lgamma within stated float32
 * tolerances, and a Kolmogorov-Smirnov test of the GPU's normals.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { expect, it } from 'vitest';
import { probeRandom } from '../support/rng-probe.js';
import { normalCdf } from '../../src/math/special.js';
import { gammaDraw, normalAt } from '../../src/random/draws.js';
import { philox4x32 } from '../../src/random/philox.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';
import { PHILOX_KAT } from '../random/philox.test.js';

const hex = (w: ArrayLike<number>) => Array.from(w, (x) => x.toString(16).padStart(8, '0')).join(' ');

describeGpu('WGSL random library', () => {
  const ctx = gpu!;

  it.each(PHILOX_KAT)('Philox4x32-10 matches Random123 known answer $out on the GPU', async ({ ctr, key, out }) => {
    const r = await probeRandom(ctx, Uint32Array.from(ctr), [key[0] ?? 0, key[1] ?? 0], 1);
    expect(hex(r.words)).toBe(out);
  });

  it('draws the same words, normals, Gamma draws and lgamma as the float64 oracle', async () => {
    const rand = testRng(7);
    const count = 4096;
    const counters = new Uint32Array(count * 4);
    const lgammaArgs = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      counters[4 * i] = Math.floor(rand() * 2 ** 32);
      counters[4 * i + 1] = i; // the sample index drives the Gamma draw
      counters[4 * i + 2] = Math.floor(rand() * 2 ** 32);
      // lgamma argument over 1e-4 .. 1e4 (log-uniform), passed as f32 bits in the 4th word.
      lgammaArgs[i] = Math.fround(10 ** (-4 + 8 * rand()));
    }
    for (let i = 0; i < count; i++) counters[4 * i + 3] = new Uint32Array(lgammaArgs.buffer)[i] ?? 0;
    const key: [number, number] = [0x12345678, 0x9abcdef0];
    for (const concentration of [0.5, 3.7]) {
      const r = await probeRandom(ctx, counters, key, concentration);
      let gammaMismatch = 0;
      for (let i = 0; i < count; i++) {
        const c = [counters[4 * i], counters[4 * i + 1], counters[4 * i + 2], counters[4 * i + 3]] as const;
        expect(hex(r.words.subarray(4 * i, 4 * i + 4))).toBe(hex(philox4x32(c[0] ?? 0, c[1] ?? 0, c[2] ?? 0, c[3] ?? 0, key[0], key[1])));
        for (let k = 0; k < 4; k++) {
          // normals4 uses counter (block, sample, stream, 0): the oracle addresses element 4*block+k.
          const expected = normalAt(key, c[1] ?? 0, c[2] ?? 0, (c[0] ?? 0) * 4 + k);
          const got = r.normals[4 * i + k] ?? NaN;
          // WGSL bounds cos/sin on [-pi, pi] to 2^-11 absolute and log to 2^-21 near 1; SwiftShader's
          // float32 transcendentals were measured up to 8.7e-4 off at |z| = 4.5 and 2e-4 at |z| < 0.2.
          // A lane or counter mix-up would be off by O(1), so 5e-4 * (1 + |z|) still catches it.
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(5e-4 * (1 + Math.abs(expected)));
        }
        const g = gammaDraw(key, i, concentration);
        const gg = r.gamma[i] ?? NaN;
        // g = d (1 + c x)^3 inherits the normal x's float32 error (above) times 3c <= 1.5, so 2e-3 relative.
        if (Math.abs(gg - g) > 2e-3 * g + 1e-7) gammaMismatch++;
        const x = lgammaArgs[i] ?? 1;
        const lg = gammaln(x);
        // f32 lgamma: 5e-6 absolute plus 2 float32 ulps of the value.
        expect(Math.abs((r.lgamma[i] ?? NaN) - lg)).toBeLessThanOrEqual(5e-6 + 2.4e-7 * Math.abs(lg) + 1e-6 * Math.abs(Math.log(x)));
      }
      // Marsaglia-Tsang accepts or rejects on a float comparison: f32 and f64 may disagree only at
      // the acceptance boundary (probability ~1e-6 per draw), so allow at most 1 of 4096.
      expect(gammaMismatch).toBeLessThanOrEqual(1);
    }
  });

  it('produces standard normals (Kolmogorov-Smirnov, alpha = 1e-4)', async () => {
    const count = 16384;
    const counters = new Uint32Array(count * 4);
    for (let i = 0; i < count; i++) {
      counters[4 * i] = i;
      counters[4 * i + 1] = 3;
      counters[4 * i + 2] = 5;
    }
    const r = await probeRandom(ctx, counters, [42, 0], 1);
    const z = Float64Array.from(r.normals).sort();
    let d = 0;
    z.forEach((v, i) => {
      const cdf = normalCdf(v);
      d = Math.max(d, Math.abs(cdf - i / z.length), Math.abs(cdf - (i + 1) / z.length));
    });
    // Critical value for alpha = 1e-4 (the declared false-failure rate of this fixed-seed test): sqrt(-ln(alpha/2)/2)/sqrt(n).
    const critical = Math.sqrt(-Math.log(1e-4 / 2) / 2) / Math.sqrt(z.length);
    expect(d).toBeLessThan(critical);
  });
});
