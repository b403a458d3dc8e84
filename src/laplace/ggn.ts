/**
 * The generalised Gauss-Newton G = Σ_n J_nᵀ Λ_n J_n of the data term at the MAP θ (curvature.ts
 * for Λ), over the parameters of one Laplace structure, in float64 on the host:
 * - 'diagonal': every weight and bias of every layer, G's diagonal only: G_ii = Σ_n Σ_ab J_nai Λ_nab J_nbi
 *   with J_n the per-row Jacobian of the outputs (network.ts);
 * - 'last-layer': the last layer's weights and bias, G in full: the outputs are linear in them,
 *   f_k = Σ_a W_ka φ_a + b_k with φ the last hidden layer's output, so
 *   G[(k,a), (k',b)] = Σ_n Λ_n[k,k'] φ̃_a φ̃_b with φ̃ = (φ, 1).
 * - 'kfac': every weight and bias, each layer's block of G as one Kronecker product (Ritter et al.
 *   2018; Martens & Grosse 2015): with ã_n = (a_n, 1) the layer's input and B_n = ∂f/∂z (K x units)
 *   the outputs' Jacobian in its pre-activations, the block Σ_n (B_nᵀ Λ_n B_n) ⊗ (ã_n ã_nᵀ) is
 *   approximated by Q ⊗ A with Q = Σ_n B_nᵀ Λ_n B_n and A = (1/N) Σ_n ã_n ã_nᵀ (exact when B_nᵀ Λ_n B_n
 *   is the same for every row, as for the output layer of a Normal model). Kept as the factors'
 *   eigendecompositions, whose eigenvalue products are the block's eigenvalues.
 * Parameter order is θ's (objective/layout.ts): the last layer's W [K x H] row-major, then b [K].
 * Host float64 is enough for the UCI sizes (N <= ~10k rows, P <= ~3k): O(N K P) for the diagonal
 * and KFAC, O(N K² H²) for the last layer.
 */
import type { TrainLikelihoodInfo } from '../objective/likelihood.js';
import type { TrainLayout } from '../objective/layout.js';
import { rowCurvature, rowFit } from './curvature.js';
import { symmetricEigen, type SymmetricEigen } from './linalg.js';
import { forwardRow, jacobianRow } from './network.js';

export type LaplaceStructure = 'last-layer' | 'diagonal' | 'kfac';
export const LAPLACE_STRUCTURES: readonly LaplaceStructure[] = ['last-layer', 'diagonal', 'kfac'];

/** One layer's Kronecker factors of 'kfac', as eigendecompositions. */
export interface KronFactors {
  readonly units: number;
  /** The layer's inputs + 1 (the bias's constant input). */
  readonly inputs: number;
  /** Q = Σ_n B_nᵀ Λ_n B_n over the units (units x units). */
  readonly unitFactor: SymmetricEigen;
  /** A = (1/N) Σ_n ã_n ã_nᵀ over the augmented inputs. */
  readonly inputFactor: SymmetricEigen;
}

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
  /**
   * G: its diagonal ('diagonal', length P), in full ('last-layer', P x P row-major), or for 'kfac'
   * its eigenvalues q_j a_i per layer (j over units, i over augmented inputs, i fastest; length P).
   */
  readonly ggn: Float64Array;
  /** 'kfac': each layer's factors (the eigenbases of `ggn`); null otherwise. */
  readonly kron: readonly KronFactors[] | null;
  /** Σ_n log p(y_n | f_n) at θ; for a global-noise Normal, Σ_n (y_n − f_n)² instead (curvature.ts, rowFit). */
  readonly fit: number;
  readonly rows: number;
}

/** θ indices of the structure's parameters: [W, b] of every layer, or of the last one. */
export function laplaceParams(layout: TrainLayout, structure: LaplaceStructure): Int32Array {
  const layers = structure === 'last-layer' ? layout.layers.slice(-1) : layout.layers;
  const out: number[] = [];
  for (const layer of layers) {
    // Point methods store a layer's [W, b] contiguously (layout.ts).
    for (let i = 0; i < layer.units * (layer.inputs + 1); i++) out.push(layer.weight + i);
  }
  return Int32Array.from(out);
}

export function computeCurvature(layout: TrainLayout, theta: ArrayLike<number>, data: LaplaceRows, info: TrainLikelihoodInfo, structure: LaplaceStructure): Curvature {
  if (structure === 'kfac') return kfacCurvature(layout, theta, data, info);
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
  return { structure, params, ggn, fit, rows: data.rows, kron: null };
}

/** 'kfac' (see the header): per layer the two factors summed over the rows, then their eigendecompositions. */
function kfacCurvature(layout: TrainLayout, theta: ArrayLike<number>, data: LaplaceRows, info: TrainLikelihoodInfo): Curvature {
  const K = layout.outputUnits;
  const d = layout.layers[0]?.inputs ?? 0;
  const S = layout.size;
  const unitSums = layout.layers.map((l) => new Float64Array(l.units * l.units));
  const inputSums = layout.layers.map((l) => new Float64Array((l.inputs + 1) * (l.inputs + 1)));
  let fit = 0;
  for (let n = 0; n < data.rows; n++) {
    const pass = forwardRow(layout, theta, data.x.subarray(n * d, (n + 1) * d));
    const lambda = rowCurvature(info, pass.out);
    fit += rowFit(info, pass.out, data.y[n] as number);
    // ∂f_k/∂z_j of a layer is the Jacobian's column of that unit's bias.
    const J = jacobianRow(layout, theta, pass);
    layout.layers.forEach((layer, l) => {
      const U = layer.units;
      const Q = unitSums[l] as Float64Array;
      for (let k = 0; k < K; k++) {
        for (let k2 = 0; k2 < K; k2++) {
          const lk = lambda[k * K + k2] as number;
          if (lk === 0) continue;
          for (let j = 0; j < U; j++) {
            const bj = lk * (J[k * S + layer.bias + j] as number);
            if (bj === 0) continue;
            for (let j2 = 0; j2 < U; j2++) Q[j * U + j2] = (Q[j * U + j2] as number) + bj * (J[k2 * S + layer.bias + j2] as number);
          }
        }
      }
      const input = pass.inputs[l] as Float64Array;
      const I = layer.inputs + 1;
      const A = inputSums[l] as Float64Array;
      const at = (i: number) => (i < layer.inputs ? (input[i] as number) : 1);
      for (let i = 0; i < I; i++) {
        const ai = at(i);
        for (let i2 = 0; i2 < I; i2++) A[i * I + i2] = (A[i * I + i2] as number) + ai * at(i2);
      }
    });
  }
  const kron = layout.layers.map((layer, l): KronFactors => {
    const A = (inputSums[l] as Float64Array).map((v) => v / Math.max(data.rows, 1));
    return { units: layer.units, inputs: layer.inputs + 1, unitFactor: symmetricEigen(unitSums[l] as Float64Array, layer.units), inputFactor: symmetricEigen(A, layer.inputs + 1) };
  });
  // The eigenvalues q_j a_i (clamped at 0: the factors are positive semi-definite, rounding aside).
  const ggn = Float64Array.from(
    kron.flatMap((f) =>
      Array.from(
        { length: f.units * f.inputs },
        (_, e) => Math.max(0, f.unitFactor.values[Math.floor(e / f.inputs)] as number) * Math.max(0, f.inputFactor.values[e % f.inputs] as number),
      ),
    ),
  );
  return { structure: 'kfac', params: laplaceParams(layout, 'kfac'), ggn, fit, rows: data.rows, kron };
}
