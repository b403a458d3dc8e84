/**
 * Laplace posterior files: what the linearised predictive (linearized.ts) needs, so that a posterior
 * built by `train --method laplace --posterior-out <file>` can be predicted later (`predict <file>`)
 * without the training data. A model file holds the posterior's draws, which for every-layer
 * structures underfit (Immer et al. 2021); this file holds the posterior itself.
 *
 * safetensors; `__metadata__` = { format: "webgpu-bnn", version: "1", laplace: <JSON> } with the
 * JSON { structure, architecture: { inputDim, hidden, activation }, likelihood: "normal",
 * heteroscedastic, standardization: { xMean, xStd, yMean, yStd }, sigma (null with a head),
 * priorPrecision, logEvidence }. Tensors (float32, as every tensor this library writes):
 * - `theta` [size]: the MAP θ in the 'map' layout of the architecture (objective/layout.ts);
 * - 'last-layer': `precision_cholesky` [P, P], L with H = L Lᵀ (lower triangular, positive
 *   diagonal), so Σ = H⁻¹ is rebuilt positive definite in float64 whatever the rounding;
 * - 'diagonal': `variances` [P], 1/H_ii;
 * - 'kfac': `variances` [P], Σ's eigenvalues in the eigenbasis order, and per layer l
 *   `kron.<l>.unit_values` [U], `kron.<l>.unit_vectors` [U, U], `kron.<l>.input_values` [I],
 *   `kron.<l>.input_vectors` [I, I] (I = inputs + 1); the vectors orthonormal to 1e-4.
 * Regression with a Normal likelihood only: the CLI's report of a classifier's linearised
 * predictive (probit probabilities, entropies) is not built. Anything else in a file is a
 * ModelFormatError naming it.
 */
import { InvalidInputError, ModelFormatError } from '../errors.js';
import { FORMAT_NAME, FORMAT_VERSION } from '../model/format.js';
import { quoteName } from '../model/names.js';
import { parseSafetensors, serializeSafetensors } from '../model/safetensors.js';
import type { Model, Standardization, Tensor } from '../model/spec.js';
import { parseJsonStrict, previewJson } from '../model/strict-json.js';
import type { ArchitectureSpec } from '../objective/architecture.js';
import { trainLayout, type TrainLayout } from '../objective/layout.js';
import { NORMAL_TRAINING } from '../objective/likelihood.js';
import { thetaToModel } from '../objective/to-model.js';
import { laplaceParams, LAPLACE_STRUCTURES, type KronFactors, type LaplaceStructure } from './ggn.js';
import type { LaplaceFit } from './laplace.js';
import { inverseFromCholesky } from './linalg.js';
import type { LinearizedFit } from './linearized.js';

/** The metadata key that marks a Laplace posterior file. */
const LAPLACE_KEY = 'laplace';

/** Largest |VᵀV − I| entry accepted for stored eigenvectors: float32 rounding of an orthonormal matrix is ~1e-7. */
const ORTHONORMAL_TOLERANCE = 1e-4;

const METADATA_KEYS = ['structure', 'architecture', 'likelihood', 'heteroscedastic', 'standardization', 'sigma', 'priorPrecision', 'logEvidence'] as const;

interface LaplaceFileMetadata {
  readonly structure: LaplaceStructure;
  readonly architecture: ArchitectureSpec;
  readonly likelihood: 'normal';
  readonly heteroscedastic: boolean;
  readonly standardization: Standardization;
  readonly sigma: number | null;
  readonly priorPrecision: number;
  readonly logEvidence: number;
}

/** A Laplace posterior read from a file: the linearised predictive's inputs and the architecture. */
export interface LaplaceFileFit extends LinearizedFit {
  readonly architecture: ArchitectureSpec;
  readonly priorPrecision: number;
  readonly logEvidence: number;
}

function architectureOf(layout: TrainLayout): ArchitectureSpec {
  const first = layout.layers[0];
  if (!first) throw new RangeError('internal: a network without layers');
  return { inputDim: first.inputs, hidden: layout.layers.slice(0, -1).map((l) => l.units), activation: first.activation };
}

function tensor(shape: readonly number[], values: ArrayLike<number>): Tensor {
  return { shape, data: Float32Array.from(values) };
}

/** Whether parsed safetensors metadata marks a Laplace posterior file. */
export function isLaplaceMetadata(metadata: Readonly<Record<string, string>>): boolean {
  return metadata['format'] === FORMAT_NAME && metadata[LAPLACE_KEY] !== undefined;
}

