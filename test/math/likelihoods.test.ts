/**
 * src/math/likelihoods.ts against two independent references at awkward points (logits +-1e4,
 * concentrations 1e-3 .. 1e6, y at 1e-7 and 1 - 1e-7, df 1e-2 .. 1e8, residuals up to 1e8 scales),
 * written by scripts/likelihood-reference.py into test/fixtures/likelihoods/reference.json:
 * torch.distributions' log_prob (float64) and mpmath at 60 digits (the exact value and the exact
 * gradient of -log p, rounded once).
 *
 * Tolerances come from the formula's conditioning rather than from a single relative number: a
 * float64 evaluation of a sum of terms t_i, each computed to relative error r, is off by at most
 * r * sum |t_i| (the "magnitude" S of the sum). lgamma and digamma are held to ~1e-15 relative
 * (test/math/special.test.ts) and each term takes a few more roundings, so ours must be within
 * 4e-15 S of the exact value: relative 1e-15 wherever the terms do not cancel, and at most the
 * cancellation that lgamma's own accuracy forces where they do (a Beta(1e6, 1e6) density adds
 * lgamma values of 1.3e7 to get ~7: 5e-8 absolute, 7e-9 relative, the best lgamma-based float64
 * can do). torch computes the naive formulas with the same kind of lgamma, so it is held to the
 * same bound on its own (naive) magnitudes; the two references together pin the value.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bernoulliEntropy,
  bernoulliLogLik,
  bernoulliNllGrad,
  betaLogLik,
  betaLogPdf,
  betaMoments,
  betaNllGrad,
  binaryEntropy,
  categoricalEntropy,
  categoricalLogLik,
  categoricalNllGrad,
  concentration,
  dirichletLogLik,
  dirichletLogPdf,
  dirichletMoments,
  dirichletNllGrad,
  entropy,
  logSigmoid,
  softmax,
  studentTLogPdf,
  studentTMoments,
  studentTNllGrad,
} from '../../src/math/likelihoods.js';
import { digamma, lgamma } from '../../src/math/special.js';
import { jsonNumber } from '../support/python.js';

type Num = number | string;
interface Reference {
  categorical: { logits: number[]; y: number; torch: Num; exact: Num; grad: Num[]; entropy: Num }[];
  bernoulli: { f: number; y: number; torch: Num; exact: Num; grad: Num; entropy: Num }[];
  beta: { alpha: number; beta: number; y: number; torch: Num; exact: Num }[];
  beta_raw: { raw: [number, number]; y: number; min: number; exact: Num; grad: Num[]; concentration: Num[] }[];
  dirichlet: { alpha: number[]; y: number[]; torch: Num; exact: Num }[];
  dirichlet_raw: { raw: number[]; y: number[]; min: number; exact: Num; grad: Num[] }[];
  student_t: { y: number; loc: number; scale: number; df: number; torch: Num; exact: Num; grad: Num[] }[];
  softplus: { f: number; exact: Num }[];
}

const REF = JSON.parse(readFileSync(new URL('../fixtures/likelihoods/reference.json', import.meta.url), 'utf8')) as Reference;
const EPS = 2 ** -52;
/** Relative accuracy of each term (lgamma, digamma, log: ~1e-15, test/math/special.test.ts) times a few roundings. */
const TERM_REL = 4e-15;

interface Miss {
  readonly at: string;
  readonly got: number;
  readonly want: number;
  readonly tol: number;
}

/** Collects the points that miss, for one readable failure listing them all (NaN never passes). */
function checker() {
  const misses: Miss[] = [];
  return {
    misses,
    check(at: string, got: number, want: number, tol: number) {
      if (!(got === want || Math.abs(got - want) <= tol)) misses.push({ at, got, want, tol });
    },
  };
}

const sumAbs = (...xs: number[]) => xs.reduce((s, x) => s + Math.abs(x), 0);

