/**
 * The float64 oracle's forward pass: the same maths and the same random draws as the GPU kernels, so
 * a GPU result can be checked sample by sample. Draws come only from src/random/draws.ts, addressed
 * exactly as the kernels address them (see src/random/streams.ts); nothing here depends on the GPU.
 *
 * Joint path: each posterior sample draws every weight once and runs all inputs through the same
 * network. Marginal path: each layer's pre-activations are drawn per input from their exact Gaussian
 * given the layer's input (local reparameterisation). Both share the dropout masks and noise draws.
 */
import { toMatrix } from '../inputs.js';
import { InvalidInputError, ModelFormatError } from '../errors.js';
import { applyActivation, sigmoid, softplus } from '../math/activations.js';
import type { SamplingPath } from '../infer/types.js';
import { normalLikelihood, scaleLikelihood, targetDim, layerInputs, outputDim, tensorNames } from '../model/spec.js';
import type { Activation, Model, ModelSpec } from '../model/spec.js';
import { dropoutKeep, gammaDraw, noiseNormal, normalAt } from '../random/draws.js';
import type { Key } from '../random/draws.js';
import { drawObservations } from './observations.js';
import { STREAM_DROPOUT, STREAM_MARGINAL, STREAM_OBSERVATION, STREAM_WEIGHTS, dropoutKeepThreshold, layerStream, memberKey } from '../random/streams.js';

/** A matrix given as N rows, or flat row-major (length a multiple of the row length). */
export type OracleInput = ArrayLike<number> | readonly (readonly number[])[];

export interface OracleSampleOptions {
  readonly samples: number;
  readonly seed: number;
  readonly path: SamplingPath;
  /** Global index of the first posterior sample (default 0), so one chunk of a GPU run can be checked. */
  readonly sampleOffset?: number;
  /** Ensemble member index: its draws use memberKey(seed, member) (default 0: the seed's own key). */
  readonly member?: number;
}

export interface OracleSamples {
  readonly n: number;
  readonly outputDim: number;
  readonly samples: number;
  /** Network output per sample, in y units, [S, N, D]. */
  readonly f: Float64Array;
  /** Observation scale per sample, input and output, after the link and standardisation, [S, N, D]. */
  readonly scale: Float64Array;
  /** sigma per sample before the link and standardisation, [S]; NaN for a heteroscedastic head (sigma varies per input). */
  readonly sigma: Float64Array;
  /**
   * A draw of y per sample, [S, N, targetDim]: f + scale * eps for a Normal model, eps from the
   * observation stream at element n * D + d; the others' from src/reference/observations.ts.
   */
  readonly y: Float64Array;
  /** The last layer's outputs per sample, [S, N, units] (a Beta's two halves, a Dirichlet's K raw concentrations). */
  readonly raw: Float64Array;
}

/** x or y as a flat row-major Float64Array: the engine's validation, so both reject the same input. */
function readMatrix(value: OracleInput, cols: number, what: string): { data: Float64Array; rows: number } {
  const { data, rows } = toMatrix(value, cols, what);
  return { data, rows };
}

/** y as N rows of D (or flat N*D), finite. */
export function readTargets(values: OracleInput, N: number, D: number): Float64Array {
  if (!Array.isArray(values[0]) && values.length !== N * D) {
    throw new InvalidInputError(`y has ${values.length} values, expected N*D = ${N}*${D}`);
  }
  const { data, rows } = readMatrix(values, D, 'y');
  if (rows !== N) throw new InvalidInputError(`y has ${rows} rows, expected ${N} (one per row of x)`);
  return data;
}

/** Read x (N rows of inputDim) and apply the input standardisation the network was trained with. */
export function readInputs(spec: ModelSpec, x: OracleInput): { data: Float64Array; rows: number } {
  const { data, rows } = readMatrix(x, spec.inputDim, 'x');
  if (rows === 0) throw new InvalidInputError('x has no rows');
  const st = spec.standardization;
  if (st) {
    checkLength(st.xMean.length, spec.inputDim, 'standardization.xMean');
    checkLength(st.xStd.length, spec.inputDim, 'standardization.xStd');
    for (let i = 0; i < data.length; i++) {
      const c = i % spec.inputDim;
      data[i] = ((data[i] ?? 0) - (st.xMean[c] ?? 0)) / (st.xStd[c] ?? 1);
    }
  }
  return { data, rows };
}

function checkLength(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new ModelFormatError(`${what} has ${actual} elements, expected ${expected}`);
}

function tensorData(model: Model, name: string, length: number): Float64Array {
  const t = model.tensors.get(name);
  if (!t) throw new ModelFormatError(`tensor '${name}' is missing`);
  checkLength(t.data.length, length, `tensor '${name}'`);
  return Float64Array.from(t.data);
}