/** The posterior as a file's bytes (InvalidInputError for what the file does not hold: a likelihood other than the Normal, a value beyond float32). */
export function laplaceFitToBytes(fit: LaplaceFit): Uint8Array {
  const { layout, posterior, info } = fit;
  if (layout.likelihood.kind !== 'normal') {
    throw new InvalidInputError(`a Laplace posterior file holds a normal likelihood's posterior (regression), not '${layout.likelihood.kind}'`);
  }
  const tensors = new Map<string, Tensor>([['theta', tensor([layout.size], posterior.theta)]]);
  const P = posterior.params.length;
  if (posterior.structure === 'last-layer') {
    if (!posterior.precisionCholesky) throw new RangeError('internal: a last-layer posterior without its Cholesky factor');
    tensors.set('precision_cholesky', tensor([P, P], posterior.precisionCholesky));
  } else {
    tensors.set('variances', tensor([P], posterior.covariance));
  }
  posterior.kron?.forEach((f, l) => {
    tensors.set(`kron.${l}.unit_values`, tensor([f.units], f.unitFactor.values));
    tensors.set(`kron.${l}.unit_vectors`, tensor([f.units, f.units], f.unitFactor.vectors));
    tensors.set(`kron.${l}.input_values`, tensor([f.inputs], f.inputFactor.values));
    tensors.set(`kron.${l}.input_vectors`, tensor([f.inputs, f.inputs], f.inputFactor.vectors));
  });
  for (const [name, t] of tensors) {
    if (!t.data.every(Number.isFinite)) throw new InvalidInputError(`the Laplace posterior's ${name} is not finite in float32`);
  }
  const metadata: LaplaceFileMetadata = {
    structure: posterior.structure,
    architecture: architectureOf(layout),
    likelihood: 'normal',
    heteroscedastic: layout.heteroscedastic,
    standardization: info.standardization,
    sigma: Number.isNaN(posterior.sigma) ? null : posterior.sigma,
    priorPrecision: posterior.priorPrecision,
    logEvidence: posterior.logEvidence,
  };
  return serializeSafetensors(tensors, { format: FORMAT_NAME, version: FORMAT_VERSION, [LAPLACE_KEY]: JSON.stringify(metadata) });
}

function fail(message: string): never {
  throw new ModelFormatError(`Laplace posterior file: ${message}`);
}

function finiteArray(value: unknown, length: number, what: string, positive = false): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0))) {
    fail(`${what} must be ${length} finite${positive ? ' positive' : ''} numbers, got ${previewJson(value)}`);
  }
  return value as number[];
}

function positiveNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) fail(`${what} must be a finite positive number, got ${previewJson(value)}`);
  return value;
}

function readMetadata(text: string): LaplaceFileMetadata {
  const raw = parseJsonStrict(text, { what: `${FORMAT_NAME} Laplace posterior file: __metadata__.${LAPLACE_KEY}` });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`__metadata__.${LAPLACE_KEY} must be an object, got ${previewJson(raw)}`);
  const m = raw as Record<string, unknown>;
  const unknown = Object.keys(m).find((k) => !(METADATA_KEYS as readonly string[]).includes(k));
  if (unknown !== undefined) fail(`unknown metadata key ${quoteName(unknown)} (known: ${METADATA_KEYS.join(', ')})`);
  const structure = m['structure'];
  if (!(LAPLACE_STRUCTURES as readonly unknown[]).includes(structure)) fail(`structure must be one of ${LAPLACE_STRUCTURES.join(', ')}, got ${previewJson(structure)}`);
  if (m['likelihood'] !== 'normal') fail(`likelihood must be 'normal' (regression), got ${previewJson(m['likelihood'])}`);
  if (typeof m['heteroscedastic'] !== 'boolean') fail(`heteroscedastic must be true or false, got ${previewJson(m['heteroscedastic'])}`);
  const arch = m['architecture'] as Record<string, unknown> | null;
  if (typeof arch !== 'object' || arch === null || Array.isArray(arch)) fail(`architecture must be an object, got ${previewJson(arch)}`);
  const extra = Object.keys(arch).find((k) => k !== 'inputDim' && k !== 'hidden' && k !== 'activation');
  if (extra !== undefined) fail(`unknown architecture key ${quoteName(extra)} (known: inputDim, hidden, activation)`);
  const architecture = { inputDim: arch['inputDim'], hidden: arch['hidden'], activation: arch['activation'] } as ArchitectureSpec;
  const inputDim = architecture.inputDim;
  if (!Number.isSafeInteger(inputDim) || inputDim < 1) fail(`architecture.inputDim must be a positive integer, got ${previewJson(inputDim)}`);
  const s = m['standardization'] as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) fail(`standardization must be an object, got ${previewJson(s)}`);
  const standardization: Standardization = {
    xMean: finiteArray(s['xMean'], inputDim, 'standardization.xMean'),
    xStd: finiteArray(s['xStd'], inputDim, 'standardization.xStd', true),
    yMean: finiteArray(s['yMean'], 1, 'standardization.yMean'),
    yStd: finiteArray(s['yStd'], 1, 'standardization.yStd', true),
  };
  const heteroscedastic = m['heteroscedastic'];
  const sigma = heteroscedastic
    ? m['sigma'] === null
      ? null
      : fail(`sigma must be null with a heteroscedastic head, got ${previewJson(m['sigma'])}`)
    : positiveNumber(m['sigma'], 'sigma');
  const logEvidence = m['logEvidence'];
  if (typeof logEvidence !== 'number' || !Number.isFinite(logEvidence)) fail(`logEvidence must be a finite number, got ${previewJson(logEvidence)}`);
  return {
    structure: structure as LaplaceStructure,
    architecture,
    likelihood: 'normal',
    heteroscedastic,
    standardization,
    sigma,
    priorPrecision: positiveNumber(m['priorPrecision'], 'priorPrecision'),
    logEvidence,
  };
}

