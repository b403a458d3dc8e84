/**
 * The generalised Gauss-Newton G = Σ_n J_nᵀ Λ_n J_n of the data term at the MAP θ (curvature.ts
 * for Λ), over the parameters of one Laplace structure, in float64 on the host:
 * - 'diagonal': every weight and bias of every layer, G's diagonal only: G_ii = Σ_n Σ_ab J_nai Λ_nab J_nbi
 *   with J_n the per-row Jacobian of the outputs (network.ts);
 * - 'last-layer': the last layer's weights and bias, G in full: the outputs are linear in them,
 *   f_k = Σ_a W_ka φ_a + b_k with φ the last hidden layer's output, so
 *   G[(k,a), (k',b)] = Σ_n Λ_n[k,k'] φ̃_a φ̃_b with φ̃ = (φ, 1).
 * Parameter order is θ's (objective/layout.ts): the last layer's W [K x H] row-major, then b [K].
 * Host float64 is enough for the UCI sizes (N <= ~10k rows, P <= ~3k): O(N K P) for the diagonal,
 * O(N K² H²) for the last layer.
 */
import type { TrainLikelihoodInfo } from '../objective/likelihood.js';
import type { TrainLayout } from '../objective/layout.js';
import { rowCurvature, rowFit } from './curvature.js';
import { forwardRow, jacobianRow } from './network.js';

export type LaplaceStructure = 'last-layer' | 'diagonal';
export const LAPLACE_STRUCTURES: readonly LaplaceStructure[] = ['last-layer', 'diagonal'];

/** Standardised training rows of one model. */
export interface LaplaceRows {
  /** [rows, inputDim] standardised inputs. */
  readonly x: Float64Array;
  /** One target per row (standardised for a normal likelihood; labels otherwise). */
  readonly y: Float64Array;
  readonly rows: number;
}

export interface Curvature {
  readonly structure: LaplaceStructure;
  /** θ indices of the Laplace parameters, ascending. */
  readonly params: Int32Array;
  /** G: its diagonal ('diagonal', length P) or in full ('last-layer', P x P row-major). */
  readonly ggn: Float64Array;
  /** Σ_n log p(y_n | f_n) at θ; for a global-noise Normal, Σ_n (y_n − f_n)² instead (curvature.ts, rowFit). */
  readonly fit: number;
  readonly rows: number;
}

/** θ indices of the structure's parameters: [W, b] of every layer, or of the last one. */
export function laplaceParams(layout: TrainLayout, structure: LaplaceStructure): Int32Array {
  const layers = structure === 'diagonal' ? layout.layers : layout.layers.slice(-1);
  const out: number[] = [];
  for (const layer of layers) {
    // Point methods store a layer's [W, b] contiguously (layout.ts).
    for (let i = 0; i < layer.units * (layer.inputs + 1); i++) out.push(layer.weight + i);
  }
  return Int32Array.from(out);
}

export function computeCurvature(layout: TrainLayout, theta: ArrayLike<number>, data: LaplaceRows, info: TrainLikelihoodInfo, structure: LaplaceStructure): Curvature {
  const params = laplaceParams(layout, structure);
  const P = params.length;
  const K = layout.outputUnits;
  const d = layout.layers[0]?.inputs ?? 0;
  const ggn = new Float64Array(structure === 'diagonal' ? P : P * P);
  const last = layout.layers[layout.layers.length - 1];
  if (!last) throw new RangeError('internal: a network without layers');
  const H = last.inputs;
  let fit = 0;
  for (let n = 0; n < data.rows; n++) {
    const pass = forwardRow(layout, theta, data.x.subarray(n * d, (n + 1) * d));
    const lambda = rowCurvature(info, pass.out);
    fit += rowFit(info, pass.out, data.y[n] as number);
    if (structure === 'diagonal') {
      const J = jacobianRow(layout, theta, pass);
      const S = layout.size;
      params.forEach((at, i) => {
        let g = 0;
        for (let a = 0; a < K; a++) {
          const ja = J[a * S + at] as number;
          if (ja === 0) continue;
          for (let b = 0; b < K; b++) g += ja * (lambda[a * K + b] as number) * (J[b * S + at] as number);
        }
        ggn[i] = (ggn[i] as number) + g;
      });
      continue;
    }
    const phi = pass.inputs[layout.layers.length - 1] as Float64Array;
    const feature = (a: number) => (a < H ? (phi[a] as number) : 1);
    const index = (k: number, a: number) => (a < H ? k * H + a : K * H + k);
    for (let k = 0; k < K; k++) {
      for (let k2 = 0; k2 < K; k2++) {
        const l = lambda[k * K + k2] as number;
        if (l === 0) continue;
        for (let a = 0; a <= H; a++) {
          const row = index(k, a) * P;
          const fa = l * feature(a);
          for (let b = 0; b <= H; b++) ggn[row + index(k2, b)] = (ggn[row + index(k2, b)] as number) + fa * feature(b);
        }
      }
    }
  }
  return { structure, params, ggn, fit, rows: data.rows };
}
