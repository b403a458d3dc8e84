/**
 * The minibatch objective of one model (types.ts, OBJECTIVES) and its exact gradient over θ, in
 * float64: forward, loss and hand-written backward for every method and activation (PReLU slopes
 * included). Draws come in as data (draws.ts), so for a given step the objective is a deterministic
 * function of θ and its gradient is the reparameterisation gradient. 'vi' has three estimators of the
 * data term (types.ts, VI ESTIMATORS: shared weight draw, local reparameterisation, flipout) and an
 * optional hierarchical prior (a learned log precision per layer under a Gamma(1, 1) hyperprior).
 */
import { activationDerivative, applyActivation, sigmoid, softplus } from '../../math/activations.js';
import { gammaLogPdf, logNormalLogPdf, normalLogPdf } from '../../math/densities.js';
import type { GammaPrior } from '../../model/spec.js';
import { DEFAULT_LEAKY_SLOPE } from '../../model/spec.js';
import { ENSEMBLE_MIN_SCALE } from '../../train/layout.js';
import type { TrainLayerLayout, TrainLayout } from '../../train/layout.js';
import { VI_SIGMA_PRIOR } from '../../train/to-model.js';
import type { TrainMethod } from '../../train/types.js';
import type { ModelSetup, TrainingSetup, ViEstimator } from './data.js';
import type { StepDraws } from './draws.js';

/** The constants of one model's objective. */
export interface ObjectiveConfig {
  readonly method: TrainMethod;
  /** N, the model's row count (the data term's (N/B) weight in 'vi', the prior's 1/N in 'map'). */
  readonly n: number;
  readonly priorScale: number;
  /** λ of 'mc-dropout''s weight decay, p l² / (2 N τ) (0 for the other methods: their dropout is 0). */
  readonly weightDecay: number;
  readonly sigmaPrior: GammaPrior;
  /** 'vi' estimator of the data term (default 'reparameterization'); the draws must match it (stepDraws). */
  readonly viEstimator?: ViEstimator;
  /** Adversarial training's step per standardised input ('ensemble', 'map'; types.ts); null or absent when off. */
  readonly adversarialStep?: Float64Array | null;
}

/**
 * Hyperprior of a hierarchical layer's prior precision λ_l: Gamma(concentration 1, rate 1). The
 * objective adds −log Gamma(λ_l | 1, 1) (= λ_l) per layer, with λ_l = exp(θ[precision + l]) and no
 * Jacobian term.
 */
export const PRECISION_HYPERPRIOR: GammaPrior = { concentration: 1, rate: 1 };

export function objectiveConfig(setup: TrainingSetup, model: ModelSetup): ObjectiveConfig {
  const { lambda, priorScale, adversarialStep } = model.prepared;
  return { method: setup.method, n: model.n, priorScale, weightDecay: lambda, sigmaPrior: VI_SIGMA_PRIOR, viEstimator: setup.viEstimator, adversarialStep };
}

