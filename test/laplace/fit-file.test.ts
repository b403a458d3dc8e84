/**
 * Laplace posterior files (src/laplace/fit-file.ts): what `train --posterior-out` writes and
 * `predict` reads back for the linearised predictive.
 * 1. Round trip: the linearised predictive of the file equals the in-memory fit's for every
 *    structure, homoscedastic and with a heteroscedastic head. The file stores float32 (relative
 *    rounding 6e-8); the last-layer covariance is rebuilt from the float32 Cholesky factor of H, so its
 *    error is that rounding times H's condition number (< 1e3 for these 2-3-1 fits), well inside the
 *    1e-4 relative tolerance used; KFAC's eigenvectors are orthonormal to float32 rounding.
 * 2. Hostile files: truncated, a tensor of the wrong shape, NaN, a Cholesky factor that is not
 *    lower triangular or has a non-positive diagonal, non-orthonormal eigenvectors, non-positive
 *    variances, a stray tensor, unknown or missing metadata keys, a model file: ModelFormatErrors
 *    naming the problem. A classifier's posterior is refused on write (InvalidInputError).
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, ModelFormatError } from '../../src/errors.js';
import { laplaceFitFromBytes, laplaceFitToBytes, laplaceFromTheta, linearizedPredict, type LaplaceFit, type LaplaceStructure } from '../../src/laplace/index.js';
import { laplaceMapModel } from '../../src/laplace/fit-file.js';
import { modelToBytes } from '../../src/model/format.js';
import { parseSafetensors, serializeSafetensors } from '../../src/model/safetensors.js';
import type { Tensor } from '../../src/model/spec.js';
import { trainLayout } from '../../src/objective/layout.js';
import { prepareRun } from '../../src/objective/prepare.js';
import type { ArchitectureSpec } from '../../src/objective/types.js';
import { testRng } from '../support/model-builders.js';

const rand = testRng(4242);
const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
const xs = Array.from({ length: 24 }, () => [4 * rand() - 2, 4 * rand() - 2]);
const ys = xs.map((r) => 3 * Math.sin(r[0]!) + r[1]! + 10 + 0.2 * (rand() - 0.5));
const probe = Array.from({ length: 7 }, () => [6 * rand() - 3, 6 * rand() - 3]);
const probeY = probe.map((r) => 3 * Math.sin(r[0]!) + r[1]! + 10);

function fitOf(structure: LaplaceStructure, heteroscedastic: boolean): LaplaceFit {
  const options = { method: 'laplace' as const, epochs: 1, heteroscedastic, laplace: structure === 'diagonal' ? { structure } : { structure, samples: 2 } };
  const run = prepareRun(arch, { x: xs, y: ys }, { method: 'map', epochs: 1, heteroscedastic });
  const layout = trainLayout(arch, 'map', false, run.likelihood);
  const theta = Float64Array.from({ length: layout.size }, () => 1.2 * (rand() - 0.5));
  if (!heteroscedastic) theta[layout.noise] = Math.log(0.4);
  return laplaceFromTheta(arch, { x: xs, y: ys }, options, [theta]).fits[0]!;
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what: string) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    expect(Number.isFinite(g), `${what}[${i}] finite`).toBe(true);
    expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(rtol * (1 + Math.abs(w)));
  }
};

describe('round trip: the file gives the linearised predictive of the fit', () => {
  it.each([
    ['last-layer', false],
    ['diagonal', false],
    ['kfac', false],
    ['last-layer', true],
    ['diagonal', true],
    ['kfac', true],
  ] as const)('%s, heteroscedastic %s: mean, std, epistemic, aleatoric and log density to 1e-4 relative', (structure, heteroscedastic) => {
    const fit = fitOf(structure, heteroscedastic);
    const read = laplaceFitFromBytes(laplaceFitToBytes(fit));
    expect(read.posterior.structure).toBe(structure);
    expect(read.layout.heteroscedastic).toBe(heteroscedastic);
    expect(read.priorPrecision).toBeCloseTo(fit.posterior.priorPrecision, 12);
    expect(read.logEvidence).toBe(fit.posterior.logEvidence);
    if (heteroscedastic) expect(read.posterior.sigma).toBeNaN();
    else expect(read.posterior.sigma).toBe(fit.posterior.sigma);
    const want = linearizedPredict(fit, probe, probeY);
    const got = linearizedPredict(read, probe, probeY);
    close(got.mean, want.mean, 1e-4, 'mean');
    close(got.std, want.std, 1e-4, 'std');
    close(got.epistemicStd, want.epistemicStd, 1e-4, 'epistemic std');
    close(got.aleatoricStd, want.aleatoricStd, 1e-4, 'aleatoric std');
    close(got.logPredictiveDensity!, want.logPredictiveDensity!, 1e-4, 'log density');
    // The epistemic part is what the covariance carries: it must not vanish (a lost Σ would pass the mean).
    expect(Math.min(...want.epistemicStd)).toBeGreaterThan(1e-3);
    // The MAP network the CLI checks inputs against has the fit's input width and standardisation.
    const model = laplaceMapModel(read);
    expect(model.spec.inputDim).toBe(2);
    expect(model.spec.standardization?.xMean).toEqual(fit.info.standardization.xMean);
  });
});

/** The file's tensors and metadata, to be edited and written again. */
function parts(structure: LaplaceStructure): { tensors: Map<string, Tensor>; metadata: Record<string, string>; laplace: Record<string, unknown> } {
  const file = parseSafetensors(laplaceFitToBytes(fitOf(structure, false)));
  const tensors = new Map<string, Tensor>([...file.tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]));
  const metadata = { ...file.metadata };
  return { tensors, metadata, laplace: JSON.parse(metadata['laplace']!) as Record<string, unknown> };
}

