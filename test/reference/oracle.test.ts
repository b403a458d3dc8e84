/**
 * The float64 oracle on cases that can be checked by hand, plus one Monte-Carlo comparison of the
 * joint and marginal paths. Declared failure rate: all seeds are fixed, so the file is deterministic;
 * for an arbitrary seed a correct oracle would fail the 8 joint-vs-marginal z checks (|z| < 5) with
 * probability about 8 * 5.7e-7 = 4.6e-6 and the dropout binomial check with 5.7e-7.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, ModelFormatError } from '../../src/errors.js';
import { softplus } from '../../src/math/activations.js';
import { gammaLogPdf, normalLogPdf } from '../../src/math/densities.js';
import { lgamma } from '../../src/math/special.js';
import type { Activation, LayerSpec, LikelihoodSpec, Model, PosteriorKind, Standardization, Tensor } from '../../src/model/spec.js';
import { gammaDraw, noiseNormal, normalAt } from '../../src/random/draws.js';
import { STREAM_MARGINAL, STREAM_WEIGHTS, dropoutKeepThreshold, layerStream, seedToKey } from '../../src/random/streams.js';
import { oraclePredict, oracleSamples, oracleScore } from '../../src/reference/index.js';

interface LayerDef {
  readonly units: number;
  readonly activation?: Activation;
  readonly dropout?: number;
  readonly batchNorm?: boolean;
  readonly leakySlope?: number;
  readonly posterior?: PosteriorKind;
}

const Z95 = 1.6448536269514722; // Phi^-1(0.95), the default 90% interval's z.
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

function layerSpec(l: number, d: LayerDef): LayerSpec {
  const posterior = d.posterior ?? 'delta';
  return {
    units: d.units,
    activation: d.activation ?? 'identity',
    leakySlope: d.leakySlope ?? 0.01,
    dropout: d.dropout ?? 0,
    batchNorm: d.batchNorm ?? false,
    weight: { site: `${l}.weight`, posterior, prior: { kind: 'normal', loc: 0, scale: 1 } },
    bias: { site: `${l}.bias`, posterior, prior: { kind: 'normal', loc: 0, scale: 2 } },
  };
}

const FIXED: LikelihoodSpec = { noise: { kind: 'fixed', sigma: 0.5 }, link: 'sigma', sigmaPrior: null };

function makeModel(
  inputDim: number,
  layers: readonly LayerDef[],
  tensors: Readonly<Record<string, readonly number[]>>,
  likelihood: LikelihoodSpec = FIXED,
  standardization: Standardization | null = null,
): Model {
  const map = new Map<string, Tensor>();
  for (const [name, values] of Object.entries(tensors)) map.set(name, { shape: [values.length], data: Float32Array.from(values) });
  return { spec: { inputDim, layers: layers.map((d, l) => layerSpec(l, d)), likelihood, standardization }, tensors: map };
}

/** Deterministic pseudo-random numbers in [-1, 1) for building test models. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

// A one-layer delta model: f = W x + b with W = [[1, 2, -1], [0.5, 0, 3]], b = [0.25, -1].
const W1 = [1, 2, -1, 0.5, 0, 3];
const B1 = [0.25, -1];
const X1 = [
  [1, 2, 3],
  [-1, 0.5, 2],
];
const MATMUL = [1 + 4 - 3 + 0.25, 0.5 + 9 - 1, -1 + 1 - 2 + 0.25, -0.5 + 6 - 1];
const linearDelta = (likelihood: LikelihoodSpec = FIXED, standardization: Standardization | null = null) =>
  makeModel(3, [{ units: 2 }], { 'layers.0.weight.loc': W1, 'layers.0.bias.loc': B1 }, likelihood, standardization);

/** A random 2-8-8-1 model with normal posteriors, tanh and relu, dropout on layer 1, LogNormal noise. */
function randomModel(): Model {
  const rnd = lcg(7);
  const dims = [2, 8, 8, 1];
  const tensors: Record<string, number[]> = { 'noise.loc': [Math.log(0.2)], 'noise.scale': [0.3] };
  for (let l = 0; l < 3; l++) {
    const n = (dims[l] ?? 0) * (dims[l + 1] ?? 0);
    const units = dims[l + 1] ?? 0;
    tensors[`layers.${l}.weight.loc`] = Array.from({ length: n }, rnd);
    tensors[`layers.${l}.weight.scale`] = Array.from({ length: n }, () => 0.3 + 0.2 * rnd());
    tensors[`layers.${l}.bias.loc`] = Array.from({ length: units }, rnd);
    tensors[`layers.${l}.bias.scale`] = Array.from({ length: units }, () => 0.3 + 0.2 * rnd());
  }
  return makeModel(
    2,
    [
      { units: 8, activation: 'tanh', posterior: 'normal' },
      { units: 8, activation: 'relu', posterior: 'normal', dropout: 0.2 },
      { units: 1, posterior: 'normal' },
    ],
    tensors,
    { noise: { kind: 'lognormal', site: 'sigma' }, link: 'sigma', sigmaPrior: { concentration: 2, rate: 3 } },
  );
}