/** Standardised rows of one step: x [rows, inputDim], y [rows]. */
export interface Minibatch {
  readonly rows: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export interface ObjectiveResult {
  /** The minibatch objective (for 'vi' not yet divided by N). */
  readonly loss: number;
  readonly grad: Float64Array;
}

/** One layer's values during a forward pass: input after dropout [rows, inputs], pre-activation and output [rows, units]. */
export interface LayerTrace {
  readonly input: Float64Array;
  readonly pre: Float64Array;
  readonly out: Float64Array;
}

/** θ index of element e of the layer-local [W, b] space: loc (W or W_loc, b or b_loc) or, for 'vi', rho. */
function thetaIndex(layer: TrainLayerLayout, e: number, rho: boolean): number {
  const w = layer.units * layer.inputs;
  if (e < w) return (rho ? layer.weightRho : layer.weight) + e;
  return (rho ? layer.biasRho : layer.bias) + e - w;
}

/** The layer's [W, b] locs (or rhos) from θ, in the layer-local order of the weight stream. */
function gather(theta: Float64Array, layer: TrainLayerLayout, rho: boolean): Float64Array {
  return Float64Array.from({ length: layer.units * (layer.inputs + 1) }, (_, e) => theta[thetaIndex(layer, e, rho)] ?? NaN);
}

/** Negative-side slope per unit: PReLU's from θ, leaky_relu's constant, unused (0) otherwise. */
export function layerSlopes(theta: Float64Array, layer: TrainLayerLayout): Float64Array {
  if (layer.prelu >= 0) return theta.slice(layer.prelu, layer.prelu + layer.units);
  return new Float64Array(layer.units).fill(layer.activation === 'leaky_relu' ? DEFAULT_LEAKY_SLOPE : 0);
}

/** Network on `rows` inputs with layer parameters `params` (layer-local [W, b]) and dropout factors. */
export function forward(
  layout: TrainLayout,
  params: readonly Float64Array[],
  slopes: readonly Float64Array[],
  x: Float64Array,
  rows: number,
  masks: readonly (Float64Array | null)[],
): LayerTrace[] {
  let h = x;
  return layout.layers.map((layer, l) => {
    const { inputs, units, activation } = layer;
    const p = params[l] ?? new Float64Array(0);
    const slope = slopes[l] ?? new Float64Array(0);
    const mask = masks[l] ?? null;
    const input = mask ? h.map((v, i) => v * (mask[i] ?? 0)) : h;
    const pre = new Float64Array(rows * units);
    const out = new Float64Array(rows * units);
    const biasAt = units * inputs;
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < units; j++) {
        let acc = p[biasAt + j] ?? 0;
        for (let i = 0; i < inputs; i++) acc += (p[j * inputs + i] ?? 0) * (input[b * inputs + i] ?? 0);
        pre[b * units + j] = acc;
        out[b * units + j] = applyActivation(activation, acc, slope[j] ?? 0);
      }
    }
    h = out;
    return { input, pre, out };
  });
}

/**
 * Backpropagate d objective / d (last layer output) through the traced pass, adding into the
 * layer-local [W, b] gradients `gParams` and the PReLU slope gradients `gSlopes`; with `dInput`
 * ([rows, inputDim]), also the gradient over the network's inputs.
 */
function backward(
  layout: TrainLayout,
  params: readonly Float64Array[],
  slopes: readonly Float64Array[],
  traces: readonly LayerTrace[],
  masks: readonly (Float64Array | null)[],
  rows: number,
  dOut: Float64Array,
  gParams: readonly Float64Array[],
  gSlopes: readonly Float64Array[],
  dInput?: Float64Array,
): void {
  let d = dOut;
  for (let l = layout.layers.length - 1; l >= 0; l--) {
    const layer = layout.layers[l];
    const trace = traces[l];
    const p = params[l];
    const g = gParams[l];
    const gs = gSlopes[l];
    const slope = slopes[l];
    if (!layer || !trace || !p || !g || !gs || !slope) throw new RangeError(`layer ${l} is missing from the pass`);
    const { inputs, units, activation } = layer;
    const dIn = l > 0 ? new Float64Array(rows * inputs) : (dInput ?? null);
    const biasAt = units * inputs;
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < units; j++) {
        const x = trace.pre[b * units + j] ?? 0;
        const dy = d[b * units + j] ?? 0;
        // act = slope * x on the negative side, so d act / d slope = x there.
        if (activation === 'prelu' && !(x > 0)) gs[j] = (gs[j] ?? 0) + dy * x;
        const dPre = dy * activationDerivative(activation, x, slope[j] ?? 0);
        if (dPre === 0) continue;
        g[biasAt + j] = (g[biasAt + j] ?? 0) + dPre;
        for (let i = 0; i < inputs; i++) {
          const at = j * inputs + i;
          g[at] = (g[at] ?? 0) + dPre * (trace.input[b * inputs + i] ?? 0);
          if (dIn) dIn[b * inputs + i] = (dIn[b * inputs + i] ?? 0) + (p[at] ?? 0) * dPre;
        }
      }
    }
    if (!dIn) break;
    // The layer's input was mask * (previous output): the mask scales the gradient too.
    const mask = masks[l] ?? null;
    if (mask) dIn.forEach((v, i) => (dIn[i] = v * (mask[i] ?? 0)));
    d = dIn;
  }
}