describe('categorical', () => {
  it('log-softmax matches torch Categorical and mpmath at logits up to +-1e4 (4 eps (|f_y| + |max f| + 1))', () => {
    const c = checker();
    for (const r of REF.categorical) {
      const got = categoricalLogLik(r.logits, r.y);
      // log-softmax = f_y - max - log(sum exp(f - max)): three terms, each of magnitude at most |f_y|, |max|, log K.
      const tol = 4 * EPS * (Math.abs(r.logits[r.y] ?? 0) + Math.max(...r.logits.map(Math.abs)) + Math.log(r.logits.length) + 1);
      c.check(`exact ${JSON.stringify(r.logits)} y=${r.y}`, got, jsonNumber(r.exact), tol);
      c.check(`torch ${JSON.stringify(r.logits)} y=${r.y}`, got, jsonNumber(r.torch), tol);
    }
    expect(c.misses).toEqual([]);
  });

  it('gradient softmax - onehot matches the exact gradient of -log p (2 eps absolute: probabilities are <= 1)', () => {
    const c = checker();
    for (const r of REF.categorical) {
      const g = categoricalNllGrad(r.logits, r.y);
      r.grad.forEach((want, k) => c.check(`${JSON.stringify(r.logits)} y=${r.y} k=${k}`, g[k] ?? NaN, jsonNumber(want), 4 * EPS));
    }
    expect(c.misses).toEqual([]);
  });

  it('entropy from logits matches mpmath; softmax sums to 1; bad labels give -Infinity / NaN', () => {
    const c = checker();
    for (const r of REF.categorical) {
      // H = sum p_k (lse - f_k): terms of magnitude p_k |lse - f_k| <= H-ish plus rounding of lse (4 eps |max f|).
      const tol = 8 * EPS * (jsonNumber(r.entropy) + 1);
      c.check(`${JSON.stringify(r.logits)}`, categoricalEntropy(r.logits), jsonNumber(r.entropy), tol);
      const p = softmax(r.logits);
      c.check(
        `sum ${JSON.stringify(r.logits)}`,
        p.reduce((s, v) => s + v, 0),
        1,
        4 * EPS * p.length,
      );
    }
    expect(c.misses).toEqual([]);
    expect(categoricalLogLik([1, 2, 3], 3)).toBe(-Infinity);
    expect(categoricalLogLik([1, 2, 3], 1.5)).toBe(-Infinity);
    expect(categoricalLogLik([1, 2, 3], -1)).toBe(-Infinity);
    expect(categoricalLogLik([1, NaN, 3], 0)).toBeNaN();
    expect(Array.from(categoricalNllGrad([1, 2], 2)).every(Number.isNaN)).toBe(true);
  });
});

describe('bernoulli', () => {
  it('log-likelihood matches torch Bernoulli(logits) and mpmath at |f| up to 1e4 (relative 4 eps; torch: 4 eps (|f| + 1) absolute)', () => {
    const c = checker();
    for (const r of REF.bernoulli) {
      const got = bernoulliLogLik(r.f, r.y);
      const want = jsonNumber(r.exact);
      c.check(`exact f=${r.f} y=${r.y}`, got, want, 4 * EPS * Math.abs(want));
      // torch: max(f, 0) - f y + log1p(exp(-|f|)), which cancels to an absolute error of eps |f|.
      c.check(`torch f=${r.f} y=${r.y}`, got, jsonNumber(r.torch), 4 * EPS * (Math.abs(r.f) + 1));
      c.check(`grad f=${r.f} y=${r.y}`, bernoulliNllGrad(r.f, r.y), jsonNumber(r.grad), 2 * EPS);
      const h = jsonNumber(r.entropy);
      // Plus the subnormal spacing: at f = -745 the entropy is 2e-321.
      c.check(`entropy f=${r.f}`, bernoulliEntropy(r.f), h, 8 * EPS * h + 1e-310);
    }
    expect(c.misses).toEqual([]);
    expect(bernoulliLogLik(0, 2)).toBe(-Infinity);
    expect(bernoulliLogLik(0, NaN)).toBeNaN();
  });

  it('logSigmoid keeps full relative accuracy in both tails', () => {
    expect(logSigmoid(40)).toBeCloseTo(-Math.exp(-40), 30);
    expect(Math.abs(logSigmoid(40) / -Math.exp(-40) - 1)).toBeLessThan(4 * EPS);
    expect(logSigmoid(-1e4)).toBe(-1e4);
    expect(logSigmoid(0)).toBe(-Math.LN2);
  });
});

