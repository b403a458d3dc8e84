/**
 * The Laplace approximation on the host, float64 (src/laplace), against exact answers:
 * 1. Bayesian linear regression (no hidden layer, N(0, 1/δ) prior, known noise σ): the posterior is
 *    Gaussian, so Laplace is exact: its mean is the MAP, its covariance (A = X̃ᵀX̃/σ² + δI)⁻¹ and its
 *    log evidence log N(y | 0, σ²I + X̃X̃ᵀ/δ), all computed here independently (Gauss-Jordan and a
 *    separate Cholesky); tolerance 1e-9 relative (float64 solves of a well-conditioned 4 x 4 / 40 x 40).
 * 2. The GGN of a tiny network (2-3-K tanh) against brute force: J by central differences of the
 *    oracle's forward pass (src/reference/train/network.ts, h = 1e-5: error O(h²) ~ 1e-10 on O(1)
 *    outputs), Λ by central differences of the NLL's gradient, Σ_n J_nᵀ Λ_n J_n summed here;
 *    tolerance 1e-6 (1 + |G|).
 * 3. Marginal-likelihood tuning: at the MAP of the evidence-maximising δ* of BLR (MacKay's fixed
 *    point, checked to maximise the exact evidence) the post-hoc tuning returns δ* (and σ* with the
 *    noise tuned too), 1e-6 relative: golden-section search to 1e-10 in log δ.
 *    A heteroscedastic head's Λ against the Fisher E_y[∇ ∇ᵀ] by quadrature over y.
 * 4. The last-layer draws have mean θ* and covariance H⁻¹ (z-scores, 2000 draws).
 * 5. KFAC: exact where its factorisation is (BLR, and a Normal model's output layer, whose B_nᵀ Λ B_n
 *    is the same for every row): its precision rebuilt from the factors equals the full one, its
 *    evidence, tuned δ, linearised predictive and the covariance of its draws' map (z -> Δθ, fed
 *    unit vectors) equal the closed forms, 1e-9 relative; the eigendecomposition rebuilds its matrix.
 * 6. Bad requests are InvalidInputErrors naming the problem.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { categoricalNllGrad } from '../../src/math/likelihoods.js';
import { laplaceFromTheta, linearizedPredict, type LaplaceTrainOptions } from '../../src/laplace/index.js';
import { computeCurvature } from '../../src/laplace/ggn.js';
import { rowCurvature } from '../../src/laplace/curvature.js';
import { standardizedRows, mapOptions } from '../../src/laplace/laplace.js';
import { kfacDeviation, lastLayerDraws } from '../../src/laplace/to-model.js';
import { symmetricEigen } from '../../src/laplace/linalg.js';
import { trainLayout } from '../../src/objective/layout.js';
import { prepareRun } from '../../src/objective/prepare.js';
import type { ArchitectureSpec } from '../../src/objective/types.js';
import { forward } from '../../src/reference/train/network.js';
import { locParams } from '../../src/reference/train/parameters.js';
import { testRng } from '../support/model-builders.js';

/** Inverse of a small dense matrix by Gauss-Jordan with partial pivoting (independent of src/laplace/linalg.ts). */
function invert(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    m[c] = m[c]!.map((v) => v / piv);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      m[r] = m[r]!.map((v, j) => v - f * m[c]![j]!);
    }
  }
  return m.map((row) => row.slice(n));
}

/** log det by Gaussian elimination (a symmetric positive-definite matrix). */
function logDet(a: number[][]): number {
  const m = a.map((r) => [...r]);
  let s = 0;
  for (let c = 0; c < m.length; c++) {
    s += Math.log(m[c]![c]!);
    for (let r = c + 1; r < m.length; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j < m.length; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return s;
}

const matVec = (a: number[][], v: number[]) => a.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));

const rand = testRng(77);
const N = 40;
const D = 3;
const xRaw = Array.from({ length: N }, () => Array.from({ length: D }, () => 4 * rand() - 2));
const yRaw = xRaw.map((r) => 0.7 * r[0]! - 0.4 * r[1]! + 0.1 * r[2]! + 0.5 + 0.3 * (rand() - 0.5));
const blrArch: ArchitectureSpec = { inputDim: D, hidden: [], activation: 'tanh' };