describe('oracleSamples: hand-checkable cases', () => {
  it('a one-layer delta model is a matmul on both paths, with the fixed sigma as scale', () => {
    for (const path of ['joint', 'marginal'] as const) {
      const r = oracleSamples(linearDelta(), X1, { samples: 3, seed: 1, path });
      expect([r.n, r.outputDim, r.samples]).toEqual([2, 2, 3]);
      expect(Array.from(r.f)).toEqual([...MATMUL, ...MATMUL, ...MATMUL]);
      expect(Array.from(r.scale)).toEqual(new Array(12).fill(0.5));
      expect(Array.from(r.sigma)).toEqual([0.5, 0.5, 0.5]);
    }
  });

  it('accepts x flat or as rows, as arrays or typed arrays', () => {
    const rows = oracleSamples(linearDelta(), X1, { samples: 1, seed: 0, path: 'joint' });
    const flat = oracleSamples(linearDelta(), new Float64Array(X1.flat()), { samples: 1, seed: 0, path: 'joint' });
    expect(flat.f).toEqual(rows.f);
  });

  it('joint draws W = loc + scale * normalAt(weights stream, e) with the bias after the weights', () => {
    const wScale = [0.5, 0.25, 1, 2, 0.125, 0.75];
    const bScale = [0.5, 1.5];
    const model = makeModel(3, [{ units: 2, posterior: 'normal' }], {
      'layers.0.weight.loc': W1,
      'layers.0.weight.scale': wScale,
      'layers.0.bias.loc': B1,
      'layers.0.bias.scale': bScale,
    });
    const seed = 99;
    const key = seedToKey(seed);
    const r = oracleSamples(model, X1, { samples: 4, seed, path: 'joint' });
    const stream = layerStream(0, STREAM_WEIGHTS);
    for (let s = 0; s < 4; s++) {
      for (let n = 0; n < 2; n++) {
        for (let j = 0; j < 2; j++) {
          let want = (B1[j] ?? 0) + (bScale[j] ?? 0) * normalAt(key, s, stream, 6 + j);
          for (let i = 0; i < 3; i++) {
            const e = j * 3 + i;
            want += ((W1[e] ?? 0) + (wScale[e] ?? 0) * normalAt(key, s, stream, e)) * (X1[n]?.[i] ?? 0);
          }
          expect(r.f[(s * 2 + n) * 2 + j]).toBeCloseTo(want, 12);
        }
      }
    }
  });

  it('marginal draws pre = mu + sqrt(var) * normalAt(marginal stream, n*units + j)', () => {
    const wScale = [0.5, 0.25, 1, 2, 0.125, 0.75];
    const bScale = [0.5, 1.5];
    const model = makeModel(3, [{ units: 2, posterior: 'normal' }], {
      'layers.0.weight.loc': W1,
      'layers.0.weight.scale': wScale,
      'layers.0.bias.loc': B1,
      'layers.0.bias.scale': bScale,
    });
    const key = seedToKey(5);
    const r = oracleSamples(model, X1, { samples: 3, seed: 5, path: 'marginal' });
    for (let s = 0; s < 3; s++) {
      for (let n = 0; n < 2; n++) {
        for (let j = 0; j < 2; j++) {
          let variance = (bScale[j] ?? 0) ** 2;
          for (let i = 0; i < 3; i++) variance += ((wScale[j * 3 + i] ?? 0) * (X1[n]?.[i] ?? 0)) ** 2;
          const z = normalAt(key, s, layerStream(0, STREAM_MARGINAL), n * 2 + j);
          expect(r.f[(s * 2 + n) * 2 + j]).toBeCloseTo((MATMUL[n * 2 + j] ?? 0) + Math.sqrt(variance) * z, 12);
        }
      }
    }
  });

  it('a normal posterior with zero scales equals the delta posterior exactly, on both paths', () => {
    const rnd = lcg(3);
    const tensors: Record<string, number[]> = {};
    const dims = [3, 5, 2];
    for (let l = 0; l < 2; l++) {
      const n = (dims[l] ?? 0) * (dims[l + 1] ?? 0);
      tensors[`layers.${l}.weight.loc`] = Array.from({ length: n }, rnd);
      tensors[`layers.${l}.weight.scale`] = new Array<number>(n).fill(0);
      tensors[`layers.${l}.bias.loc`] = Array.from({ length: dims[l + 1] ?? 0 }, rnd);
      tensors[`layers.${l}.bias.scale`] = new Array<number>(dims[l + 1] ?? 0).fill(0);
    }
    const defs = (posterior: PosteriorKind): LayerDef[] => [
      { units: 5, activation: 'gelu', posterior, dropout: 0.25 },
      { units: 2, posterior },
    ];
    const delta = makeModel(3, defs('delta'), tensors);
    const normal = makeModel(3, defs('normal'), tensors);
    for (const path of ['joint', 'marginal'] as const) {
      const a = oracleSamples(delta, X1, { samples: 6, seed: 11, path });
      const b = oracleSamples(normal, X1, { samples: 6, seed: 11, path });
      expect(b.f).toEqual(a.f);
    }
  });

  it('sampleOffset selects global samples: a chunk equals the same rows of a longer run', () => {
    const model = randomModel();
    const x = [
      [0.1, -0.3],
      [1, 2],
    ];
    for (const path of ['joint', 'marginal'] as const) {
      const all = oracleSamples(model, x, { samples: 8, seed: 4, path });
      const chunk = oracleSamples(model, x, { samples: 3, seed: 4, path, sampleOffset: 5 });
      expect(chunk.f).toEqual(all.f.slice(5 * 2, 8 * 2));
      expect(chunk.scale).toEqual(all.scale.slice(5 * 2, 8 * 2));
      expect(chunk.sigma).toEqual(all.sigma.slice(5, 8));
    }
  });

  it('dropout keeps ~1-p of the units, scales them by 1/(1-p), and shares one mask across inputs', () => {
    const K = 64;
    const p = 0.3;
    const S = 2000;
    const model = makeModel(K, [{ units: 1, dropout: p }], {
      'layers.0.weight.loc': new Array<number>(K).fill(1),
      'layers.0.bias.loc': [0],
    });
    const x = [new Array<number>(K).fill(1), new Array<number>(K).fill(1)];
    const joint = oracleSamples(model, x, { samples: S, seed: 8, path: 'joint' });
    let kept = 0;
    for (let s = 0; s < S; s++) {
      const f0 = joint.f[s * 2] ?? NaN;
      expect(joint.f[s * 2 + 1]).toBe(f0);
      const count = f0 * (1 - p);
      expect(Math.abs(count - Math.round(count))).toBeLessThan(1e-9);
      kept += Math.round(count);
    }
    const q = dropoutKeepThreshold(p) / 2 ** 24;
    const trials = S * K;
    expect(Math.abs((kept - trials * q) / Math.sqrt(trials * q * (1 - q)))).toBeLessThan(5);
    // A delta model's marginal path has zero variance, so it sees exactly the joint path's masks.
    expect(oracleSamples(model, x, { samples: S, seed: 8, path: 'marginal' }).f).toEqual(joint.f);
  });

  it('applies folded batch-norm before prelu (per-unit or shared slope) and leaky_relu', () => {
    // pre = W x + b = [1*2 + 0.5, -1*2 - 0.5] = [2.5, -2.5]; bn: pre * [2, 1] + [-6, 0.5] = [-1, -2].
    const tensors = {
      'layers.0.weight.loc': [1, -1],
      'layers.0.bias.loc': [0.5, -0.5],
      'layers.0.bn_scale': [2, 1],
      'layers.0.bn_shift': [-6, 0.5],
    };
    const run = (def: LayerDef, extra: Record<string, number[]>) =>
      Array.from(oracleSamples(makeModel(1, [def], { ...tensors, ...extra }), [[2]], { samples: 1, seed: 0, path: 'joint' }).f);
    expect(run({ units: 2, activation: 'prelu', batchNorm: true }, { 'layers.0.prelu_slope': [0.25, 0.5] })).toEqual([-0.25, -1]);
    expect(run({ units: 2, activation: 'prelu', batchNorm: true }, { 'layers.0.prelu_slope': [0.125] })).toEqual([-0.125, -0.25]);
    expect(run({ units: 2, activation: 'leaky_relu', batchNorm: true, leakySlope: 0.5 }, {})).toEqual([-0.5, -1]);
    expect(run({ units: 2, activation: 'relu' }, {})).toEqual([2.5, 0]);
  });

  it('the sigma2 link squares the scale (fixed, LogNormal and Gamma noise)', () => {
    const fixed = oracleSamples(linearDelta({ noise: { kind: 'fixed', sigma: 0.3 }, link: 'sigma2', sigmaPrior: null }), X1, {
      samples: 2,
      seed: 0,
      path: 'joint',
    });
    expect(fixed.scale[0]).toBeCloseTo(0.09, 15);
    const tensors = { 'layers.0.weight.loc': W1, 'layers.0.bias.loc': B1, 'noise.loc': [-1], 'noise.scale': [0.5] };
    const layers = [{ units: 2 }];
    const seed = 21;
    const key = seedToKey(seed);
    const lognormal = (link: 'sigma' | 'sigma2') =>
      oracleSamples(makeModel(3, layers, tensors, { noise: { kind: 'lognormal', site: 'sigma' }, link, sigmaPrior: null }), X1, {
        samples: 5,
        seed,
        path: 'joint',
      });
    const a = lognormal('sigma');
    const b = lognormal('sigma2');
    for (let s = 0; s < 5; s++) {
      const sigma = Math.exp(-1 + 0.5 * noiseNormal(key, s));
      expect(a.sigma[s]).toBeCloseTo(sigma, 14);
      expect(a.scale[s * 4 + 3]).toBeCloseTo(sigma, 14);
      expect(b.scale[s * 4]).toBeCloseTo(sigma * sigma, 14);
    }
    const gamma = oracleSamples(
      makeModel(
        3,
        layers,
        { ...tensors, 'noise.concentration': [3], 'noise.rate': [4] },
        {
          noise: { kind: 'gamma', site: 'sigma' },
          link: 'sigma2',
          sigmaPrior: null,
        },
      ),
      X1,
      { samples: 5, seed, path: 'marginal' },
    );
    for (let s = 0; s < 5; s++) {
      const sigma = gammaDraw(key, s, 3) / 4;
      expect(gamma.sigma[s]).toBeCloseTo(sigma, 14);
      expect(gamma.scale[s * 4 + 1]).toBeCloseTo(sigma * sigma, 14);
    }
  });

  it('a heteroscedastic head gives f from the first D units and scale = softplus(second D) + minScale', () => {
    // One input, 4 units: f = [x, -x], raw sigma = [0.5 x, -2 x]; D = 2.
    const model = makeModel(
      1,
      [{ units: 4 }],
      { 'layers.0.weight.loc': [1, -1, 0.5, -2], 'layers.0.bias.loc': [0, 0, 0, 0] },
      {
        noise: { kind: 'heteroscedastic', minScale: 0.01 },
        link: 'sigma',
        sigmaPrior: null,
      },
    );
    const r = oracleSamples(model, [[2], [-1]], { samples: 1, seed: 0, path: 'joint' });
    expect(r.outputDim).toBe(2);
    expect(Array.from(r.f)).toEqual([2, -2, -1, 1]);
    const want = [softplus(1) + 0.01, softplus(-4) + 0.01, softplus(-0.5) + 0.01, softplus(2) + 0.01];
    r.scale.forEach((v, k) => expect(v).toBeCloseTo(want[k] ?? NaN, 15));
    expect(r.sigma[0]).toBeNaN();
  });

  it('standardisation: x is standardised on the way in, f and scale are mapped back to y units', () => {
    const st: Standardization = { xMean: [1, -2, 0], xStd: [2, 0.5, 4], yMean: [10, -1], yStd: [3, 0.25] };
    const r = oracleSamples(linearDelta(FIXED, st), X1, { samples: 1, seed: 0, path: 'joint' });
    const plain = linearDelta();
    const xs = X1.map((row) => row.map((v, i) => (v - (st.xMean[i] ?? 0)) / (st.xStd[i] ?? 1)));
    const f = oracleSamples(plain, xs, { samples: 1, seed: 0, path: 'joint' }).f;
    for (let k = 0; k < 4; k++) {
      const d = k % 2;
      expect(r.f[k]).toBeCloseTo((st.yMean[d] ?? 0) + (st.yStd[d] ?? 0) * (f[k] ?? 0), 13);
      expect(r.scale[k]).toBeCloseTo((st.yStd[d] ?? 0) * 0.5, 15);
    }
  });
});