/** The magnitude of the Beta log-density's terms: the scale of its float64 rounding. */
function betaMagnitude(a: number, b: number, y: number): number {
  return sumAbs(lgamma(a + b), lgamma(a), lgamma(b), (a - 1) * Math.log(y), (b - 1) * Math.log1p(-y)) + 1e-2;
}

describe('beta', () => {
  it('log-density matches torch Beta and mpmath at concentrations 1e-3 .. 1e6 and y = 1e-7 .. 1 - 1e-7 (4e-15 S)', () => {
    const c = checker();
    for (const r of REF.beta) {
      const got = betaLogPdf(r.y, r.alpha, r.beta);
      const tol = TERM_REL * betaMagnitude(r.alpha, r.beta, r.y);
      c.check(`exact a=${r.alpha} b=${r.beta} y=${r.y}`, got, jsonNumber(r.exact), tol);
      c.check(`torch a=${r.alpha} b=${r.beta} y=${r.y}`, got, jsonNumber(r.torch), 2 * tol);
    }
    expect(c.misses).toEqual([]);
  });

  it('on raw outputs: softplus link, value and gradient of -log p in (f_alpha, f_beta) match mpmath', () => {
    const c = checker();
    for (const r of REF.beta_raw) {
      const [fa, fb] = r.raw;
      const a = concentration(fa, r.min);
      const b = concentration(fb, r.min);
      c.check(`alpha ${fa}`, a, jsonNumber(r.concentration[0] ?? NaN), 2 * EPS * a);
      c.check(`beta ${fb}`, b, jsonNumber(r.concentration[1] ?? NaN), 2 * EPS * b);
      // The concentrations are themselves rounded (2 eps relative); the density moves by |d log p / d a| * 2 eps a.
      const [ga, gb] = betaNllGrad(fa, fb, r.y, r.min);
      const tol = TERM_REL * betaMagnitude(a, b, r.y);
      c.check(`value ${r.raw.join(',')} y=${r.y}`, betaLogLik(fa, fb, r.y, r.min), jsonNumber(r.exact), tol);
      // Gradient -(psi(a+b) - psi(a) + log y) sigmoid(f): magnitude of the bracket's terms times sigmoid.
      const gTol = (alpha: number, log: number, f: number) => 8e-15 * sumAbs(digamma(a + b), digamma(alpha), log, 1) * (1 / (1 + Math.exp(-f)));
      c.check(`grad alpha ${r.raw.join(',')} y=${r.y}`, ga, jsonNumber(r.grad[0] ?? NaN), gTol(a, Math.log(r.y), fa));
      c.check(`grad beta ${r.raw.join(',')} y=${r.y}`, gb, jsonNumber(r.grad[1] ?? NaN), gTol(b, Math.log1p(-r.y), fb));
    }
    expect(c.misses).toEqual([]);
    expect(betaLogPdf(0, 2, 2)).toBe(-Infinity);
    expect(betaLogPdf(1, 2, 2)).toBe(-Infinity);
    expect(betaLogPdf(0.5, 0, 2)).toBeNaN();
  });

  it('moments are the closed form and match a numerical integral of the density', () => {
    // Beta(2, 3): mean 2/5, variance 6 / (25 * 6) = 1/25; raw outputs with softplus(f) = 2 and 3 exactly-ish.
    const inv = (c: number) => Math.log(Math.expm1(c));
    const m = betaMoments(inv(2), inv(3), 0);
    expect(m.mean).toBeCloseTo(0.4, 14);
    expect(m.variance).toBeCloseTo(0.04, 14);
    // Beta(2.5, 4): E[y] and E[y^2] by Simpson's rule over (0, 1) (the density is smooth and 0 at both ends).
    const a = 2.5;
    const b = 4;
    const n = 20000;
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    for (let i = 1; i < n; i++) {
      const y = i / n;
      const w = (i % 2 === 1 ? 4 : 2) / (3 * n);
      const p = Math.exp(betaLogPdf(y, a, b));
      m0 += w * p;
      m1 += w * p * y;
      m2 += w * p * y * y;
    }
    const mm = betaMoments(inv(a), inv(b), 0);
    // Simpson's error here is ~h^1.5 from the sqrt-like edge at y = 0 (alpha - 1 = 1.5): 1e-7 is loose enough.
    expect(Math.abs(m0 - 1)).toBeLessThan(1e-7);
    expect(Math.abs(m1 - mm.mean)).toBeLessThan(1e-7);
    expect(Math.abs(m2 - m1 * m1 - mm.variance)).toBeLessThan(1e-7);
  });
});