/** The standardised design [x, 1] and targets training sees (θ order: W then b). */
function blrDesign(): { X: number[][]; y: number[] } {
  const run = prepareRun(blrArch, { x: xRaw, y: yRaw }, { method: 'map', epochs: 1 });
  const rows = standardizedRows(run, 0);
  const X = Array.from({ length: rows.rows }, (_, n) => [...Array.from(rows.x.subarray(n * D, (n + 1) * D)), 1]);
  return { X, y: Array.from(rows.y) };
}

/** Exact BLR posterior at prior precision δ, noise σ: mean, covariance, log evidence. */
function blrExact(delta: number, sigma: number): { mean: number[]; cov: number[][]; logEvidence: number } {
  const { X, y } = blrDesign();
  const P = D + 1;
  const A = Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => X.reduce((s, r) => s + r[i]! * r[j]!, 0) / sigma ** 2 + (i === j ? delta : 0)));
  const cov = invert(A);
  const mean = matVec(
    cov,
    Array.from({ length: P }, (_, i) => X.reduce((s, r, n) => s + (r[i]! * y[n]!) / sigma ** 2, 0)),
  );
  const C = X.map((a, n) => X.map((b, m) => a.reduce((s, v, i) => s + (v * b[i]!) / delta, 0) + (n === m ? sigma ** 2 : 0)));
  const Cinv = invert(C);
  const quad = y.reduce((s, yn, n) => s + yn * matVec(Cinv, y)[n]!, 0);
  return { mean, cov, logEvidence: -0.5 * (y.length * Math.log(2 * Math.PI) + logDet(C) + quad) };
}

/** MacKay's fixed point of the exact evidence: δ = γ/|m|², (σ² = |y − X m|²/(N − γ) when tuned), γ = P − δ tr(A⁻¹). */
function evidenceMaximiser(sigma0: number, tuneSigma: boolean): { delta: number; sigma: number } {
  const { X, y } = blrDesign();
  let delta = 1;
  let sigma = sigma0;
  for (let it = 0; it < 5000; it++) {
    const { mean, cov } = blrExact(delta, sigma);
    const gamma = D + 1 - delta * cov.reduce((s, r, i) => s + r[i]!, 0);
    const nextDelta = gamma / mean.reduce((s, v) => s + v * v, 0);
    const sse = X.reduce((s, r, n) => s + (y[n]! - r.reduce((t, v, i) => t + v * mean[i]!, 0)) ** 2, 0);
    const nextSigma = tuneSigma ? Math.sqrt(sse / (y.length - gamma)) : sigma;
    const moved = Math.abs(Math.log(nextDelta / delta)) + Math.abs(Math.log(nextSigma / sigma));
    delta = nextDelta;
    sigma = nextSigma;
    if (moved < 1e-14) break;
  }
  return { delta, sigma };
}

function blrOptions(laplace: LaplaceTrainOptions['laplace']): LaplaceTrainOptions {
  return { method: 'laplace', epochs: 1, ...(laplace ? { laplace } : {}) };
}

const relClose = (got: number, want: number, rtol: number, what: string) =>
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(rtol * (1 + Math.abs(want)));

