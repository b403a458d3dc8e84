/**
 * The WGSL likelihood library (shaders/lib/likelihood.wgsl, lib/likelihood-classes.wgsl) against
 * its float64 twin (src/math/likelihoods.ts) at the same points: the awkward points of the torch
 * reference (logits +-1e4, concentrations 1e-3 .. 1e6, y at 1e-7 and 1 - 1e-7, df 1e-2 .. 1e8)
 * plus random ordinary ones.
 *
 * Tolerances from float32 rounding. The inputs are rounded to float32 first and the float64 twin is
 * evaluated at those rounded inputs, so only the GPU's arithmetic is measured. A float32 sum of
 * terms t_i, each off by r relative, is off by r * S, S = sum |t_i| (the magnitude the float64 test
 * uses too); r is u = 2^-24 per rounding times the few roundings of a term, and WGSL's exp/log are
 * held to 3 ulp (log to 2^-21 absolute near 1), lib/math's lgamma to ~1e-6 relative (its test), so
 * r = 64 u ~ 4e-6 covers every term with room; values near 0 get an absolute floor of 64 u times
 * the largest input term (e.g. a logit). NaN never passes.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import {
  bernoulliEntropy,
  bernoulliLogLik,
  bernoulliNllGrad,
  betaLogLik,
  betaMoments,
  betaNllGrad,
  categoricalEntropy,
  categoricalLogLik,
  categoricalNllGrad,
  concentration,
  dirichletLogLik,
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
import { normalAt, type Key } from '../../src/random/draws.js';
import { betaDraw, bernoulliDraw, categoricalDraw, dirichletDraw, logGammaDrawAt, observationUniform, studentTDraw } from '../../src/random/observation-draws.js';
import { STREAM_OBSERVATION } from '../../src/random/streams.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { probeLikelihoods, type ProbeEntry } from '../support/likelihood-probe.js';
import { testRng } from '../support/model-builders.js';

const U = 2 ** -24;
const R = 64 * U;
const f = Math.fround;
const sumAbs = (...xs: number[]) => xs.reduce((s, x) => s + Math.abs(x), 0);

interface Expectation {
  readonly at: string;
  readonly want: number;
  readonly tol: number;
}

/** One probe entry and what each of its outputs must be (undefined: not checked). */
interface Case {
  readonly entry: ProbeEntry;
  readonly expect: readonly (Expectation | undefined)[];
}

const REF = JSON.parse(readFileSync(new URL('../fixtures/likelihoods/reference.json', import.meta.url), 'utf8')) as {
  bernoulli: { f: number; y: number }[];
  beta_raw: { raw: [number, number]; y: number; min: number }[];
  student_t: { y: number; loc: number; scale: number; df: number }[];
  categorical: { logits: number[]; y: number }[];
  dirichlet_raw: { raw: number[]; y: number[]; min: number }[];
};

function bernoulliCase(logit: number, y: number): Case {
  const x = f(logit);
  const at = `bernoulli f=${x} y=${y}`;
  return {
    entry: { mode: 'bernoulli', inputs: [x, y] },
    expect: [
      // log p: one log1p and a product; magnitude |log sigmoid| of either sign.
      { at: `${at} log p`, want: bernoulliLogLik(x, y), tol: R * sumAbs(logSigmoid(x), logSigmoid(-x)) + 1e-30 },
      { at: `${at} grad`, want: bernoulliNllGrad(x, y), tol: R },
      { at: `${at} entropy`, want: bernoulliEntropy(x), tol: R * (bernoulliEntropy(x) + 1e-30) },
      { at: `${at} log sigmoid`, want: logSigmoid(x), tol: R * Math.abs(logSigmoid(x)) + 1e-30 },
    ],
  };
}