describe('dirichlet', () => {
  it('log-density matches torch Dirichlet and mpmath at concentrations 1e-3 .. 1e6 and y_k = 1e-7 (4e-15 S)', () => {
    const c = checker();
    for (const r of REF.dirichlet) {
      const got = dirichletLogPdf(r.y, r.alpha);
      const total = r.alpha.reduce((s, v) => s + v, 0);
      const tol = TERM_REL * (sumAbs(lgamma(total), ...r.alpha.map(lgamma), ...r.alpha.map((a, k) => (a - 1) * Math.log(r.y[k] ?? NaN))) + 1e-2);
      c.check(`exact a=${JSON.stringify(r.alpha)} y=${JSON.stringify(r.y)}`, got, jsonNumber(r.exact), tol);
      c.check(`torch a=${JSON.stringify(r.alpha)} y=${JSON.stringify(r.y)}`, got, jsonNumber(r.torch), 2 * tol);
    }
    expect(c.misses).toEqual([]);
  });

  it('on raw outputs: value and gradient of -log p match mpmath', () => {
    const c = checker();
    for (const r of REF.dirichlet_raw) {
      const alpha = r.raw.map((f) => concentration(f, r.min));
      const total = alpha.reduce((s, v) => s + v, 0);
      const tol = TERM_REL * (sumAbs(lgamma(total), ...alpha.map(lgamma), ...alpha.map((a, k) => (a - 1) * Math.log(r.y[k] ?? NaN))) + 1e-2);
      c.check(`value ${JSON.stringify(r.raw)}`, dirichletLogLik(r.raw, r.y, r.min), jsonNumber(r.exact), tol);
      const g = dirichletNllGrad(r.raw, r.y, r.min);
      r.grad.forEach((want, k) => {
        const gTol = 8e-15 * sumAbs(digamma(total), digamma(alpha[k] ?? NaN), Math.log(r.y[k] ?? NaN), 1);
        c.check(`grad ${JSON.stringify(r.raw)} k=${k}`, g[k] ?? NaN, jsonNumber(want), gTol);
      });
    }
    expect(c.misses).toEqual([]);
    expect(dirichletLogPdf([0.5, 0.5, 0], [1, 1, 1])).toBe(-Infinity);
    expect(dirichletLogPdf([0.5, 0.5], [1, 1, 1])).toBe(-Infinity);
    expect(dirichletLogPdf([0.5, 0.5], [1, -1])).toBeNaN();
  });

  it('moments are the closed form; K = 2 is the Beta', () => {
    const inv = (c: number) => Math.log(Math.expm1(c));
    const raw = [inv(1), inv(2), inv(7)];
    const m = dirichletMoments(raw, 0);
    // alpha = (1, 2, 7), alpha_0 = 10: mean alpha/10, variance alpha (10 - alpha) / (100 * 11).
    [1, 2, 7].forEach((a, k) => {
      expect(m.mean[k]).toBeCloseTo(a / 10, 14);
      expect(m.variance[k]).toBeCloseTo((a * (10 - a)) / 1100, 14);
    });
    const d2 = dirichletMoments([0.3, -1.2], 1e-3);
    const b2 = betaMoments(0.3, -1.2, 1e-3);
    expect(d2.mean[0]).toBeCloseTo(b2.mean, 15);
    expect(d2.variance[0]).toBeCloseTo(b2.variance, 15);
    // A dominant component keeps its tiny variance (others / alpha_0 is not a cancelling difference).
    const dom = dirichletMoments([1e6, -20, -20], 1e-3);
    const others = 2 * concentration(-20, 1e-3);
    const total = concentration(1e6, 1e-3) + others;
    expect(Math.abs((dom.variance[0] ?? NaN) / ((concentration(1e6, 1e-3) * others) / (total * total * (total + 1))) - 1)).toBeLessThan(1e-12);
  });
});