/** Row-major n x n V with |VᵀV − I| <= ORTHONORMAL_TOLERANCE everywhere. */
function checkOrthonormal(v: Float64Array, n: number, name: string): void {
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (v[k * n + a] as number) * (v[k * n + b] as number);
      if (!(Math.abs(s - (a === b ? 1 : 0)) <= ORTHONORMAL_TOLERANCE)) fail(`${quoteName(name)} is not orthonormal (column ${a} · column ${b} = ${s})`);
    }
  }
}

/** Reads and checks a Laplace posterior file (ModelFormatError naming what is wrong). */
export function laplaceFitFromBytes(bytes: Uint8Array): LaplaceFileFit {
  const file = parseSafetensors(bytes);
  if (!isLaplaceMetadata(file.metadata)) fail(`__metadata__ has no format '${FORMAT_NAME}' with a '${LAPLACE_KEY}' entry: not a Laplace posterior file`);
  if (file.metadata['version'] !== FORMAT_VERSION) fail(`version ${previewJson(file.metadata['version'])} is not supported (this library reads version ${FORMAT_VERSION})`);
  const meta = readMetadata(file.metadata[LAPLACE_KEY] ?? '');
  let layout: TrainLayout;
  try {
    layout = trainLayout(meta.architecture, 'map', false, { ...NORMAL_TRAINING, heteroscedastic: meta.heteroscedastic });
  } catch (error) {
    fail(`architecture: ${(error as Error).message}`);
  }
  const params = laplaceParams(layout, meta.structure);
  const P = params.length;
  const used = new Set<string>();
  const read = (name: string, shape: readonly number[]): Float64Array => {
    const t = file.tensors.get(name);
    if (!t) fail(`missing tensor ${quoteName(name)} [${shape.join(', ')}]`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      fail(`tensor ${quoteName(name)} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    if (!t.data.every(Number.isFinite)) fail(`tensor ${quoteName(name)} holds a value that is not finite`);
    used.add(name);
    return Float64Array.from(t.data);
  };
  const theta = read('theta', [layout.size]);
  let covariance: Float64Array;
  let kron: KronFactors[] | null = null;
  if (meta.structure === 'last-layer') {
    const l = read('precision_cholesky', [P, P]);
    for (let i = 0; i < P; i++) {
      if (!((l[i * P + i] as number) > 0)) fail(`'precision_cholesky' has diagonal entry ${i} = ${l[i * P + i]}, not positive`);
      for (let j = i + 1; j < P; j++) if (l[i * P + j] !== 0) fail(`'precision_cholesky' is not lower triangular (row ${i}, column ${j})`);
    }
    covariance = inverseFromCholesky(l, P);
  } else {
    covariance = read('variances', [P]);
    const bad = covariance.findIndex((v) => !(v > 0));
    if (bad >= 0) fail(`'variances' entry ${bad} is ${covariance[bad]}, not positive`);
    if (meta.structure === 'kfac') {
      kron = layout.layers.map((layer, l): KronFactors => {
        const U = layer.units;
        const I = layer.inputs + 1;
        const unitVectors = read(`kron.${l}.unit_vectors`, [U, U]);
        const inputVectors = read(`kron.${l}.input_vectors`, [I, I]);
        checkOrthonormal(unitVectors, U, `kron.${l}.unit_vectors`);
        checkOrthonormal(inputVectors, I, `kron.${l}.input_vectors`);
        return {
          units: U,
          inputs: I,
          unitFactor: { values: read(`kron.${l}.unit_values`, [U]), vectors: unitVectors },
          inputFactor: { values: read(`kron.${l}.input_values`, [I]), vectors: inputVectors },
        };
      });
    }
  }
  const stray = [...file.tensors.keys()].find((name) => !used.has(name));
  if (stray !== undefined) fail(`tensor ${quoteName(stray)} does not belong to a '${meta.structure}' posterior`);
  return {
    layout,
    posterior: { structure: meta.structure, params, theta, sigma: meta.sigma ?? NaN, covariance, kron },
    info: { standardization: meta.standardization },
    architecture: meta.architecture,
    priorPrecision: meta.priorPrecision,
    logEvidence: meta.logEvidence,
  };
}

/** The posterior's MAP network as a model (its point weights, its σ or head): what inputs and targets are checked against. */
export function laplaceMapModel(fit: LaplaceFileFit): Model {
  return thetaToModel(fit.layout, fit.posterior.theta, { standardization: fit.info.standardization, dropout: 0, tau: NaN, priorScale: 1 / Math.sqrt(fit.priorPrecision) });
}