describe('joint vs marginal path', () => {
  it('share the noise draws for one seed', () => {
    const model = randomModel();
    const joint = oracleSamples(model, [[1, 2]], { samples: 50, seed: 6, path: 'joint' });
    const marginal = oracleSamples(model, [[1, 2]], { samples: 50, seed: 6, path: 'marginal' });
    expect(marginal.sigma).toEqual(joint.sigma);
    expect(marginal.scale).toEqual(joint.scale);
  });

  it('give the same per-input mean and variance of f within Monte-Carlo error (S = 20000, z < 5)', () => {
    const model = randomModel();
    const x = [
      [0, 0],
      [1, -1],
      [-2, 0.5],
      [3, 3],
    ];
    const S = 20000;
    // Different seeds make the two runs independent (with one seed they would share dropout masks),
    // so the z scores below have exactly the stated null distribution.
    const joint = oracleSamples(model, x, { samples: S, seed: 1234, path: 'joint' });
    const marginal = oracleSamples(model, x, { samples: S, seed: 4321, path: 'marginal' });
    const stats = (f: Float64Array, n: number) => {
      let m = 0;
      for (let s = 0; s < S; s++) m += f[s * 4 + n] ?? 0;
      m /= S;
      let v = 0;
      let m4 = 0;
      for (let s = 0; s < S; s++) {
        const e = (f[s * 4 + n] ?? 0) - m;
        v += e * e;
        m4 += e ** 4;
      }
      v /= S;
      m4 /= S;
      return { m, v, seV: Math.sqrt((m4 - v * v) / S) };
    };
    for (let n = 0; n < 4; n++) {
      const a = stats(joint.f, n);
      const b = stats(marginal.f, n);
      expect(Math.abs((a.m - b.m) / Math.sqrt((a.v + b.v) / S))).toBeLessThan(5);
      expect(Math.abs((a.v - b.v) / Math.hypot(a.seV, b.seV))).toBeLessThan(5);
      // And the test has power: the network's spread is far from zero.
      expect(a.v).toBeGreaterThan(0.01);
    }
  });
});