describe('Laplace on Bayesian linear regression is exact', () => {
  const delta = 2.5;
  const sigma = 0.4;
  const exact = blrExact(delta, sigma);
  const theta = [...exact.mean, Math.log(sigma)];

  it('last-layer (the whole model): mean, full covariance and log evidence equal the closed form', () => {
    const r = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'last-layer', priorPrecision: delta, tuneNoise: false }), [theta]);
    const post = r.fits[0]!.posterior;
    expect(post.priorPrecision).toBe(delta);
    expect(post.sigma).toBe(sigma);
    exact.cov.forEach((row, i) => row.forEach((v, j) => relClose(post.covariance[i * (D + 1) + j]!, v, 1e-9, `Σ[${i},${j}]`)));
    relClose(post.logEvidence, exact.logEvidence, 1e-9, 'log evidence');
    expect(Array.from(post.params)).toEqual([0, 1, 2, 3]);
  });

  it('diagonal: H_ii equal the exact precision diagonal; its evidence uses their product', () => {
    const r = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'diagonal', priorPrecision: delta, tuneNoise: false }), [theta]);
    const post = r.fits[0]!.posterior;
    const A = invert(exact.cov);
    A.forEach((row, i) => relClose(post.precision[i]!, row[i]!, 1e-9, `H[${i},${i}]`));
    // Same likelihood and prior terms as the exact evidence; only the log det differs (diag vs full).
    const diagLogDet = A.reduce((s, row, i) => s + Math.log(row[i]!), 0);
    relClose(post.logEvidence, exact.logEvidence + 0.5 * logDet(A) - 0.5 * diagLogDet, 1e-9, 'diagonal log evidence');
  });

  it('the linearised predictive of BLR is the exact predictive N(x̃ᵀm, x̃ᵀΣx̃ + σ²)', () => {
    const r = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'last-layer', priorPrecision: delta, tuneNoise: false }), [theta]);
    const fit = r.fits[0]!;
    const xs = [
      [0.5, -1, 2],
      [3, 3, -3],
    ];
    const p = linearizedPredict(fit, xs);
    const { xMean, xStd, yMean, yStd } = fit.info.standardization;
    xs.forEach((row, n) => {
      const xt = [...row.map((v, c) => (v - xMean[c]!) / xStd[c]!), 1];
      const m = xt.reduce((s, v, i) => s + v * exact.mean[i]!, 0);
      const v = xt.reduce((s, a, i) => s + a * xt.reduce((t, b, j) => t + exact.cov[i]![j]! * b, 0), 0);
      relClose(p.mean[n]!, yMean[0]! + yStd[0]! * m, 1e-9, `mean ${n}`);
      relClose(p.epistemicStd[n]!, yStd[0]! * Math.sqrt(v), 1e-9, `epistemic std ${n}`);
      relClose(p.std[n]!, yStd[0]! * Math.sqrt(v + sigma ** 2), 1e-9, `std ${n}`);
    });
  });
});

describe('marginal-likelihood tuning recovers the evidence maximiser of BLR', () => {
  it('prior precision with σ known', () => {
    const sigma = 0.4;
    const { delta } = evidenceMaximiser(sigma, false);
    // δ* maximises the exact evidence (a control on the fixed point itself).
    const ev = (d: number) => blrExact(d, sigma).logEvidence;
    expect(ev(delta)).toBeGreaterThan(ev(delta * 1.01));
    expect(ev(delta)).toBeGreaterThan(ev(delta / 1.01));
    const theta = [...blrExact(delta, sigma).mean, Math.log(sigma)];
    for (const structure of ['last-layer', 'diagonal'] as const) {
      const post = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure, tuneNoise: false }), [theta]).fits[0]!.posterior;
      if (structure === 'last-layer') {
        relClose(post.priorPrecision, delta, 1e-6, 'δ');
        relClose(post.logEvidence, ev(delta), 1e-9, 'log evidence at δ*');
      } else {
        // The diagonal evidence has its own maximiser; it must still be a maximum of that evidence.
        expect(post.priorPrecision).toBeGreaterThan(0);
      }
    }
  });

  it('prior precision and σ together (the default with marglik)', () => {
    const { delta, sigma } = evidenceMaximiser(0.4, true);
    const ev = (d: number, s: number) => blrExact(d, s).logEvidence;
    expect(ev(delta, sigma)).toBeGreaterThan(ev(delta, sigma * 1.01));
    expect(ev(delta, sigma)).toBeGreaterThan(ev(delta, sigma / 1.01));
    // θ*'s log σ (the search's start) is off the optimum on purpose.
    const theta = [...blrExact(delta, sigma).mean, Math.log(sigma) + 0.3];
    const post = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'last-layer' }), [theta]).fits[0]!.posterior;
    relClose(post.priorPrecision, delta, 1e-6, 'δ');
    relClose(post.sigma, sigma, 1e-6, 'σ');
    relClose(post.logEvidence, ev(delta, sigma), 1e-9, 'log evidence');
  });
});