function rewrite(p: ReturnType<typeof parts>): Uint8Array {
  return serializeSafetensors(p.tensors, { ...p.metadata, laplace: JSON.stringify(p.laplace) });
}

function refused(bytes: Uint8Array, message: RegExp): void {
  expect(() => laplaceFitFromBytes(bytes)).toThrow(ModelFormatError);
  expect(() => laplaceFitFromBytes(bytes)).toThrow(message);
}

describe('hostile files are ModelFormatErrors naming the problem', () => {
  it('truncated bytes, and a model file that is not a posterior', () => {
    const bytes = laplaceFitToBytes(fitOf('diagonal', false));
    refused(bytes.subarray(0, bytes.length - 9), /./);
    refused(bytes.subarray(0, 5), /shorter than the 8-byte header/);
    const model = laplaceMapModel(laplaceFitFromBytes(bytes));
    refused(modelToBytes(model), /not a Laplace posterior file/);
  });

  it('a tensor of the wrong shape, a missing one, a stray one, NaN', () => {
    const a = parts('diagonal');
    a.tensors.set('variances', { shape: [3], data: new Float32Array(3).fill(1) });
    refused(rewrite(a), /'variances' has shape \[3\], expected \[\d+\]/);
    const b = parts('diagonal');
    b.tensors.delete('theta');
    refused(rewrite(b), /missing tensor 'theta'/);
    const c = parts('diagonal');
    c.tensors.set('extra', { shape: [1], data: Float32Array.of(1) });
    refused(rewrite(c), /tensor 'extra' does not belong to a 'diagonal' posterior/);
    const d = parts('diagonal');
    d.tensors.get('theta')!.data[0] = NaN;
    refused(rewrite(d), /'theta' holds a value that is not finite/);
    const e = parts('diagonal');
    e.tensors.get('variances')!.data[2] = 0;
    refused(rewrite(e), /'variances' entry 2 is 0, not positive/);
  });

  it('a Cholesky factor above the diagonal or with a non-positive diagonal', () => {
    const a = parts('last-layer');
    const L = a.tensors.get('precision_cholesky')!;
    const P = L.shape[0]!;
    L.data[1] = 0.5;
    refused(rewrite(a), /not lower triangular \(row 0, column 1\)/);
    const b = parts('last-layer');
    b.tensors.get('precision_cholesky')!.data[P + 1] = -1;
    refused(rewrite(b), /diagonal entry 1 = -1, not positive/);
  });

  it('KFAC eigenvectors that are not orthonormal, and a missing factor', () => {
    const a = parts('kfac');
    a.tensors.get('kron.0.unit_vectors')!.data[0]! *= 1.01;
    refused(rewrite(a), /'kron.0.unit_vectors' is not orthonormal/);
    const b = parts('kfac');
    b.tensors.delete('kron.1.input_values');
    refused(rewrite(b), /missing tensor 'kron.1.input_values'/);
  });

  it('metadata: unknown key, bad structure, likelihood, sigma, architecture, version', () => {
    const edits: [(l: Record<string, unknown>, m: Record<string, string>) => void, RegExp][] = [
      [(l) => (l['temperature'] = 1), /unknown metadata key 'temperature'/],
      [(l) => (l['structure'] = 'full'), /structure must be one of last-layer, diagonal, kfac/],
      [(l) => (l['likelihood'] = 'categorical'), /likelihood must be 'normal'/],
      [(l) => (l['sigma'] = -1), /sigma must be a finite positive number/],
      [(l) => (l['sigma'] = null), /sigma must be a finite positive number/],
      [(l) => (l['priorPrecision'] = 0), /priorPrecision must be a finite positive number/],
      [(l) => ((l['architecture'] as Record<string, unknown>)['inputDim'] = 0), /architecture.inputDim must be a positive integer/],
      [(l) => ((l['architecture'] as Record<string, unknown>)['activation'] = 'swish'), /architecture: /],
      [(l) => ((l['standardization'] as Record<string, unknown>)['xStd'] = [1, 0]), /standardization.xStd must be 2 finite positive numbers/],
      [(_, m) => (m['version'] = '9'), /version "9" is not supported/],
    ];
    for (const [edit, message] of edits) {
      const p = parts('diagonal');
      edit(p.laplace, p.metadata);
      refused(rewrite(p), message);
    }
  });

  it("a classifier's posterior is refused on write", () => {
    const labels = xs.map((r) => (r[0]! > 0 ? 1 : 0));
    const run = prepareRun(arch, { x: xs, y: labels }, { method: 'map', epochs: 1, likelihood: 'categorical', classes: 2 });
    const layout = trainLayout(arch, 'map', false, run.likelihood);
    const theta = Float64Array.from({ length: layout.size }, () => rand() - 0.5);
    const fit = laplaceFromTheta(arch, { x: xs, y: labels }, { method: 'laplace', epochs: 1, likelihood: 'categorical', classes: 2, laplace: { structure: 'diagonal' } }, [theta])
      .fits[0]!;
    expect(() => laplaceFitToBytes(fit)).toThrow(InvalidInputError);
    expect(() => laplaceFitToBytes(fit)).toThrow(/normal likelihood's posterior \(regression\), not 'categorical'/);
  });
});