describe('oraclePredict', () => {
  it('reports the mean, the epistemic/aleatoric/total std and the 90% interval', () => {
    const r = oraclePredict(linearDelta(), X1, { samples: 4 });
    expect([r.n, r.outputDim, r.samples, r.intervalLevel]).toEqual([2, 2, 4, 0.9]);
    expect(Array.from(r.mean)).toEqual(MATMUL);
    expect(Array.from(r.epistemicStd)).toEqual([0, 0, 0, 0]);
    expect(Array.from(r.aleatoricStd)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(r.std)).toEqual([0.5, 0.5, 0.5, 0.5]);
    r.lower.forEach((v, k) => expect(v).toBeCloseTo((MATMUL[k] ?? 0) - Z95 * 0.5, 14));
    r.upper.forEach((v, k) => expect(v).toBeCloseTo((MATMUL[k] ?? 0) + Z95 * 0.5, 14));
    expect(r.logPredictiveDensity).toBeUndefined();
    expect(r.fSamples).toBeUndefined();
  });

  it('computes the statistics and log densities from the samples as specified', () => {
    const model = randomModel();
    const x = [
      [0.5, 0.5],
      [-1, 2],
      [2, -0.5],
    ];
    const y = [[0.3], [-0.2], [1]];
    const S = 7;
    const r = oraclePredict(model, x, { samples: S, seed: 77, y, intervalLevel: 0.5, returnSamples: true });
    const d = oracleSamples(model, x, { samples: S, seed: 77, path: 'joint' });
    expect(r.fSamples).toEqual(d.f);
    // [S, N, D] like the engine's, even though a homoscedastic scale is one number per sample.
    expect(r.scaleSamples).toEqual(d.scale);
    expect(r.scaleSamples?.[2 * 3 + 1]).toBe(d.sigma[2]);
    const zHalf = 0.6744897501960817; // Phi^-1(0.75)
    for (let n = 0; n < 3; n++) {
      const f = Array.from({ length: S }, (_, s) => d.f[s * 3 + n] ?? NaN);
      const sc = Array.from({ length: S }, (_, s) => d.scale[s * 3 + n] ?? NaN);
      const mean = f.reduce((a, b) => a + b) / S;
      const epi = f.reduce((a, b) => a + (b - mean) ** 2, 0) / S;
      const ale = sc.reduce((a, b) => a + b * b, 0) / S;
      expect(r.mean[n]).toBeCloseTo(mean, 14);
      expect(r.epistemicStd[n]).toBeCloseTo(Math.sqrt(epi), 14);
      expect(r.aleatoricStd[n]).toBeCloseTo(Math.sqrt(ale), 14);
      expect(r.std[n]).toBeCloseTo(Math.sqrt(epi + ale), 14);
      expect(r.upper[n]).toBeCloseTo(mean + zHalf * Math.sqrt(epi + ale), 13);
      const yn = y[n]?.[0] ?? NaN;
      const density = f.reduce((a, fv, s) => a + Math.exp(normalLogPdf(yn, fv, sc[s] ?? NaN)), 0) / S;
      expect(r.logPredictiveDensity?.[n]).toBeCloseTo(Math.log(density), 12);
    }
    for (let s = 0; s < S; s++) {
      let ll = 0;
      for (let n = 0; n < 3; n++) ll += normalLogPdf(y[n]?.[0] ?? NaN, d.f[s * 3 + n] ?? NaN, d.scale[s * 3 + n] ?? NaN);
      expect(r.sampleLogLikelihood?.[s]).toBeCloseTo(ll, 12);
    }
  });

  it('returns per-(s, n, d) scale samples for a heteroscedastic head', () => {
    const model = makeModel(
      1,
      [{ units: 2 }],
      { 'layers.0.weight.loc': [1, 1], 'layers.0.bias.loc': [0, 0] },
      {
        noise: { kind: 'heteroscedastic', minScale: 0 },
        link: 'sigma',
        sigmaPrior: null,
      },
    );
    const r = oraclePredict(model, [[0], [1], [2]], { samples: 2, returnSamples: true });
    expect(r.scaleSamples?.length).toBe(6);
    expect(r.scaleSamples?.[1]).toBeCloseTo(softplus(1), 15);
  });
});

