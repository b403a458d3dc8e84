/**
 * The network's forward pass on given layer parameters (layer-local [W, b], a weight set shared by
 * every row) with dropout factors, and its hand-written backward pass, PReLU slopes included.
 */
import { activationDerivative, applyActivation } from '../../math/activations.js';
import type { TrainLayout } from '../../objective/layout.js';

/** One layer's values during a forward pass: input after dropout [rows, inputs], pre-activation and output [rows, units]. */
export interface LayerTrace {
  readonly input: Float64Array;
  readonly pre: Float64Array;
  readonly out: Float64Array;
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
 * ([rows, inputDim]), also the gradient over the network's inputs; with `inputGrads`, every layer's
 * gradient over its input as the layer saw it (after the mask), at inputGrads[l] ([rows, inputs]; concrete dropout's rates).
 */
export function backward(
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
  inputGrads?: Float64Array[],
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
    const dIn = l > 0 ? new Float64Array(rows * inputs) : (dInput ?? (inputGrads ? new Float64Array(rows * inputs) : null));
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
    if (inputGrads) inputGrads[l] = dIn.slice();
    // The layer's input was mask * (previous output): the mask scales the gradient too.
    const mask = masks[l] ?? null;
    if (mask) dIn.forEach((v, i) => (dIn[i] = v * (mask[i] ?? 0)));
    d = dIn;
  }
}
