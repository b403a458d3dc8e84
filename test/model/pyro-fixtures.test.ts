/**
 * Real Pyro 1.8.6 exports: the engine must reproduce Pyro's own posterior predictive (20000
 * samples of pyro.infer.Predictive) on the fixtures' x grid, within Monte-Carlo error.
 *
 * Tolerance: for each grid point, z = (ours - Pyro) / SE with SE combining both estimates' Monte-Carlo
 * standard errors: mean: sqrt(v/20000 + v/S); std: sqrt((m4 - v^2)/(4 v) * (1/20000 + 1/S)) from our
 * samples' fourth central moment m4 (the delta-method SE of a sample std). We assert max |z| < 5 over
 * the 3 x 61 checks per fixture (declared false-failure rate < 3e-4 per fixture under normality).
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { modelFromBytes } from '../../src/model/format.js';
import { describeGpu, gpu } from '../support/gpu.js';

interface Fixture {
  readonly predictive: {
    readonly num_samples: number;
    readonly x: number[][];
    readonly f_mean: number[];
    readonly f_std: number[];
    readonly y_std: number[];
  };
}

const S = 20000;
const Z_MAX = 5;

function load(name: string) {
  const dir = new URL('../fixtures/pyro/', import.meta.url);
  const model = modelFromBytes(new Uint8Array(readFileSync(new URL(`${name}.safetensors`, dir))));
  const fixture = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
  return { model, fixture };
}

/** Worst |z| of each statistic, for the issue note. */
export const worstZ: Record<string, number> = {};

describeGpu('Pyro fixtures', () => {
  it.each(['toy1d', 'seedquirk'])('%s: f mean, f std and y std match Pyro within Monte-Carlo error', async (name) => {
    const { model, fixture } = load(name);
    const p = fixture.predictive;
    const engine = Engine.create(gpu!, model);
    const r = await engine.predict(p.x, { samples: S, seed: 20240601, returnSamples: true });
    engine.dispose();
    const n = p.x.length;
    const nPyro = p.num_samples;
    const report = { fMean: 0, fStd: 0, yStd: 0 };
    for (let i = 0; i < n; i++) {
      let m2 = 0;
      let m4 = 0;
      const mean = r.mean[i]!;
      for (let s = 0; s < S; s++) {
        const d = r.fSamples![s * n + i]! - mean;
        m2 += d * d;
        m4 += d * d * d * d;
      }
      m2 /= S;
      m4 /= S;
      const seMean = Math.sqrt(m2 / nPyro + m2 / S);
      const seStd = Math.sqrt((Math.max(m4 - m2 * m2, 1e-12) / (4 * m2)) * (1 / nPyro + 1 / S));
      const yVar = r.std[i]! ** 2;
      // y = f + noise: a normal-theory SE for the std of y (Pyro's y_std comes from 20000 draws of y).
      const seYStd = Math.sqrt(yVar / (2 * nPyro) + ((seStd * r.epistemicStd[i]!) / r.std[i]!) ** 2);
      report.fMean = Math.max(report.fMean, Math.abs(mean - p.f_mean[i]!) / seMean);
      report.fStd = Math.max(report.fStd, Math.abs(r.epistemicStd[i]! - p.f_std[i]!) / seStd);
      report.yStd = Math.max(report.yStd, Math.abs(r.std[i]! - p.y_std[i]!) / seYStd);
    }
    worstZ[name] = Math.max(report.fMean, report.fStd, report.yStd);
    console.log(`${name}: worst |z| f_mean ${report.fMean.toFixed(2)}, f_std ${report.fStd.toFixed(2)}, y_std ${report.yStd.toFixed(2)}`);
    expect(report.fMean).toBeLessThan(Z_MAX);
    expect(report.fStd).toBeLessThan(Z_MAX);
    expect(report.yStd).toBeLessThan(Z_MAX);
  });
});

interface ClassifierFixture {
  readonly predictive: {
    readonly num_samples: number;
    readonly x: number[][];
    readonly probs_mean: number[][];
    readonly probs_std: number[][];
    readonly entropy: number[];
    readonly expected_entropy: number[];
    readonly mutual_information: number[];
  };
}

/** Mean and variance of values[s] over s. */
function meanVar(values: Float64Array): [number, number] {
  let m = 0;
  for (const v of values) m += v;
  m /= values.length;
  let v2 = 0;
  for (const v of values) v2 += (v - m) ** 2;
  return [m, v2 / values.length];
}