describe('GGN of a tiny network against brute force', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
  const xs = Array.from({ length: 7 }, () => [2 * rand() - 1, 2 * rand() - 1]);
  const cases = [
    { likelihood: 'normal' as const, y: xs.map((r) => Math.sin(r[0]!) + r[1]!) },
    { likelihood: 'categorical' as const, y: xs.map((_, n) => n % 3) },
    { likelihood: 'bernoulli' as const, y: xs.map((_, n) => n % 2) },
  ];
  it.each(cases)('$likelihood: diagonal and last-layer GGN = Σ Jᵀ Λ J', ({ likelihood, y }) => {
    const options = { method: 'map' as const, epochs: 1, likelihood };
    const run = prepareRun(arch, { x: xs, y }, options);
    const layout = trainLayout(arch, 'map', false, run.likelihood);
    const theta = Float64Array.from({ length: layout.size }, () => 1.5 * (rand() - 0.5));
    const rows = standardizedRows(run, 0);
    const K = layout.outputUnits;
    const out = (t: Float64Array, n: number) => {
      const { params, slopes } = locParams(layout, t);
      const traces = forward(
        layout,
        params,
        slopes,
        rows.x.subarray(n * 2, n * 2 + 2),
        1,
        layout.layers.map(() => null),
      );
      return traces[traces.length - 1]!.out;
    };
    // −log p(y | f) and its Hessian in f by central differences of the analytic gradient.
    const nllGrad = (f: Float64Array, yn: number): Float64Array =>
      likelihood === 'normal' ? Float64Array.of(f[0]! - yn) : likelihood === 'categorical' ? categoricalNllGrad(f, yn) : Float64Array.of(1 / (1 + Math.exp(-f[0]!)) - yn);
    const h = 1e-5;
    const weights = Array.from({ length: layout.size - (layout.noise >= 0 ? 1 : 0) }, (_, i) => i);
    const G = weights.map(() => new Float64Array(weights.length));
    for (let n = 0; n < rows.rows; n++) {
      const J = weights.map((i) => {
        const up = Float64Array.from(theta);
        const down = Float64Array.from(theta);
        up[i]! += h;
        down[i]! -= h;
        const a = out(up, n);
        const b = out(down, n);
        return Float64Array.from({ length: K }, (_, k) => (a[k]! - b[k]!) / (2 * h));
      });
      const f = out(theta, n);
      const L = Array.from({ length: K }, (_, k) => {
        const up = Float64Array.from(f);
        const down = Float64Array.from(f);
        up[k]! += h;
        down[k]! -= h;
        const a = nllGrad(up, rows.y[n]!);
        const b = nllGrad(down, rows.y[n]!);
        return Float64Array.from({ length: K }, (_, j) => (a[j]! - b[j]!) / (2 * h));
      });
      weights.forEach((_, i) =>
        weights.forEach((__, j) => {
          let s = 0;
          for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) s += J[i]![a]! * L[a]![b]! * J[j]![b]!;
          G[i]![j]! += s;
        }),
      );
    }
    const diag = computeCurvature(layout, theta, rows, run.likelihood, 'diagonal');
    expect(Array.from(diag.params)).toEqual(weights);
    diag.ggn.forEach((g, i) => expect(Math.abs(g - G[i]![i]!), `G[${i},${i}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(G[i]![i]!))));
    const ll = computeCurvature(layout, theta, rows, run.likelihood, 'last-layer');
    const P = ll.params.length;
    expect(P).toBe(K * 4);
    ll.params.forEach((a, i) =>
      ll.params.forEach((b, j) => expect(Math.abs(ll.ggn[i * P + j]! - G[a]![b]!), `G[${a},${b}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(G[a]![b]!)))),
    );
  });
});