describe('oracleScore', () => {
  // One input, one unit, LogNormal sigma with a Gamma(2, 3) prior; weight prior N(0, 1), bias N(0, 2).
  const tiny = (dropout = 0, link: 'sigma' | 'sigma2' = 'sigma') =>
    makeModel(
      1,
      [{ units: 1, dropout, posterior: 'normal' }],
      {
        'layers.0.weight.loc': [0],
        'layers.0.weight.scale': [1],
        'layers.0.bias.loc': [0],
        'layers.0.bias.scale': [1],
        'noise.loc': [0],
        'noise.scale': [1],
      },
      { noise: { kind: 'lognormal', site: 'sigma' }, link, sigmaPrior: { concentration: 2, rate: 3 } },
    );
  const point = new Map<string, Float32Array | Float64Array>([
    ['0.weight', new Float64Array([0.5])],
    ['0.bias', new Float32Array([-0.25])],
    ['sigma', new Float64Array([0.75])],
  ]);
  const x = [[1], [2]];
  const y = [[0.5], [0.5]];

  it('sums the priors and the likelihood of a tiny model, computed by hand', () => {
    const r = oracleScore(tiny(), point, x, y);
    const weight = -0.5 * 0.25 - LOG_SQRT_2PI;
    const bias = -0.5 * (0.25 / 2) ** 2 - Math.log(2) - LOG_SQRT_2PI;
    const sigma = 2 * Math.log(3) + Math.log(0.75) - 3 * 0.75 - lgamma(2);
    // f = 0.5 x - 0.25 = [0.25, 0.75]: residuals +0.25 and -0.25.
    const obs = 2 * (-0.5 * (0.25 / 0.75) ** 2 - Math.log(0.75) - LOG_SQRT_2PI);
    expect(Object.keys(r.sites).sort()).toEqual(['0.bias', '0.weight', 'obs', 'sigma']);
    expect(r.sites['0.weight']).toBeCloseTo(weight, 14);
    expect(r.sites['0.bias']).toBeCloseTo(bias, 14);
    expect(r.sites['sigma']).toBeCloseTo(sigma, 14);
    expect(r.sites['sigma']).toBeCloseTo(gammaLogPdf(0.75, 2, 3), 14);
    expect(r.sites['obs']).toBeCloseTo(obs, 14);
    expect(r.logJoint).toBeCloseTo(weight + bias + sigma + obs, 13);
  });

  it('runs the network without dropout, and uses the link and standardisation for obs', () => {
    expect(oracleScore(tiny(0.5), point, x, y)).toEqual(oracleScore(tiny(), point, x, y));
    const squared = oracleScore(tiny(0, 'sigma2'), point, x, y);
    expect(squared.sites['obs']).toBeCloseTo(2 * normalLogPdf(0.5, 0.25, 0.5625), 14);
    const st: Standardization = { xMean: [1], xStd: [2], yMean: [3], yStd: [4] };
    const base = tiny();
    const model: Model = { spec: { ...base.spec, standardization: st }, tensors: base.tensors };
    // x_model = (x - 1)/2 = [0, 0.5]; f = 3 + 4 (0.5 x_model - 0.25) = [2, 3]; scale = 4 * 0.75.
    const r = oracleScore(model, point, x, [[2.5], [2.5]]);
    expect(r.sites['obs']).toBeCloseTo(normalLogPdf(2.5, 2, 3) + normalLogPdf(2.5, 3, 3), 14);
  });

  it('fixed noise has no sigma site and uses the fixed sigma', () => {
    const r = oracleScore(
      linearDelta(),
      new Map([
        ['0.weight', new Float64Array(W1)],
        ['0.bias', new Float64Array(B1)],
      ]),
      X1,
      [MATMUL.slice(0, 2), MATMUL.slice(2)],
    );
    expect(Object.keys(r.sites).sort()).toEqual(['0.bias', '0.weight', 'obs']);
    expect(r.sites['obs']).toBeCloseTo(4 * (-Math.log(0.5) - LOG_SQRT_2PI), 14);
  });
});