describe('student-t', () => {
  it('log-density matches mpmath at df 1e-2 .. 1e8 to 4e-15 S of its own terms, and torch to 4e-15 S of torch`s', () => {
    const c = checker();
    for (const r of REF.student_t) {
      const got = studentTLogPdf(r.y, r.loc, r.scale, r.df);
      const z = (r.y - r.loc) / r.scale;
      const tail = 0.5 * (r.df + 1) * Math.log1p((z * z) / r.df);
      const x = r.df / 2;
      // Ours: lgamma(x + 1/2) - lgamma(x) directly below x = 20 (their magnitudes), the series above (tiny terms).
      const normaliser = x < 20 ? sumAbs(lgamma(x + 0.5), lgamma(x), 0.5 * Math.log(x)) : 1e-2;
      const ours = TERM_REL * (normaliser + sumAbs(Math.log(r.scale), tail, 1));
      c.check(`exact y=${r.y} loc=${r.loc} scale=${r.scale} df=${r.df}`, got, jsonNumber(r.exact), ours);
      // torch: lgamma((df+1)/2) - lgamma(df/2) - log(df pi)/2 always: ~9e8 at df = 1e8.
      const naive = TERM_REL * sumAbs(lgamma(x + 0.5), lgamma(x), 0.5 * Math.log(r.df * Math.PI), Math.log(r.scale), tail, 1);
      c.check(`torch y=${r.y} loc=${r.loc} scale=${r.scale} df=${r.df}`, got, jsonNumber(r.torch), ours + naive);
    }
    expect(c.misses).toEqual([]);
  });

  it('gradients of -log p in loc, scale and df match mpmath; logDf = df * d/d df', () => {
    const c = checker();
    for (const r of REF.student_t) {
      const g = studentTNllGrad(r.y, r.loc, r.scale, r.df);
      const z = (r.y - r.loc) / r.scale;
      const w = (r.df + 1) / (r.df + z * z);
      const at = `y=${r.y} loc=${r.loc} scale=${r.scale} df=${r.df}`;
      // loc: -w z / scale, a product of 3 roundings (+2 in w).
      c.check(`loc ${at}`, g.loc, jsonNumber(r.grad[0] ?? NaN), 8 * EPS * Math.abs((w * z) / r.scale));
      // scale: (1 - w z^2) / scale cancels where w z^2 ~ 1.
      c.check(`scale ${at}`, g.scale, jsonNumber(r.grad[1] ?? NaN), (8 * EPS * (1 + Math.abs(w * z * z))) / r.scale);
      // df: -H'(df/2)/2 + log1p(z^2/df)/2 - w z^2 / (2 df); H' from digammas below df = 40.
      const x = r.df / 2;
      const hp = x < 20 ? sumAbs(digamma(x + 0.5), digamma(x), 0.5 / x) : 1 / (8 * x * x);
      const dfMag = sumAbs(hp, Math.log1p((z * z) / r.df), (w * z * z) / r.df) + 1e-300;
      c.check(`df ${at}`, g.df, jsonNumber(r.grad[2] ?? NaN), TERM_REL * 2 * dfMag);
      expect(g.logDf).toBe(r.df * g.df);
    }
    expect(c.misses).toEqual([]);
  });

  it('moments follow torch StudentT: variance scale^2 df/(df-2), Infinity for 1 < df <= 2, NaN for df <= 1', () => {
    expect(studentTMoments(1.5, 2, 4)).toEqual({ mean: 1.5, variance: 8 });
    expect(studentTMoments(1.5, 2, 2)).toEqual({ mean: 1.5, variance: Infinity });
    const m = studentTMoments(1.5, 2, 1);
    expect(m.mean).toBeNaN();
    expect(m.variance).toBeNaN();
    // df -> infinity: the Normal's variance.
    expect(studentTMoments(0, 3, 1e12).variance).toBeCloseTo(9, 10);
    expect(studentTLogPdf(0.3, 0, 1, 1e300)).toBeCloseTo(-0.045 - 0.5 * Math.log(2 * Math.PI), 14);
    expect(studentTLogPdf(0, 0, 0, 3)).toBeNaN();
    expect(studentTLogPdf(0, 0, 1, 0)).toBeNaN();
  });
});