/** a[i] += v for a typed array (noUncheckedIndexedAccess makes the read possibly undefined). */
function addAt(a: Float64Array, i: number, v: number): void {
  a[i] = (a[i] ?? 0) + v;
}

const zerosLike = (arrays: readonly Float64Array[]): Float64Array[] => arrays.map((a) => new Float64Array(a.length));

/** Add the layer-local [W, b] gradients into θ's gradient at the loc indices. */
function scatterLoc(layout: TrainLayout, gParams: readonly Float64Array[], grad: Float64Array): void {
  layout.layers.forEach((layer, l) => {
    const g = gParams[l] ?? new Float64Array(0);
    for (let e = 0; e < g.length; e++) addAt(grad, thetaIndex(layer, e, false), g[e] ?? 0);
  });
}

/**
 * The data term of the non-'vi' methods from the network output, with d term / d output into
 * `dOut` and d term / d log_sigma ('map') into `grad`.
 */
function pointDataTerm(
  layout: TrainLayout,
  method: TrainMethod,
  theta: Float64Array,
  out: Float64Array,
  batch: Minibatch,
  dOut: Float64Array,
  grad: Float64Array,
): number {
  const B = batch.rows;
  let loss = 0;
  switch (method) {
    case 'mc-dropout':
      for (let b = 0; b < B; b++) {
        const r = (batch.y[b] ?? 0) - (out[b] ?? 0);
        loss += (r * r) / B;
        dOut[b] = (-2 * r) / B;
      }
      return loss;
    case 'map': {
      const sigma = Math.exp(theta[layout.noise] ?? NaN);
      let gLogSigma = 0;
      for (let b = 0; b < B; b++) {
        const y = batch.y[b] ?? 0;
        const f = out[b] ?? 0;
        const z = (y - f) / sigma;
        loss -= normalLogPdf(y, f, sigma) / B;
        dOut[b] = -z / sigma / B;
        gLogSigma += (1 - z * z) / B;
      }
      addAt(grad, layout.noise, gLogSigma);
      return loss;
    }
    case 'ensemble':
      for (let b = 0; b < B; b++) {
        const y = batch.y[b] ?? 0;
        const mu = out[2 * b] ?? 0;
        const raw = out[2 * b + 1] ?? 0;
        const sigma = softplus(raw) + ENSEMBLE_MIN_SCALE;
        const r = y - mu;
        loss -= normalLogPdf(y, mu, sigma) / B;
        dOut[2 * b] = -r / (sigma * sigma) / B;
        dOut[2 * b + 1] = ((1 / sigma - (r * r) / (sigma * sigma * sigma)) / B) * sigmoid(raw);
      }
      return loss;
    case 'vi':
      throw new RangeError("'vi' has its own data term");
  }
}

/** The prior term on W and b: 'map' (1/N) Σ −log N(w | 0, priorScale), 'mc-dropout' λ Σ w². */
function pointPriorTerm(layout: TrainLayout, cfg: ObjectiveConfig, theta: Float64Array, grad: Float64Array): number {
  if (cfg.method !== 'map' && cfg.method !== 'mc-dropout') return 0;
  const ps = cfg.priorScale;
  let loss = 0;
  for (const layer of layout.layers) {
    for (let e = 0; e < layer.units * (layer.inputs + 1); e++) {
      const at = thetaIndex(layer, e, false);
      const w = theta[at] ?? NaN;
      if (cfg.method === 'map') {
        loss -= normalLogPdf(w, 0, ps) / cfg.n;
        addAt(grad, at, w / (ps * ps * cfg.n));
      } else {
        loss += cfg.weightDecay * w * w;
        addAt(grad, at, 2 * cfg.weightDecay * w);
      }
    }
  }
  return loss;
}

/**
 * KL(N(loc, softplus(rho)²) ‖ N(0, p²)) summed over every W and b, gradient into `grad`: p = priorScale,
 * or with the hierarchical prior p = 1/sqrt(λ_l) for layer l's elements (λ_l = exp(θ[precision + l])),
 * plus Σ_l −log Gamma(λ_l | 1, 1), with the gradient over log λ_l of both.
 */