function betaCase(fa0: number, fb0: number, y0: number, min0: number): Case {
  const [fa, fb, y, min] = [f(fa0), f(fb0), f(y0), f(min0)];
  const a = concentration(fa, min);
  const b = concentration(fb, min);
  const at = `beta f=(${fa}, ${fb}) y=${y} min=${min}`;
  // The f32 log-beta works on terms of size a, b (Stirling differences), and the data terms (a-1) log y, (b-1) log(1-y).
  const mag = sumAbs(a, b, Math.log(a + b), lgamma(Math.min(a, b)), (a - 1) * Math.log(y), (b - 1) * Math.log1p(-y)) + 1;
  const [ga, gb] = betaNllGrad(fa, fb, y, min);
  const psi = sumAbs(digamma(a + b), digamma(a), digamma(b), Math.log(y), Math.log1p(-y)) + 1;
  const m = betaMoments(fa, fb, min);
  return {
    entry: { mode: 'beta', inputs: [fa, fb, y, min] },
    expect: [
      { at: `${at} log p`, want: betaLogLik(fa, fb, y, min), tol: R * mag },
      { at: `${at} grad a`, want: ga, tol: R * psi },
      { at: `${at} grad b`, want: gb, tol: R * psi },
      { at: `${at} mean`, want: m.mean, tol: R * m.mean },
      { at: `${at} variance`, want: m.variance, tol: R * m.variance },
    ],
  };
}

function studentTCase(y0: number, loc0: number, scale0: number, df0: number): Case {
  const [y, loc, scale, df] = [f(y0), f(loc0), f(scale0), f(df0)];
  const at = `student-t y=${y} loc=${loc} scale=${scale} df=${df}`;
  const z = (y - loc) / scale;
  const tail = 0.5 * (df + 1) * Math.log1p((z * z) / df);
  const x = df / 2;
  // Below x = 8 the normaliser is lgamma(x + 1/2) - lgamma(x) - log(x)/2 directly; above, a tiny series.
  const norm = x < 8 ? sumAbs(lgamma(x + 0.5), lgamma(x), 0.5 * Math.log(x)) : 0;
  // z itself is rounded (y - loc, then / scale): the tail moves by d tail / dz * z * 2u.
  const dTail = (((df + 1) * z * z) / (df + z * z)) * 2 * U;
  const g = studentTNllGrad(y, loc, scale, df);
  const w = (df + 1) / (df + z * z);
  const hp = x < 8 ? sumAbs(digamma(x + 0.5), digamma(x), 0.5 / x) : 1 / (8 * x * x);
  const dfMag = sumAbs(hp, Math.log1p((z * z) / df), (w * z * z) / df);
  const variance = studentTMoments(loc, scale, df).variance;
  return {
    entry: { mode: 'studentT', inputs: [y, loc, scale, df] },
    expect: [
      { at: `${at} log p`, want: studentTLogPdf(y, loc, scale, df), tol: R * sumAbs(norm, Math.log(scale), tail, 1) + dTail },
      { at: `${at} grad loc`, want: g.loc, tol: (R * Math.abs(w * z)) / scale + 1e-30 },
      { at: `${at} grad scale`, want: g.scale, tol: (R * (1 + Math.abs(w * z * z))) / scale },
      // The df gradient takes a log1p and digamma differences: 4x the usual room.
      { at: `${at} grad df`, want: g.df, tol: 4 * R * dfMag + 1e-30 },
      { at: `${at} grad log df`, want: g.logDf, tol: 4 * R * dfMag * df + 1e-30 },
      { at: `${at} variance`, want: Number.isFinite(variance) ? variance : -1, tol: R * (Number.isFinite(variance) ? variance : 0) },
    ],
  };
}