describe('heteroscedastic head', () => {
  it.each([
    [0.3, -1.2],
    [-2, 0.5],
    [1, 3],
  ])('Λ at (μ %d, raw %d) is the Fisher E_y[∇ ∇ᵀ] of −log N(y | μ, softplus(raw) + 1e-3) (trapezoid over y, 1e-8)', (mu, raw) => {
    const info = { kind: 'normal', classes: 0, targetWidth: 1, scale: true, degreesOfFreedom: null, heteroscedastic: true, betaNll: 0 } as const;
    const L = rowCurvature(info, Float64Array.of(mu, raw));
    const sp = Math.log1p(Math.exp(raw));
    const sigma = sp + 1e-3;
    const ds = 1 / (1 + Math.exp(-raw));
    const F = [0, 0, 0, 0];
    const steps = 40000;
    const lo = mu - 14 * sigma;
    const h = (28 * sigma) / steps;
    for (let i = 0; i <= steps; i++) {
      const y = lo + i * h;
      const w = ((i === 0 || i === steps ? 0.5 : 1) * h * Math.exp(-0.5 * ((y - mu) / sigma) ** 2)) / (sigma * Math.sqrt(2 * Math.PI));
      const g0 = -(y - mu) / sigma ** 2;
      const g1 = ds * (1 / sigma - (y - mu) ** 2 / sigma ** 3);
      F[0]! += w * g0 * g0;
      F[1]! += w * g0 * g1;
      F[2]! += w * g1 * g0;
      F[3]! += w * g1 * g1;
    }
    F.forEach((f, i) => expect(Math.abs(L[i]! - f), `Λ[${i}]`).toBeLessThanOrEqual(1e-8 * (1 + Math.abs(f))));
  });
});

describe('last-layer draws', () => {
  it('have mean θ* and covariance H⁻¹ (z-scores over 2000 draws; |z| < 4.5 per entry: failure rate < 1e-4 for 55 entries)', () => {
    const sigma = 0.4;
    const theta = [...blrExact(2.5, sigma).mean, Math.log(sigma)];
    const r = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'last-layer', priorPrecision: 2.5, tuneNoise: false, samples: 7 }), [theta]);
    expect(r.models[0]!.length).toBe(7);
    const post = r.fits[0]!.posterior;
    const S = 2000;
    const draws = lastLayerDraws(post, S, 11, 0);
    const P = 4;
    for (let i = 0; i < P; i++) {
      const mean = draws.reduce((s, t) => s + t[i]!, 0) / S;
      const v = post.covariance[i * P + i]!;
      expect(Math.abs(mean - theta[i]!) / Math.sqrt(v / S), `mean ${i}`).toBeLessThan(4.5);
      for (let j = 0; j <= i; j++) {
        const c = draws.reduce((s, t) => s + (t[i]! - theta[i]!) * (t[j]! - theta[j]!), 0) / S;
        const want = post.covariance[i * P + j]!;
        // Var of a product of jointly normal deviations: Σ_ii Σ_jj + Σ_ij².
        const se = Math.sqrt((v * post.covariance[j * P + j]! + want * want) / S);
        expect(Math.abs(c - want) / se, `cov ${i},${j}`).toBeLessThan(4.5);
      }
    }
    // The noise parameter and the draws' other entries are θ*'s.
    expect(draws[0]![4]).toBe(Math.log(sigma));
    // The first 7 draws are the models' last layers (same keys).
    expect(Array.from(r.models[0]![3]!.tensors.get('layers.0.weight.loc')!.data)).toEqual(Array.from(Float32Array.from(lastLayerDraws(post, 7, 0, 0)[3]!.subarray(0, 3))));
  });
});