describe('gradients against central finite differences of the log-likelihoods themselves', () => {
  /** (f(x+h) - f(x-h)) / 2h; error h^2 f'''/6 + eps |f| / h, so h = 1e-5 gives ~1e-9 at these O(1) points. */
  const fd = (fn: (t: number) => number, x: number, h = 1e-5 * Math.max(1, Math.abs(x))) => (fn(x + h) - fn(x - h)) / (2 * h);
  const TOL = 1e-7;

  it('categorical, bernoulli, beta, dirichlet (raw outputs) and student-t (loc, scale, df, log df)', () => {
    const logits = [0.3, -1.2, 2.5];
    const g = categoricalNllGrad(logits, 1);
    logits.forEach((v, k) =>
      expect(
        Math.abs(
          fd(
            (t) =>
              -categoricalLogLik(
                logits.map((u, j) => (j === k ? t : u)),
                1,
              ),
            v,
          ) - (g[k] ?? NaN),
        ),
      ).toBeLessThan(TOL),
    );
    expect(Math.abs(fd((t) => -bernoulliLogLik(t, 1), 0.7) - bernoulliNllGrad(0.7, 1))).toBeLessThan(TOL);
    const [ga, gb] = betaNllGrad(0.4, -0.9, 0.3, 1e-3);
    expect(Math.abs(fd((t) => -betaLogLik(t, -0.9, 0.3, 1e-3), 0.4) - ga)).toBeLessThan(TOL);
    expect(Math.abs(fd((t) => -betaLogLik(0.4, t, 0.3, 1e-3), -0.9) - gb)).toBeLessThan(TOL);
    const raw = [0.2, 1.1, -0.5];
    const y = [0.2, 0.5, 0.3];
    const gd = dirichletNllGrad(raw, y, 1e-3);
    raw.forEach((v, k) =>
      expect(
        Math.abs(
          fd(
            (t) =>
              -dirichletLogLik(
                raw.map((u, j) => (j === k ? t : u)),
                y,
                1e-3,
              ),
            v,
          ) - (gd[k] ?? NaN),
        ),
      ).toBeLessThan(TOL),
    );
    for (const df of [0.7, 3, 35, 45, 500]) {
      const gt = studentTNllGrad(1.7, 0.4, 0.8, df);
      expect(Math.abs(fd((t) => -studentTLogPdf(1.7, t, 0.8, df), 0.4) - gt.loc)).toBeLessThan(TOL);
      expect(Math.abs(fd((t) => -studentTLogPdf(1.7, 0.4, t, df), 0.8) - gt.scale)).toBeLessThan(TOL);
      expect(Math.abs(fd((t) => -studentTLogPdf(1.7, 0.4, 0.8, t), df) - gt.df)).toBeLessThan(TOL);
      expect(Math.abs(fd((u) => -studentTLogPdf(1.7, 0.4, 0.8, Math.exp(u)), Math.log(df)) - gt.logDf)).toBeLessThan(TOL);
    }
  });
});

describe('entropy of a probability vector', () => {
  it('is log K for the uniform, 0 for one-hot (0 log 0 = 0), and NaN for a negative entry', () => {
    expect(entropy([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(Math.log(4), 15);
    expect(entropy([0, 1, 0])).toBe(0);
    expect(entropy([0.5, 0.5, 0])).toBeCloseTo(Math.LN2, 15);
    expect(entropy([-0.1, 1.1])).toBeNaN();
    expect(binaryEntropy(0.5)).toBeCloseTo(Math.LN2, 15);
    expect(binaryEntropy(0)).toBe(0);
    expect(binaryEntropy(1)).toBe(0);
    // H(0.1) = -0.1 ln 0.1 - 0.9 ln 0.9.
    expect(binaryEntropy(0.1)).toBeCloseTo(-0.1 * Math.log(0.1) - 0.9 * Math.log(0.9), 15);
  });
});