function gaussianKl(layout: TrainLayout, priorScale: number, theta: Float64Array, grad: Float64Array): number {
  const hierarchical = layout.precision >= 0;
  let kl = 0;
  layout.layers.forEach((layer, l) => {
    const logLambda = hierarchical ? (theta[layout.precision + l] ?? NaN) : 0;
    const lambda = Math.exp(logLambda);
    const ps = hierarchical ? Math.exp(-0.5 * logLambda) : priorScale;
    const ps2 = hierarchical ? 1 / lambda : priorScale * priorScale;
    let gLogLambda = 0;
    for (let e = 0; e < layer.units * (layer.inputs + 1); e++) {
      const locAt = thetaIndex(layer, e, false);
      const rhoAt = thetaIndex(layer, e, true);
      const mu = theta[locAt] ?? NaN;
      const rho = theta[rhoAt] ?? NaN;
      const s = softplus(rho);
      kl += Math.log(ps / s) + (s * s + mu * mu) / (2 * ps2) - 0.5;
      addAt(grad, locAt, mu / ps2);
      addAt(grad, rhoAt, (-1 / s + s / ps2) * sigmoid(rho));
      // log p = −log λ / 2 and 1/p² = λ: d/d log λ of the element's KL is −1/2 + λ (s² + μ²) / 2.
      gLogLambda += -0.5 + (lambda * (s * s + mu * mu)) / 2;
    }
    if (hierarchical) {
      const { concentration: a, rate } = PRECISION_HYPERPRIOR;
      kl -= gammaLogPdf(lambda, a, rate);
      // −log Gamma(λ | a, rate) = rate λ − (a − 1) log λ + const: d/d log λ = rate λ − (a − 1).
      gLogLambda += rate * lambda - (a - 1);
      addAt(grad, layout.precision + l, gLogLambda);
    }
  });
  return kl;
}

/** One K-sample's forward pass under 'local' or 'flipout': the traces, and for 'local' sqrt(v) per (row, unit) of every layer. */
interface PerturbedPass {
  readonly traces: LayerTrace[];
  readonly sd: Float64Array[];
}

/**
 * The network with the 'local' (marginal eps per row and unit) or 'flipout' (shared E, per-row signs)
 * pre-activations of types.ts, on layer-local locs and scales ([W, b] order).
 */
function perturbedForward(
  layout: TrainLayout,
  estimator: 'local' | 'flipout',
  locs: readonly Float64Array[],
  scales: readonly Float64Array[],
  slopes: readonly Float64Array[],
  x: Float64Array,
  rows: number,
  masks: readonly (Float64Array | null)[],
  noise: readonly Float64Array[],
  signs: readonly Float64Array[],
): PerturbedPass {
  let h = x;
  const sds: Float64Array[] = [];
  const traces = layout.layers.map((layer, l) => {
    const { inputs, units, activation } = layer;
    const loc = locs[l] ?? new Float64Array(0);
    const sc = scales[l] ?? new Float64Array(0);
    const dr = noise[l] ?? new Float64Array(0);
    const sg = signs[l] ?? new Float64Array(0);
    const slope = slopes[l] ?? new Float64Array(0);
    const mask = masks[l] ?? null;
    const input = mask ? h.map((v, i) => v * (mask[i] ?? 0)) : h;
    const pre = new Float64Array(rows * units);
    const out = new Float64Array(rows * units);
    const sd = new Float64Array(estimator === 'local' ? rows * units : 0);
    const biasAt = units * inputs;
    const stride = inputs + units;
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < units; j++) {
        let z: number;
        if (estimator === 'local') {
          const sb = sc[biasAt + j] ?? NaN;
          let mu = loc[biasAt + j] ?? NaN;
          let v = sb * sb;
          for (let i = 0; i < inputs; i++) {
            const hi = input[b * inputs + i] ?? NaN;
            const s = sc[j * inputs + i] ?? NaN;
            mu += (loc[j * inputs + i] ?? NaN) * hi;
            v += s * s * hi * hi;
          }
          const root = Math.sqrt(v);
          sd[b * units + j] = root;
          z = mu + root * (dr[b * units + j] ?? NaN);
        } else {
          let mean = (loc[biasAt + j] ?? NaN) + (sc[biasAt + j] ?? NaN) * (dr[biasAt + j] ?? NaN);
          let flip = 0;
          for (let i = 0; i < inputs; i++) {
            const at = j * inputs + i;
            const hi = input[b * inputs + i] ?? NaN;
            mean += (loc[at] ?? NaN) * hi;
            flip += (sc[at] ?? NaN) * (dr[at] ?? NaN) * (sg[b * stride + i] ?? NaN) * hi;
          }
          z = mean + (sg[b * stride + inputs + j] ?? NaN) * flip;
        }
        pre[b * units + j] = z;
        out[b * units + j] = applyActivation(activation, z, slope[j] ?? 0);
      }
    }
    sds.push(sd);
    h = out;
    return { input, pre, out };
  });
  return { traces, sd: sds };
}