/**
 * blobs3, Pyro's Categorical BNN: probs mean and std, entropy H[p̄], expected entropy and mutual
 * information on its 169-point grid. Each z = (ours − Pyro)/SE with SE² = (1/S + 1/20000) times the
 * per-sample variance of the statistic's influence function, from our samples' probabilities p_s
 * (the delta method): p_s,k for probs_mean; ((p_s,k − p̄_k)² − v)/(2 sd) for probs_std; the
 * linearisation −Σ_k (log p̄_k + 1) p_s,k for H[p̄]; H[p_s] for the expected entropy; their difference
 * for the mutual information. Where a statistic has next to no spread (a grid point far from the
 * data, p̄ ≈ 1) the SE gets a floor of float32 rounding, 1e-6 (|value| + 1e-2) (both sides compute
 * in float32). Assert max |z| < 5 over the 169 x 11 checks (declared false-failure rate < 1e-3 under
 * normality of the estimates).
 */
describeGpu('Pyro classifier fixture', () => {
  it('blobs3: probs mean and std, entropy, expected entropy and mutual information match Pyro within Monte-Carlo error', async () => {
    const dir = new URL('../fixtures/pyro/', import.meta.url);
    const model = modelFromBytes(new Uint8Array(readFileSync(new URL('blobs3.safetensors', dir))));
    const fixture = JSON.parse(readFileSync(new URL('blobs3.json', dir), 'utf8')) as ClassifierFixture;
    expect(model.spec.likelihood).toEqual({ kind: 'categorical', classes: 3 });
    const p = fixture.predictive;
    const engine = Engine.create(gpu!, model);
    const r = await engine.predict(p.x, { samples: S, seed: 20240601, returnSamples: true });
    engine.dispose();
    const N = p.x.length;
    const K = 3;
    const factor = 1 / S + 1 / p.num_samples;
    const report = { probsMean: 0, probsStd: 0, entropy: 0, expectedEntropy: 0, mutualInformation: 0 };
    const z = (key: keyof typeof report, ours: number, theirs: number, variance: number) => {
      const se = Math.sqrt(variance * factor + (1e-6 * (Math.abs(theirs) + 1e-2)) ** 2);
      report[key] = Math.max(report[key], Math.abs(ours - theirs) / se);
    };
    const probs = new Float64Array(S * K);
    const h = new Float64Array(S);
    const linear = new Float64Array(S);
    const mi = new Float64Array(S);
    const dev = new Float64Array(S);
    for (let n = 0; n < N; n++) {
      for (let s = 0; s < S; s++) {
        const f = r.fSamples!.subarray((s * N + n) * K, (s * N + n + 1) * K);
        const m = Math.max(...f);
        const e = Array.from(f, (v) => Math.exp(v - m));
        const total = e.reduce((a, b) => a + b, 0);
        let hs = 0;
        for (let k = 0; k < K; k++) {
          const pk = e[k]! / total;
          probs[s * K + k] = pk;
          if (pk > 0) hs -= pk * Math.log(pk);
        }
        h[s] = hs;
      }
      for (let s = 0; s < S; s++) {
        let l = 0;
        for (let k = 0; k < K; k++) l -= (Math.log(r.probs![n * K + k]!) + 1) * probs[s * K + k]!;
        linear[s] = l;
        mi[s] = l - h[s]!;
      }
      for (let k = 0; k < K; k++) {
        const column = Float64Array.from({ length: S }, (_, s) => probs[s * K + k]!);
        const [mean, v] = meanVar(column);
        const sd = Math.sqrt(v);
        for (let s = 0; s < S; s++) dev[s] = ((column[s]! - mean) ** 2 - v) / (2 * sd);
        z('probsMean', r.probs![n * K + k]!, p.probs_mean[n]![k]!, v);
        z('probsStd', r.probsStd![n * K + k]!, p.probs_std[n]![k]!, meanVar(dev)[1]);
      }
      z('entropy', r.entropy![n]!, p.entropy[n]!, meanVar(linear)[1]);
      z('expectedEntropy', r.expectedEntropy![n]!, p.expected_entropy[n]!, meanVar(h)[1]);
      z('mutualInformation', r.mutualInformation![n]!, p.mutual_information[n]!, meanVar(mi)[1]);
    }
    worstZ['blobs3'] = Math.max(...Object.values(report));
    console.log(
      `blobs3: worst |z| ${Object.entries(report)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
    for (const v of Object.values(report)) expect(v).toBeLessThan(Z_MAX);
  });
});
