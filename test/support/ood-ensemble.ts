/**
 * A hand-built deep ensemble of point classifiers (1 input, 3 classes) that agree exactly for
 * |x| < 1 and disagree outside: its mutual information is 0 in [-1, 1] and grows outside, the
 * picture of epistemic uncertainty away from the data that a distilled student must keep.
 *
 * Hidden units (ReLU): h0 = relu(x − 1), h1 = relu(−x − 1) (both 0 for |x| ≤ 1), h2 = relu(x + 5)
 * (= x + 5 on the range used). Logits: f = A h + b with A's h2 column (2, 0, −2) and b = (−10, 0, 10),
 * so f = (2x, 0, −2x) + (the member's own weights on h0, h1, uniform in [−4, 4]).
 */
import type { LayerSpec, Model, Tensor } from '../../src/model/spec.js';
import { tensorNames } from '../../src/model/spec.js';
import { testRng } from './model-builders.js';

function layer(l: number, units: number, activation: 'relu' | 'identity'): LayerSpec {
  const site = (part: string) => ({ site: `layers.${l}.${part}`, posterior: 'delta' as const, prior: { kind: 'normal' as const, loc: 0, scale: 1 } });
  return { units, activation, leakySlope: 0.1, dropout: 0, batchNorm: false, weight: site('weight'), bias: site('bias') };
}

/** The first layer's weights and biases, and member m's second-layer weights ([3, 3] row-major) and biases. */
export function oodMemberWeights(rand: () => number): { w0: number[]; b0: number[]; w1: number[]; b1: number[] } {
  const r = () => 8 * rand() - 4;
  return { w0: [1, -1, 1], b0: [-1, -1, 5], w1: [r(), r(), 2, r(), r(), 0, r(), r(), -2], b1: [-10, 0, 10] };
}

export function oodMember(w: ReturnType<typeof oodMemberWeights>, likelihood: Model['spec']['likelihood'] = { kind: 'categorical', classes: 3 }): Model {
  const t = (shape: number[], data: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
  const tensors = new Map<string, Tensor>([
    [tensorNames.weightLoc(0), t([3, 1], w.w0)],
    [tensorNames.biasLoc(0), t([3], w.b0)],
    [tensorNames.weightLoc(1), t([3, 3], w.w1)],
    [tensorNames.biasLoc(1), t([3], w.b1)],
  ]);
  return { spec: { inputDim: 1, layers: [layer(0, 3, 'relu'), layer(1, 3, 'identity')], likelihood, standardization: null }, tensors };
}

/** M members from a seeded generator. */
export function oodEnsemble(members: number, seed: number): Model[] {
  const rand = testRng(seed);
  return Array.from({ length: members }, () => oodMember(oodMemberWeights(rand)));
}

/** The network's raw outputs at x in float64 (for exact checks). */
export function oodForward(w: ReturnType<typeof oodMemberWeights>, x: number): number[] {
  const h = [0, 1, 2].map((j) => Math.max(0, (w.w0[j] as number) * x + (w.b0[j] as number)));
  return [0, 1, 2].map((k) => (w.b1[k] as number) + [0, 1, 2].reduce((s, j) => s + (w.w1[k * 3 + j] as number) * (h[j] as number), 0));
}