/**
 * Backpropagate d objective / d (last layer output) through a perturbedForward pass into the
 * layer-local [W, b] gradients over the locs (`gLocs`) and over the scales s = softplus(rho) (`gScales`),
 * and the PReLU slope gradients `gSlopes`.
 */
function perturbedBackward(
  layout: TrainLayout,
  estimator: 'local' | 'flipout',
  locs: readonly Float64Array[],
  scales: readonly Float64Array[],
  slopes: readonly Float64Array[],
  pass: PerturbedPass,
  masks: readonly (Float64Array | null)[],
  rows: number,
  noise: readonly Float64Array[],
  signs: readonly Float64Array[],
  dOut: Float64Array,
  gLocs: readonly Float64Array[],
  gScales: readonly Float64Array[],
  gSlopes: readonly Float64Array[],
): void {
  let d = dOut;
  for (let l = layout.layers.length - 1; l >= 0; l--) {
    const layer = layout.layers[l];
    const trace = pass.traces[l];
    const sd = pass.sd[l];
    const loc = locs[l];
    const sc = scales[l];
    const gl = gLocs[l];
    const gsc = gScales[l];
    const gs = gSlopes[l];
    const slope = slopes[l];
    const dr = noise[l];
    const sg = signs[l] ?? new Float64Array(0);
    if (!layer || !trace || !sd || !loc || !sc || !gl || !gsc || !gs || !slope || !dr) throw new RangeError(`layer ${l} is missing from the pass`);
    const { inputs, units, activation } = layer;
    const dIn = l > 0 ? new Float64Array(rows * inputs) : null;
    const biasAt = units * inputs;
    const stride = inputs + units;
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < units; j++) {
        const x = trace.pre[b * units + j] ?? 0;
        const dy = d[b * units + j] ?? 0;
        if (activation === 'prelu' && !(x > 0)) gs[j] = (gs[j] ?? 0) + dy * x;
        const dz = dy * activationDerivative(activation, x, slope[j] ?? 0);
        if (dz === 0) continue;
        addAt(gl, biasAt + j, dz);
        if (estimator === 'local') {
          // z = mu + sqrt(v) eps: d z / d s = eps s h² / sqrt(v) (s_b: eps s_b / sqrt(v)); d z / d h_i = W_ji + eps s_ji² h_i / sqrt(v).
          const e = (dr[b * units + j] ?? NaN) / (sd[b * units + j] ?? NaN);
          addAt(gsc, biasAt + j, dz * e * (sc[biasAt + j] ?? NaN));
          for (let i = 0; i < inputs; i++) {
            const at = j * inputs + i;
            const hi = trace.input[b * inputs + i] ?? 0;
            const s = sc[at] ?? NaN;
            addAt(gl, at, dz * hi);
            addAt(gsc, at, dz * e * s * hi * hi);
            if (dIn) addAt(dIn, b * inputs + i, dz * ((loc[at] ?? NaN) + e * s * s * hi));
          }
        } else {
          // z = b + s_b E_b + Σ W h + r Σ s E q h: d z / d s_ji = r E_ji q_i h_i, d z / d h_i = W_ji + r s_ji E_ji q_i.
          addAt(gsc, biasAt + j, dz * (dr[biasAt + j] ?? NaN));
          const r = sg[b * stride + inputs + j] ?? NaN;
          for (let i = 0; i < inputs; i++) {
            const at = j * inputs + i;
            const hi = trace.input[b * inputs + i] ?? 0;
            const rEq = r * (dr[at] ?? NaN) * (sg[b * stride + i] ?? NaN);
            addAt(gl, at, dz * hi);
            addAt(gsc, at, dz * rEq * hi);
            if (dIn) addAt(dIn, b * inputs + i, dz * ((loc[at] ?? NaN) + rEq * (sc[at] ?? NaN)));
          }
        }
      }
    }
    if (!dIn) break;
    const mask = masks[l] ?? null;
    d = mask ? dIn.map((v, i) => v * (mask[i] ?? 0)) : dIn;
  }
}