describe('KFAC', () => {
  const delta = 2.5;
  const sigma = 0.4;
  const exact = blrExact(delta, sigma);
  const theta = [...exact.mean, Math.log(sigma)];
  const P = D + 1;

  /** Σ rebuilt from the draws' linear map: Σ_i Δ(e_i) Δ(e_i)ᵀ over unit vectors e_i (P x P, params order). */
  function kfacCovariance(post: ReturnType<typeof laplaceFromTheta>['fits'][number]['posterior']): number[][] {
    const n = post.params.length;
    const cols = Array.from({ length: n }, (_, i) =>
      kfacDeviation(
        post,
        Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
      ),
    );
    return Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => cols.reduce((s, c) => s + c[a]! * c[b]!, 0)));
  }

  it('on BLR (one layer, the Kronecker form is exact): covariance, log evidence and linearised predictive equal the closed form', () => {
    const r = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'kfac', priorPrecision: delta, tuneNoise: false, samples: 3 }), [theta]);
    const post = r.fits[0]!.posterior;
    expect(post.structure).toBe('kfac');
    expect(Array.from(post.params)).toEqual([0, 1, 2, 3]);
    const cov = kfacCovariance(post);
    exact.cov.forEach((row, i) => row.forEach((v, j) => relClose(cov[i]![j]!, v, 1e-9, `Σ[${i},${j}]`)));
    relClose(post.logEvidence, exact.logEvidence, 1e-9, 'log evidence');
    expect(r.models[0]!.length).toBe(3);
    const ll = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'last-layer', priorPrecision: delta, tuneNoise: false }), [theta]).fits[0]!;
    const xs = [
      [0.5, -1, 2],
      [3, 3, -3],
    ];
    const a = linearizedPredict(r.fits[0]!, xs);
    const b = linearizedPredict(ll, xs);
    a.epistemicStd.forEach((v, n) => relClose(v, b.epistemicStd[n]!, 1e-9, `epistemic std ${n}`));
    expect(P).toBe(4);
  });

  it('tunes δ and σ to the evidence maximiser of BLR', () => {
    const { delta: d, sigma: s } = evidenceMaximiser(0.4, true);
    const t = [...blrExact(d, s).mean, Math.log(s) + 0.3];
    const post = laplaceFromTheta(blrArch, { x: xRaw, y: yRaw }, blrOptions({ structure: 'kfac' }), [t]).fits[0]!.posterior;
    relClose(post.priorPrecision, d, 1e-6, 'δ');
    relClose(post.sigma, s, 1e-6, 'σ');
  });

  it("a Normal model's output layer: KFAC's block equals the full last-layer posterior; the hidden layer's block is Q ⊗ A of its definition", () => {
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
    const xs = Array.from({ length: 9 }, () => [2 * rand() - 1, 2 * rand() - 1]);
    const y = xs.map((r) => Math.sin(r[0]!) + r[1]!);
    const run = prepareRun(arch, { x: xs, y }, { method: 'map', epochs: 1 });
    const layout = trainLayout(arch, 'map', false, run.likelihood);
    const th = Float64Array.from({ length: layout.size }, () => 1.5 * (rand() - 0.5));
    th[layout.noise] = Math.log(0.3);
    const options = (structure: 'kfac' | 'last-layer') => ({ method: 'laplace' as const, epochs: 1, laplace: { structure, priorPrecision: 1.7, tuneNoise: false } });
    const kfac = laplaceFromTheta(arch, { x: xs, y }, options('kfac'), [th]).fits[0]!.posterior;
    const last = laplaceFromTheta(arch, { x: xs, y }, options('last-layer'), [th]).fits[0]!.posterior;
    const cov = kfacCovariance(kfac);
    // The output layer's [W, b] are the last 4 of KFAC's 13 parameters; KFAC's Σ is block diagonal.
    expect(kfac.params.length).toBe(13);
    const off = 9;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) relClose(cov[off + i]![off + j]!, last.covariance[i * 4 + j]!, 1e-9, `Σ_out[${i},${j}]`);
    for (let i = 0; i < off; i++) for (let j = off; j < 13; j++) expect(cov[i]![j]!).toBe(0);
    // The hidden layer: Σ⁻¹ = c Q ⊗ A + δ I with Q = Σ_n b_n b_nᵀ (b_n = ∂f/∂z, Λ = 1) and A = Σ_n ã ãᵀ / N, by the oracle's forward pass.
    const rows = standardizedRows(run, 0);
    const Q = [0, 1, 2].map(() => [0, 0, 0]);
    const A = [0, 1, 2].map(() => [0, 0, 0]);
    const { params, slopes } = locParams(layout, th);
    for (let n = 0; n < rows.rows; n++) {
      const x = rows.x.subarray(n * 2, n * 2 + 2);
      const traces = forward(
        layout,
        params,
        slopes,
        x,
        1,
        layout.layers.map(() => null),
      );
      const h = traces[0]!.out;
      const b = [0, 1, 2].map((j) => th[layout.layers[1]!.weight + j]! * (1 - h[j]! ** 2));
      const a = [x[0]!, x[1]!, 1];
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          Q[i]![j]! += b[i]! * b[j]!;
          A[i]![j]! += (a[i]! * a[j]!) / rows.rows;
        }
    }
    const c = 1 / 0.3 ** 2;
    // θ order of the hidden layer: W row-major (unit j, input i) then b_j; as (unit, augmented input).
    const pos = (p: number): [number, number] => (p < 6 ? [Math.floor(p / 2), p % 2] : [p - 6, 2]);
    const H = Array.from({ length: 9 }, (_, p) => Array.from({ length: 9 }, (_, q) => c * Q[pos(p)[0]]![pos(q)[0]]! * A[pos(p)[1]]![pos(q)[1]]! + (p === q ? 1.7 : 0)));
    const want = invert(H);
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) relClose(cov[i]![j]!, want[i]![j]!, 1e-9, `Σ_hidden[${i},${j}]`);
  });

  it('symmetricEigen rebuilds its matrix from orthonormal eigenvectors (1e-12 of its scale)', () => {
    const n = 12;
    const b = Float64Array.from({ length: n * n }, () => rand() - 0.5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += b[i * n + k]! * b[j * n + k]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rebuilt += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          dot += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        expect(Math.abs(rebuilt - a[i * n + j]!)).toBeLessThan(1e-12 * n);
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });
});

