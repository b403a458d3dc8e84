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
});