/** The draws of K-sample k that the estimator reads (RangeError when stepDraws drew for another estimator). */
function checkViDraws(estimator: ViEstimator, draws: StepDraws): number {
  const K = draws.noise.length;
  const eps = estimator === 'local' ? 0 : K;
  const marginal = estimator === 'local' ? K : 0;
  const signs = estimator === 'flipout' ? K : 0;
  if (draws.eps.length !== eps || draws.marginal.length !== marginal || draws.signs.length !== signs) {
    throw new RangeError(`the step's draws do not match the '${estimator}' estimator`);
  }
  return K;
}

/** One K-sample's forward pass of 'vi' and the backward that adds its θ gradient (locs, rhos, PReLU slopes). */
interface ViPass {
  readonly traces: LayerTrace[];
  backward(dOut: Float64Array, grad: Float64Array, gSlopes: readonly Float64Array[]): void;
}

function viPass(
  layout: TrainLayout,
  estimator: ViEstimator,
  theta: Float64Array,
  batch: Minibatch,
  draws: StepDraws,
  k: number,
  locs: readonly Float64Array[],
  slopes: readonly Float64Array[],
): ViPass {
  const B = batch.rows;
  const rhos = layout.layers.map((layer) => gather(theta, layer, true));
  const scales = rhos.map((r) => r.map(softplus));
  /** Add layer-local gradients over locs and over scales s (chained through s = softplus(rho)) into θ's. */
  const scatter = (gLocs: readonly Float64Array[], gScales: readonly Float64Array[], grad: Float64Array): void => {
    layout.layers.forEach((layer, l) => {
      const gl = gLocs[l] ?? new Float64Array(0);
      const gsc = gScales[l] ?? new Float64Array(0);
      const rho = rhos[l] ?? new Float64Array(0);
      for (let e = 0; e < gl.length; e++) {
        addAt(grad, thetaIndex(layer, e, false), gl[e] ?? 0);
        addAt(grad, thetaIndex(layer, e, true), (gsc[e] ?? 0) * sigmoid(rho[e] ?? 0));
      }
    });
  };
  if (estimator === 'reparameterization') {
    const eps = draws.eps[k] ?? [];
    const params = locs.map((loc, l) => {
      const sc = scales[l] ?? new Float64Array(0);
      const ep = eps[l] ?? new Float64Array(0);
      return loc.map((v, e) => v + (sc[e] ?? 0) * (ep[e] ?? NaN));
    });
    const traces = forward(layout, params, slopes, batch.x, B, draws.masks);
    return {
      traces,
      backward(dOut, grad, gSlopes) {
        const gParams = zerosLike(params);
        backward(layout, params, slopes, traces, draws.masks, B, dOut, gParams, gSlopes);
        // w = loc + s eps: d w / d loc = 1, d w / d s = eps.
        const gScales = gParams.map((g, l) => g.map((v, e) => v * (eps[l]?.[e] ?? 0)));
        scatter(gParams, gScales, grad);
      },
    };
  }
  const noise = (estimator === 'local' ? draws.marginal[k] : draws.eps[k]) ?? [];
  const signs = estimator === 'flipout' ? (draws.signs[k] ?? []) : [];
  const pass = perturbedForward(layout, estimator, locs, scales, slopes, batch.x, B, draws.masks, noise, signs);
  return {
    traces: pass.traces,
    backward(dOut, grad, gSlopes) {
      const gLocs = zerosLike(locs);
      const gScales = zerosLike(locs);
      perturbedBackward(layout, estimator, locs, scales, slopes, pass, draws.masks, B, noise, signs, dOut, gLocs, gScales, gSlopes);
      scatter(gLocs, gScales, grad);
    },
  };
}