/** One layer's constants in float64, loaded once per run. */
export interface LayerConstants {
  readonly index: number;
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  /** Posterior loc of [W (units*inputs, row-major), bias (units)]: the order of the weight stream's elements. */
  readonly loc: Float64Array;
  /** Posterior scale in the same order; null for a delta posterior (no draws). */
  readonly scale: Float64Array | null;
  readonly bnScale: Float64Array | null;
  readonly bnShift: Float64Array | null;
  /** Negative-side slope per unit for leaky_relu / prelu (unused otherwise). */
  readonly slopes: Float64Array;
  /** dropoutKeepThreshold(rate), or null without dropout. */
  readonly keepThreshold: number | null;
  /** 1/(1-rate): the inverted-dropout factor of a kept unit. */
  readonly keepFactor: number;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Load and check every layer's tensors; a missing or mis-sized tensor is a ModelFormatError. */
export function loadLayers(model: Model): LayerConstants[] {
  const { spec } = model;
  return spec.layers.map((layer, l) => {
    const inputs = layerInputs(spec, l);
    const units = layer.units;
    if (!(layer.dropout >= 0 && layer.dropout < 1)) {
      throw new ModelFormatError(`layer ${l} dropout ${layer.dropout} is outside [0, 1)`);
    }
    const wLoc = tensorData(model, tensorNames.weightLoc(l), units * inputs);
    const bLoc = tensorData(model, tensorNames.biasLoc(l), units);
    // A delta half gets zero scales: loc + 0 * z is loc exactly, as the kernels' "no draw".
    const anyNormal = layer.weight.posterior === 'normal' || layer.bias.posterior === 'normal';
    const wScale = layer.weight.posterior === 'normal' ? tensorData(model, tensorNames.weightScale(l), units * inputs) : new Float64Array(units * inputs);
    const bScale = layer.bias.posterior === 'normal' ? tensorData(model, tensorNames.biasScale(l), units) : new Float64Array(units);
    let slopes: Float64Array = new Float64Array(units);
    if (layer.activation === 'leaky_relu') slopes.fill(layer.leakySlope);
    if (layer.activation === 'prelu') {
      const t = model.tensors.get(tensorNames.preluSlope(l));
      if (!t) throw new ModelFormatError(`tensor '${tensorNames.preluSlope(l)}' is missing`);
      if (t.data.length === 1) slopes.fill(t.data[0] ?? 0);
      else slopes = tensorData(model, tensorNames.preluSlope(l), units);
    }
    return {
      index: l,
      inputs,
      units,
      activation: layer.activation,
      loc: concat(wLoc, bLoc),
      scale: anyNormal ? concat(wScale, bScale) : null,
      bnScale: layer.batchNorm ? tensorData(model, tensorNames.bnScale(l), units) : null,
      bnShift: layer.batchNorm ? tensorData(model, tensorNames.bnShift(l), units) : null,
      slopes,
      keepThreshold: layer.dropout > 0 ? dropoutKeepThreshold(layer.dropout) : null,
      keepFactor: 1 / (1 - layer.dropout),
    };
  });
}

/** Batch-norm and activation of one pre-activation (shared by both paths and by scoring). */
function finish(c: LayerConstants, j: number, pre: number): number {
  const v = c.bnScale && c.bnShift ? pre * (c.bnScale[j] ?? 1) + (c.bnShift[j] ?? 0) : pre;
  return applyActivation(c.activation, v, c.slopes[j] ?? 0);
}

/** Per-input-unit dropout factors (0 or 1/(1-p)) of one (sample, layer); null without dropout. */
function dropoutFactors(c: LayerConstants, key: Key, sample: number): Float64Array | null {
  if (c.keepThreshold === null) return null;
  const stream = layerStream(c.index, STREAM_DROPOUT);
  const m = new Float64Array(c.inputs);
  for (let i = 0; i < c.inputs; i++) m[i] = dropoutKeep(key, sample, stream, i, c.keepThreshold) ? c.keepFactor : 0;
  return m;
}

/**
 * One dense layer on `rows` inputs with fixed parameters [W, b]: out = act(bn(W (mask * h) + b)).
 * `masked` is scratch of length inputs.
 */
export function denseLayer(c: LayerConstants, params: Float64Array, input: Float64Array, rows: number, mask: Float64Array | null, out: Float64Array, masked: Float64Array): void {
  const { inputs, units } = c;
  const biasAt = units * inputs;
  for (let n = 0; n < rows; n++) {
    const [h, at] = maskedInput(input, n, inputs, mask, masked);
    for (let j = 0; j < units; j++) {
      let acc = params[biasAt + j] ?? 0;
      const row = j * inputs;
      for (let i = 0; i < inputs; i++) acc += (params[row + i] ?? 0) * (h[at + i] ?? 0);
      out[n * units + j] = finish(c, j, acc);
    }
  }
}

/**
 * Where input row n lives with the dropout factors applied: the row of `input` itself (no mask), or
 * `scratch` filled with mask * row. Returned as (array, offset) to avoid a subarray per row.
 */
function maskedInput(input: Float64Array, n: number, inputs: number, mask: Float64Array | null, scratch: Float64Array): [Float64Array, number] {
  if (!mask) return [input, n * inputs];
  for (let i = 0; i < inputs; i++) scratch[i] = (input[n * inputs + i] ?? 0) * (mask[i] ?? 0);
  return [scratch, 0];
}

/** Marginal-path layer: pre_nj = mu + sqrt(var) * z with z element n*units + j of the layer's marginal stream. */
function marginalLayer(
  c: LayerConstants,
  key: Key,
  sample: number,
  input: Float64Array,
  rows: number,
  mask: Float64Array | null,
  variance: Float64Array | null,
  out: Float64Array,
  masked: Float64Array,
): void {
  const { inputs, units, loc } = c;
  const biasAt = units * inputs;
  const stream = layerStream(c.index, STREAM_MARGINAL);
  for (let n = 0; n < rows; n++) {
    const [h, at] = maskedInput(input, n, inputs, mask, masked);
    for (let j = 0; j < units; j++) {
      const row = j * inputs;
      let mu = loc[biasAt + j] ?? 0;
      for (let i = 0; i < inputs; i++) mu += (loc[row + i] ?? 0) * (h[at + i] ?? 0);
      let pre = mu;
      if (variance) {
        let v = variance[biasAt + j] ?? 0;
        for (let i = 0; i < inputs; i++) {
          const hi = h[at + i] ?? 0;
          v += (variance[row + i] ?? 0) * hi * hi;
        }
        pre += Math.sqrt(v) * normalAt(key, sample, stream, n * units + j);
      }
      out[n * units + j] = finish(c, j, pre);
    }
  }
}

/** sigma of one posterior sample from the noise model (NaN for a heteroscedastic head). */
function noiseSampler(model: Model): (key: Key, sample: number) => number {
  const scale = scaleLikelihood(model.spec.likelihood);
  if (!scale) return () => NaN;
  const noise = scale.noise;
  switch (noise.kind) {
    case 'fixed':
      return () => noise.sigma;
    case 'heteroscedastic':
      return () => NaN;
    case 'lognormal': {
      const loc = tensorData(model, tensorNames.noiseLoc, 1)[0] ?? 0;
      const scale = tensorData(model, tensorNames.noiseScale, 1)[0] ?? 0;
      return (key, s) => Math.exp(loc + scale * noiseNormal(key, s));
    }
    case 'logitnormal': {
      // AutoNormal's interval transform: sigma = low + (high - low) * sigmoid(u), u ~ Normal(loc, scale).
      const loc = tensorData(model, tensorNames.noiseLoc, 1)[0] ?? 0;
      const scale = tensorData(model, tensorNames.noiseScale, 1)[0] ?? 0;
      const { low, high } = noise;
      return (key, s) => low + (high - low) * sigmoid(loc + scale * noiseNormal(key, s));
    }
    case 'gamma': {
      const conc = tensorData(model, tensorNames.noiseConcentration, 1)[0] ?? 1;
      const rate = tensorData(model, tensorNames.noiseRate, 1)[0] ?? 1;
      return (key, s) => gammaDraw(key, s, conc) / rate;
    }
  }
}

/**
 * From the last layer's outputs ([rows, units]) write f and the observation scale in y units at
 * `offset` of [rows, D] blocks: the heteroscedastic head's sigma is softplus(raw) + minScale, then
 * the link (sigma or sigma^2), then the output standardisation. Assumes checkHead(spec) passed.
 */
export function writeHead(spec: ModelSpec, last: Float64Array, rows: number, sigma: number, f: Float64Array, scale: Float64Array, offset: number): void {
  const D = outputDim(spec);
  const units = spec.layers[spec.layers.length - 1]?.units ?? D;
  const likelihood = scaleLikelihood(spec.likelihood);
  if (!likelihood) {
    // No noise model (a classifier): f is the raw outputs (the logits), never standardised; no scale.
    for (let n = 0; n < rows; n++) for (let d = 0; d < D; d++) f[offset + n * D + d] = last[n * units + d] ?? 0;
    return;
  }
  const noise = likelihood.noise;
  const squared = likelihood.link === 'sigma2';
  const st = spec.standardization;
  for (let n = 0; n < rows; n++) {
    for (let d = 0; d < D; d++) {
      const s = noise.kind === 'heteroscedastic' ? softplus(last[n * units + D + d] ?? 0) + noise.minScale : sigma;
      const linked = squared ? s * s : s;
      const fv = last[n * units + d] ?? 0;
      const at = offset + n * D + d;
      f[at] = st ? (st.yMean[d] ?? 0) + (st.yStd[d] ?? 1) * fv : fv;
      scale[at] = st ? (st.yStd[d] ?? 1) * linked : linked;
    }
  }
}

/** Check what writeHead relies on: an even heteroscedastic head and output standardisation of length D. */
export function checkHead(spec: ModelSpec): void {
  const D = outputDim(spec);
  if (!Number.isInteger(D)) throw new ModelFormatError('a heteroscedastic head needs an even number of last-layer units');
  const st = scaleLikelihood(spec.likelihood) ? spec.standardization : null;
  if (st) {
    checkLength(st.yMean.length, D, 'standardization.yMean');
    checkLength(st.yStd.length, D, 'standardization.yStd');
  }
}

/** Check the sample count and offset (integers, S >= 1) shared by the oracle's entry points. */
function checkSamples(samples: number, sampleOffset: number): void {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new InvalidInputError(`samples must be an integer >= 1, got ${String(samples)}`);
  }
  if (!Number.isInteger(sampleOffset) || sampleOffset < 0 || sampleOffset + samples > 2 ** 32) {
    throw new InvalidInputError(`sampleOffset ${String(sampleOffset)} with ${samples} samples leaves the u32 sample counter`);
  }
}