function categoricalCase(logits0: readonly number[], label: number): Case {
  const logits = logits0.map(f);
  const at = `categorical ${JSON.stringify(logits)} y=${label}`;
  const scale = Math.max(...logits.map(Math.abs)) + 1;
  const g = categoricalNllGrad(logits, label);
  const p = softmax(logits);
  return {
    entry: { mode: 'categorical', inputs: [...logits, label] },
    expect: [
      // (f_y - max) - log sum: f_y - max exact (Sterbenz) when close, else rounded: u |f_y - max|; exp inside the sum: R.
      { at: `${at} log p`, want: categoricalLogLik(logits, label), tol: R * (Math.abs(categoricalLogLik(logits, label)) + 1) + 2 * U * scale },
      ...[0, 1, 2].map((k) => ({ at: `${at} grad ${k}`, want: g[k] ?? NaN, tol: R })),
      { at: `${at} entropy`, want: categoricalEntropy(logits), tol: R * categoricalEntropy(logits) + 1e-38 },
      ...[0, 1, 2].map((k) => ({ at: `${at} p${k}`, want: p[k] ?? NaN, tol: R * (p[k] ?? 0) + 1e-38 })),
    ],
  };
}

function dirichletCase(raw0: readonly number[], y0: readonly number[], min0: number): Case {
  const raw = raw0.map(f);
  const y = y0.map(f);
  const min = f(min0);
  const at = `dirichlet ${JSON.stringify(raw)} y=${JSON.stringify(y)} min=${min}`;
  const alpha = raw.map((v) => concentration(v, min));
  const total = alpha.reduce((s, v) => s + v, 0);
  const mag = sumAbs(total, ...alpha.map((a) => lgamma(Math.min(a, 8))), ...alpha.map((a, k) => (a - 1) * Math.log(y[k] ?? NaN))) + 1;
  const g = dirichletNllGrad(raw, y, min);
  const m = dirichletMoments(raw, min);
  return {
    entry: { mode: 'dirichlet', inputs: [...raw, ...y, min] },
    expect: [
      { at: `${at} log p`, want: dirichletLogLik(raw, y, min), tol: R * mag },
      ...[0, 1, 2].map((k) => ({
        at: `${at} grad ${k}`,
        want: g[k] ?? NaN,
        tol: R * (sumAbs(digamma(total), digamma(alpha[k] ?? NaN), Math.log(y[k] ?? NaN)) + 1),
      })),
      { at: `${at} mean0`, want: m.mean[0] ?? NaN, tol: R * (m.mean[0] ?? NaN) },
      { at: `${at} variance0`, want: m.variance[0] ?? NaN, tol: R * (m.variance[0] ?? NaN) },
      { at: `${at} entropy of y`, want: entropy(y), tol: R * entropy(y) },
    ],
  };
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const r of REF.bernoulli) out.push(bernoulliCase(r.f, r.y));
  for (const r of REF.beta_raw) out.push(betaCase(r.raw[0], r.raw[1], r.y, r.min));
  for (const r of REF.student_t) out.push(studentTCase(r.y, r.loc, r.scale, r.df));
  for (const r of REF.categorical) if (r.logits.length === 3) out.push(categoricalCase(r.logits, r.y));
  for (const r of REF.dirichlet_raw) if (r.raw.length === 3) out.push(dirichletCase(r.raw, r.y, r.min));
  const rand = testRng(11);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  for (let i = 0; i < 200; i++) {
    const logit = 4 * normal();
    out.push(bernoulliCase(logit, i % 2));
    // Concentrations from 1e-3 to 1e6 via raw outputs over [-7, 1e6] and min 1e-3.
    const rawA = i % 4 === 0 ? 10 ** (6 * rand()) : 4 * normal();
    const rawB = i % 5 === 0 ? 10 ** (6 * rand()) : 4 * normal();
    const y = i % 3 === 0 ? 10 ** (-7 * rand()) : rand();
    out.push(betaCase(rawA, rawB, Math.min(Math.max(y, 1e-7), 1 - 1e-7), 1e-3));
    out.push(studentTCase(normal() * 5, normal(), 10 ** (3 * rand() - 1.5), 10 ** (10 * rand() - 2)));
    out.push(categoricalCase([5 * normal(), 5 * normal(), 5 * normal()], i % 3));
    const yy = [rand() + 1e-3, rand() + 1e-3, rand() + 1e-3];
    const s = yy.reduce((p, v) => p + v, 0);
    out.push(
      dirichletCase(
        [4 * normal(), 4 * normal(), 4 * normal()],
        yy.map((v) => v / s),
        1e-3,
      ),
    );
  }
  return out;
}