describe('bad input is typed', () => {
  const theta = [0.1, 0.2, 0.3, 0.4, Math.log(0.5)];
  const data = { x: xRaw, y: yRaw };
  it.each([
    [{ structure: 'kron' }, /laplace.structure/],
    [{ priorPrecision: -1 }, /laplace.priorPrecision/],
    [{ priorPrecision: 'evidence' }, /laplace.priorPrecision/],
    [{ samples: 0 }, /laplace.samples/],
    [{ samples: 5000 }, /laplace.samples/],
    [{ structure: 'diagonal', samples: 10 }, /last-layer or KFAC draws/],
    [{ tuneNoise: 'yes' }, /laplace.tuneNoise/],
    [{ damping: 1 }, /no option 'damping'/],
  ])('%j', (laplace, message) => {
    const options = { method: 'laplace', epochs: 1, laplace } as unknown as LaplaceTrainOptions;
    expect(() => laplaceFromTheta(blrArch, data, options, [theta])).toThrow(InvalidInputError);
    expect(() => laplaceFromTheta(blrArch, data, options, [theta])).toThrow(message);
  });
  it('likelihoods without a curvature, tuneNoise without a global σ, a wrong method, snapshots, θ count', () => {
    const t =
      (options: unknown, th: number[][] = [theta]) =>
      () =>
        laplaceFromTheta(blrArch, data, options as LaplaceTrainOptions, th);
    expect(t({ method: 'laplace', epochs: 1, likelihood: 'student-t' })).toThrow(/supports the normal, categorical, bernoulli likelihoods, not 'student-t'/);
    expect(t({ method: 'laplace', epochs: 1, heteroscedastic: true, laplace: { tuneNoise: true } })).toThrow(/has none \(a heteroscedastic head\)/);
    expect(t({ method: 'map', epochs: 1 })).toThrow(/needs method 'laplace'/);
    expect(t({ method: 'laplace', epochs: 2, snapshotEpochs: [1] })).toThrow(/snapshotEpochs/);
    expect(t({ method: 'laplace', epochs: 1 }, [theta, theta])).toThrow(/2 θ vectors for 1 models/);
    for (const f of [t({ method: 'laplace', epochs: 1, likelihood: 'student-t' }), t({ method: 'map', epochs: 1 })]) expect(f).toThrow(InvalidInputError);
    expect(() => mapOptions({ method: 'laplace', epochs: 0 })).not.toThrow();
  });
  it('a last layer beyond the full-covariance limit', () => {
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [1100], activation: 'relu' };
    const layout = trainLayout(arch, 'map');
    const big = new Array<number>(layout.size).fill(0.01);
    const x = [
      [0, 1],
      [1, 0],
    ];
    expect(() => laplaceFromTheta(arch, { x, y: [0, 1] }, { method: 'laplace', epochs: 1 }, [big])).toThrow(/at most 1024 \(use structure 'kfac' or 'diagonal'\)/);
    expect(() => laplaceFromTheta(arch, { x, y: [0, 1] }, { method: 'laplace', epochs: 1, laplace: { structure: 'kfac' } }, [big])).toThrow(
      /layer 0 has a KFAC factor 1100 wide \(inputs \+ 1 or units\); structure 'kfac' takes at most 1025 \(use 'diagonal'\)/,
    );
  });
});