/**
 * The layer traces of every K-sample of a 'vi' step under cfg's estimator (pre-activations for
 * checks against the GPU, or for keeping finite differences away from kinks).
 */
export function viTraces(layout: TrainLayout, cfg: ObjectiveConfig, theta: Float64Array, batch: Minibatch, draws: StepDraws): LayerTrace[][] {
  const estimator = cfg.viEstimator ?? 'reparameterization';
  const K = checkViDraws(estimator, draws);
  const locs = layout.layers.map((layer) => gather(theta, layer, false));
  const slopes = layout.layers.map((layer) => layerSlopes(theta, layer));
  return Array.from({ length: K }, (_, k) => viPass(layout, estimator, theta, batch, draws, k, locs, slopes).traces);
}

/**
 * 'vi': (N/B) Σ_b (1/K) Σ_k −log N(y_b | f_k(x_b), σ_k) + KL + (1/K) Σ_k [log q(σ_k) − log Gamma(σ_k | a, b)]
 * (+ Σ_l −log Gamma(λ_l | 1, 1) when hierarchical), with log σ_k = sigma_loc + softplus(sigma_rho) z_k and
 * f_k from the estimator: w_k = loc + softplus(rho) eps_k shared by the batch ('reparameterization'),
 * per-row marginal pre-activations ('local') or flipout's per-row sign flips of a shared perturbation.
 */
function viObjective(
  layout: TrainLayout,
  cfg: ObjectiveConfig,
  theta: Float64Array,
  batch: Minibatch,
  draws: StepDraws,
  locs: readonly Float64Array[],
  slopes: readonly Float64Array[],
  gSlopes: readonly Float64Array[],
  grad: Float64Array,
): number {
  const B = batch.rows;
  const estimator = cfg.viEstimator ?? 'reparameterization';
  const K = checkViDraws(estimator, draws);
  const sigmaLoc = theta[layout.noise] ?? NaN;
  const sigmaRho = theta[layout.noise + 1] ?? NaN;
  const sigmaScale = softplus(sigmaRho);
  const { concentration: a, rate } = cfg.sigmaPrior;
  const dataWeight = cfg.n / (B * K);
  let loss = 0;
  let gSigmaLoc = 0;
  let gSigmaScale = 0;
  for (let k = 0; k < K; k++) {
    const z = draws.noise[k] ?? NaN;
    const pass = viPass(layout, estimator, theta, batch, draws, k, locs, slopes);
    const out = pass.traces[pass.traces.length - 1]?.out ?? new Float64Array(0);
    const u = sigmaLoc + sigmaScale * z;
    const sigma = Math.exp(u);
    const dOut = new Float64Array(out.length);
    let gU = 0; // d objective / d log σ_k
    for (let b = 0; b < B; b++) {
      const y = batch.y[b] ?? 0;
      const f = out[b] ?? 0;
      const r = (y - f) / sigma;
      loss -= dataWeight * normalLogPdf(y, f, sigma);
      dOut[b] = (-dataWeight * r) / sigma;
      gU += dataWeight * (1 - r * r);
    }
    loss += (logNormalLogPdf(sigma, sigmaLoc, sigmaScale) - gammaLogPdf(sigma, a, rate)) / K;
    gU += (rate * sigma - (a - 1)) / K;
    // log q(σ_k) = −z²/2 − log s − log √(2π) − (sigma_loc + s z): its own total derivatives are −1 and −1/s − z.
    gSigmaLoc += gU - 1 / K;
    gSigmaScale += gU * z - (1 / sigmaScale + z) / K;
    pass.backward(dOut, grad, gSlopes);
  }
  addAt(grad, layout.noise, gSigmaLoc);
  addAt(grad, layout.noise + 1, gSigmaScale * sigmoid(sigmaRho));
  return loss + gaussianKl(layout, cfg.priorScale, theta, grad);
}