describeGpu('WGSL likelihood library', () => {
  const ctx = gpu!;

  it('matches src/math/likelihoods.ts at the awkward points and 1000 random ones within float32 tolerances', async () => {
    const all = cases();
    const got = await probeLikelihoods(
      ctx,
      all.map((c) => c.entry),
    );
    const misses: string[] = [];
    let worst = 0;
    all.forEach((c, i) => {
      c.expect.forEach((e, k) => {
        if (!e) return;
        const v = got[8 * i + k] ?? NaN;
        const err = Math.abs(v - e.want);
        if (!(err <= e.tol) && v !== e.want) misses.push(`${e.at}: got ${v}, want ${e.want} (tol ${e.tol.toExponential(2)})`);
        else if (e.tol > 0) worst = Math.max(worst, err / e.tol);
      });
    });
    expect(misses.slice(0, 40)).toEqual([]);
    // Measured on SwiftShader: the worst point used 0.70 of its tolerance (a Student-t log p).
    expect(worst).toBeGreaterThan(0);
  });

  it('draws the same observations as src/random/observation-draws.ts (uniforms and Bernoulli exactly, the rest within float32 error)', async () => {
    const key: Key = [0x9e3779b9, 0x7f4a7c15];
    const rand = testRng(5);
    const entries: ProbeEntry[] = [];
    const params: { s: number; e: number; a: number; b: number; p: number; loc: number; scale: number; df: number }[] = [];
    const CONC = [1e-3, 0.3, 2.5, 40, 1e3, 1e6];
    const DF = [0.5, 3, 40, 1e4];
    for (let i = 0; i < 1200; i++) {
      const s = i % 100;
      const e = Math.floor(rand() * 1e6);
      const a = f(CONC[i % CONC.length] ?? 1);
      const b = f(CONC[Math.floor(i / CONC.length) % CONC.length] ?? 1);
      const pp = f(rand());
      const loc = f(4 * rand() - 2);
      const scale = f(0.1 + 2 * rand());
      const df = f(DF[i % DF.length] ?? 3);
      params.push({ s, e, a, b, p: pp, loc, scale, df });
      entries.push({ mode: 'draws', inputs: [s, e, a, b, pp, loc, scale, df] });
    }
    const classEntries: { s: number; n: number; q: number[] }[] = [];
    for (let i = 0; i < 600; i++) {
      const w = [rand() + 0.01, rand() + 0.01, rand() + 0.01];
      const sum = w.reduce((p, v) => p + v, 0);
      // Probabilities (rounded to f32 as the GPU sees them), also used as Dirichlet concentrations (x 1, 30 or 1e-2).
      const q = w.map((v) => f((v / sum) * [1, 30, 1e-2][i % 3]!));
      classEntries.push({ s: i % 50, n: Math.floor(rand() * 1e5), q });
      entries.push({ mode: 'classDraws', inputs: [i % 50, classEntries[i]!.n, ...q] });
    }
    const got = await probeLikelihoods(ctx, entries, key);

    /**
     * log G's float32 error when both sides accept the same attempt: log G = log d + 3 log1p(c x)
     * inherits the Box-Muller normal x's error (5e-4 (1 + |x|) on SwiftShader, test/kernels/random.gpu.test.ts;
     * |x| <= 5.8 since u >= 2^-24) times 3c, plus R per term (|log u| / a <= 17 / a when boosted).
     */
    const logGammaTol = (a: number) => {
      const d = (a < 1 ? a + 1 : a) - 1 / 3;
      return 3 * (1 / Math.sqrt(9 * d)) * 5e-4 * 6.8 + R * (Math.abs(Math.log(d)) + 3 + (a < 1 ? 17 / a : 0));
    };
    let uniformMismatch = 0;
    let gammaMismatch = 0;
    const misses: string[] = [];
    params.forEach((q, i) => {
      const o = (k: number) => got[8 * i + k] ?? NaN;
      // The uniform is a 24-bit grid value, exact in f32; the Bernoulli compares two exact f32 values.
      if (o(4) !== observationUniform(key, q.s, q.e)) uniformMismatch++;
      if (o(1) !== bernoulliDraw(key, q.s, q.e, q.p)) uniformMismatch++;
      // Marsaglia-Tsang accepts on a float comparison: f32 and f64 may disagree at the boundary
      // (~1e-6 per draw), which moves a draw far; those are counted, the rest held to logGammaTol.
      const lg = logGammaDrawAt(key, q.s, q.e, q.a);
      const tolA = logGammaTol(q.a);
      if (!(Math.abs(o(0) - lg) <= tolA)) gammaMismatch++;
      const y = betaDraw(key, q.s, q.e, q.a, q.b);
      // y = sigmoid(g1 - g2): dy = y (1 - y) (dg1 + dg2), plus R y for the sigmoid.
      if (!(Math.abs(o(2) - y) <= y * (1 - y) * (tolA + logGammaTol(q.b)) + R * y + 1e-38)) gammaMismatch++;
      const t = studentTDraw(key, q.s, q.e, q.loc, q.scale, q.df);
      const z = normalAt(key, q.s, STREAM_OBSERVATION, q.e);
      const r = (t - q.loc) / (q.scale * z);
      // (t - loc) = scale z r: z's error 5e-4 (1 + |z|), r = exp((log(df/2) - log G)/2) off by half log G's tolerance.
      const tolT = q.scale * Math.abs(r) * (5e-4 * (1 + Math.abs(z)) + Math.abs(z) * (0.5 * logGammaTol(q.df / 2) + R)) + R * Math.abs(q.loc) + R * Math.abs(t);
      if (!(Math.abs(o(3) - t) <= tolT)) {
        gammaMismatch++;
        if (gammaMismatch > 4) misses.push(`student-t ${JSON.stringify(q)}: got ${o(3)}, want ${t} (tol ${tolT})`);
      }
    });
    let categoricalMismatch = 0;
    classEntries.forEach((c, j) => {
      const i = params.length + j;
      const o = (k: number) => got[8 * i + k] ?? NaN;
      const sum = c.q.reduce((p, v) => p + v, 0);
      if (
        o(0) !==
        categoricalDraw(
          key,
          c.s,
          c.n,
          c.q.map((v) => v / sum),
        )
      )
        categoricalMismatch++;
      const y = dirichletDraw(key, c.s, 3 * c.n, c.q);
      const tol = Math.max(...c.q.map(logGammaTol));
      // y_k = softmax(log G)_k: dy_k <= y_k (d log G_k + sum_j y_j d log G_j) <= 2 y_k tol, plus R y_k.
      for (let k = 0; k < 3; k++) {
        if (!(Math.abs(o(1 + k) - (y[k] ?? NaN)) <= (y[k] ?? NaN) * (2 * tol + R) + 1e-38)) {
          gammaMismatch++;
          if (gammaMismatch > 4) misses.push(`dirichlet ${JSON.stringify(c)} k=${k}: got ${o(1 + k)}, want ${y[k]}`);
        }
      }
    });
    expect(misses).toEqual([]);
    expect(uniformMismatch).toBe(0);
    // Categorical draws use the unnormalised q on the GPU: probabilities q/sum, cumulated in f32, so
    // a u within ~1e-7 of a partial sum may fall on the other side (expected ~1e-3 of 600 draws).
    expect(categoricalMismatch).toBeLessThanOrEqual(1);
    // ~1e-6 per Gamma decision, a few thousand decisions: at most 4 of them (SwiftShader: 0, and the
    // worst log G used 0.31 of its tolerance).
    expect(gammaMismatch).toBeLessThanOrEqual(4);
  });
});
