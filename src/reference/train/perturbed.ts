/**
 * 'vi''s per-row perturbed passes (src/objective/index.ts, VI ESTIMATORS): the network under local
 * reparameterisation or Flipout, and its backward pass into the gradients over locs and scales.
 */
import { activationDerivative, applyActivation } from '../../math/activations.js';
import type { TrainLayout } from '../../objective/layout.js';
import type { LayerTrace } from './network.js';
import { addAt } from './parameters.js';

/** One K-sample's forward pass under 'local' or 'flipout': the traces, and for 'local' sqrt(v) per (row, unit) of every layer. */
export interface PerturbedPass {
  readonly traces: LayerTrace[];
  readonly sd: Float64Array[];
}

/**
 * The network with the 'local' (marginal eps per row and unit) or 'flipout' (shared E, per-row signs)
 * pre-activations of src/objective/index.ts, on layer-local locs and scales ([W, b] order).
 */
export function perturbedForward(
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
export function perturbedBackward(
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