/**
 * Adversarial training (types.ts): the minibatch followed by its fast-gradient-sign copies
 * x' = x + step ⊙ sign(d data term / d x) at θ, the targets repeated.
 */
export function adversarialMinibatch(
  layout: TrainLayout,
  cfg: ObjectiveConfig,
  theta: Float64Array,
  batch: Minibatch,
  masks: readonly (Float64Array | null)[],
  step: Float64Array,
): Minibatch {
  const { params, slopes } = locParams(layout, theta);
  const traces = forward(layout, params, slopes, batch.x, batch.rows, masks);
  const out = traces[traces.length - 1]?.out ?? new Float64Array(0);
  const dOut = new Float64Array(out.length);
  pointDataTerm(layout, cfg.method, theta, out, batch, dOut, new Float64Array(layout.size));
  const dx = new Float64Array(batch.x.length);
  const scratch = layout.layers.map((layer) => new Float64Array(layer.units));
  backward(layout, params, slopes, traces, masks, batch.rows, dOut, zerosLike(params), scratch, dx);
  const x = new Float64Array(2 * batch.x.length);
  x.set(batch.x);
  const dim = step.length;
  for (let e = 0; e < batch.x.length; e++) x[batch.x.length + e] = (batch.x[e] ?? NaN) + (step[e % dim] ?? NaN) * Math.sign(dx[e] ?? NaN);
  const y = new Float64Array(2 * batch.rows);
  y.set(batch.y);
  y.set(batch.y, batch.rows);
  return { rows: 2 * batch.rows, x, y };
}

/** The minibatch objective of one model at θ with the step's draws, and its gradient over θ. */
export function minibatchObjective(
  layout: TrainLayout,
  cfg: ObjectiveConfig,
  theta: Float64Array,
  batch: Minibatch,
  draws: StepDraws,
): ObjectiveResult {
  if (theta.length !== layout.size) throw new RangeError(`θ has ${theta.length} values, the layout ${layout.size}`);
  const grad = new Float64Array(layout.size);
  const locs = layout.layers.map((layer) => gather(theta, layer, false));
  const slopes = layout.layers.map((layer) => layerSlopes(theta, layer));
  const gSlopes = layout.layers.map((layer) => new Float64Array(layer.units));
  let loss: number;
  if (cfg.method === 'vi') {
    loss = viObjective(layout, cfg, theta, batch, draws, locs, slopes, gSlopes, grad);
  } else {
    const rows = cfg.adversarialStep ? adversarialMinibatch(layout, cfg, theta, batch, draws.masks, cfg.adversarialStep) : batch;
    const traces = forward(layout, locs, slopes, rows.x, rows.rows, draws.masks);
    const out = traces[traces.length - 1]?.out ?? new Float64Array(0);
    const dOut = new Float64Array(out.length);
    loss = pointDataTerm(layout, cfg.method, theta, out, rows, dOut, grad);
    const gParams = zerosLike(locs);
    backward(layout, locs, slopes, traces, draws.masks, rows.rows, dOut, gParams, gSlopes);
    scatterLoc(layout, gParams, grad);
    loss += pointPriorTerm(layout, cfg, theta, grad);
  }
  layout.layers.forEach((layer, l) => {
    if (layer.prelu < 0) return;
    const gs = gSlopes[l] ?? new Float64Array(0);
    for (let j = 0; j < layer.units; j++) addAt(grad, layer.prelu + j, gs[j] ?? 0);
  });
  return { loss, grad };
}

/** The network's layer parameters at θ's locs (no draws): for tests and for checking pre-activations. */
export function locParams(layout: TrainLayout, theta: Float64Array): { params: Float64Array[]; slopes: Float64Array[] } {
  return {
    params: layout.layers.map((layer) => gather(theta, layer, false)),
    slopes: layout.layers.map((layer) => layerSlopes(theta, layer)),
  };
}