describe('input validation', () => {
  const model = linearDelta();
  const bad: ReadonlyArray<[string, () => unknown]> = [
    ['x row of the wrong length', () => oraclePredict(model, [[1, 2]])],
    [
      'ragged x',
      () =>
        oraclePredict(model, [
          [1, 2, 3],
          [1, 2],
        ]),
    ],
    ['flat x not a multiple of inputDim', () => oraclePredict(model, [1, 2, 3, 4])],
    ['x with no rows', () => oraclePredict(model, [])],
    ['NaN in x', () => oraclePredict(model, [[1, NaN, 3]])],
    ['Infinity in x', () => oraclePredict(model, new Float64Array([1, 2, Infinity]))],
    [
      'NaN in y',
      () =>
        oraclePredict(model, X1, {
          y: [
            [1, 2],
            [NaN, 4],
          ],
        }),
    ],
    ['y of the wrong length', () => oraclePredict(model, X1, { y: [1, 2, 3] })],
    ['y with the wrong number of rows', () => oraclePredict(model, X1, { y: [[1, 2]] })],
    ['y row of the wrong length', () => oraclePredict(model, X1, { y: [[1], [2]] })],
    ['samples = 0', () => oraclePredict(model, X1, { samples: 0 })],
    ['samples = -1', () => oraclePredict(model, X1, { samples: -1 })],
    ['non-integer samples', () => oraclePredict(model, X1, { samples: 1.5 })],
    ['NaN samples', () => oraclePredict(model, X1, { samples: NaN })],
    ['intervalLevel = 0', () => oraclePredict(model, X1, { intervalLevel: 0 })],
    ['intervalLevel = 1', () => oraclePredict(model, X1, { intervalLevel: 1 })],
    ['intervalLevel = NaN', () => oraclePredict(model, X1, { intervalLevel: NaN })],
    ['marginal path with returnSamples', () => oraclePredict(model, X1, { path: 'marginal', returnSamples: true })],
    ['negative seed', () => oraclePredict(model, X1, { seed: -1 })],
    ['non-integer seed', () => oraclePredict(model, X1, { seed: 0.5 })],
    ['negative sampleOffset', () => oracleSamples(model, X1, { samples: 1, seed: 0, path: 'joint', sampleOffset: -1 })],
    ['score: a missing site', () => oracleScore(model, new Map([['0.weight', new Float64Array(W1)]]), X1, [0, 0, 0, 0])],
    [
      'score: a site of the wrong length',
      () =>
        oracleScore(
          model,
          new Map([
            ['0.weight', new Float64Array(2)],
            ['0.bias', new Float64Array(2)],
          ]),
          X1,
          [0, 0, 0, 0],
        ),
    ],
    [
      'score: y of the wrong length',
      () =>
        oracleScore(
          model,
          new Map([
            ['0.weight', new Float64Array(W1)],
            ['0.bias', new Float64Array(B1)],
          ]),
          X1,
          [0, 0],
        ),
    ],
    [
      'score: NaN in x',
      () =>
        oracleScore(
          model,
          new Map([
            ['0.weight', new Float64Array(W1)],
            ['0.bias', new Float64Array(B1)],
          ]),
          [[NaN, 0, 0]],
          [0, 0],
        ),
    ],
  ];
  it.each(bad)('rejects %s with InvalidInputError', (_name, call) => {
    expect(call).toThrow(InvalidInputError);
  });

  it('reports a missing tensor as ModelFormatError', () => {
    const broken = makeModel(3, [{ units: 2, posterior: 'normal' }], { 'layers.0.weight.loc': W1, 'layers.0.bias.loc': B1 });
    expect(() => oraclePredict(broken, X1)).toThrow(ModelFormatError);
  });
});