/** f, scale and sigma for posterior samples sampleOffset .. sampleOffset+S-1 at inputs x. */
export function oracleSamples(model: Model, x: OracleInput, opts: OracleSampleOptions): OracleSamples {
  const { spec } = model;
  const S = opts.samples;
  const offset = opts.sampleOffset ?? 0;
  checkSamples(S, offset);
  if (opts.path !== 'joint' && opts.path !== 'marginal') {
    throw new InvalidInputError(`path must be 'joint' or 'marginal', got ${String(opts.path)}`);
  }
  const key = memberKey(opts.seed, opts.member ?? 0);
  const { data: xs, rows: N } = readInputs(spec, x);
  const layers = loadLayers(model);
  const drawSigma = noiseSampler(model);
  // A Normal model's y is drawn here (f + scale * eps); the others' by drawObservations.
  const noisy = normalLikelihood(spec.likelihood) !== null;
  checkHead(spec);
  const D = outputDim(spec);
  const units = spec.layers[spec.layers.length - 1]?.units ?? D;

  const outs = layers.map((c) => new Float64Array(N * c.units));
  const scratch = layers.map((c) => new Float64Array(c.inputs));
  const params = layers.map((c) => new Float64Array(c.loc.length));
  const variances = layers.map((c) => (c.scale ? c.scale.map((v) => v * v) : null));
  const f = new Float64Array(S * N * D);
  const scale = new Float64Array(S * N * D);
  const sigma = new Float64Array(S);
  const Y = targetDim(spec);
  const y = new Float64Array(S * N * Y);
  const raw = new Float64Array(S * N * units);

  for (let k = 0; k < S; k++) {
    const s = offset + k;
    let h = xs;
    for (const c of layers) {
      const l = c.index;
      const out = outs[l] ?? new Float64Array(0);
      const masked = scratch[l] ?? new Float64Array(0);
      const mask = dropoutFactors(c, key, s);
      if (opts.path === 'joint') {
        denseLayer(c, jointParams(c, key, s, params[l] ?? new Float64Array(0)), h, N, mask, out, masked);
      } else {
        marginalLayer(c, key, s, h, N, mask, variances[l] ?? null, out, masked);
      }
      h = out;
    }
    const sg = drawSigma(key, s);
    sigma[k] = sg;
    writeHead(spec, h, N, sg, f, scale, k * N * D);
    raw.set(h.subarray(0, N * units), k * N * units);
    if (!noisy) {
      const block = k * N * D;
      drawObservations(spec, key, s, N, D, f.subarray(block, block + N * D), scale.subarray(block, block + N * D), h.subarray(0, N * units), y, k * N * Y);
      continue;
    }
    for (let e = 0; e < N * D; e++) {
      const at = k * N * D + e;
      y[at] = (f[at] as number) + (scale[at] as number) * normalAt(key, s, STREAM_OBSERVATION, e);
    }
  }
  return { n: N, outputDim: D, samples: S, f, scale, sigma, y, raw };
}

/** One joint-path draw of a layer's [W, b]: loc + scale * z_e over the weight stream (loc itself for delta). */
function jointParams(c: LayerConstants, key: Key, sample: number, into: Float64Array): Float64Array {
  if (!c.scale) return c.loc;
  const stream = layerStream(c.index, STREAM_WEIGHTS);
  for (let e = 0; e < c.loc.length; e++) {
    into[e] = (c.loc[e] ?? 0) + (c.scale[e] ?? 0) * normalAt(key, sample, stream, e);
  }
  return into;
}
