/**
 * A KFAC layer's eigenbasis (ggn.ts 'kfac'): its [W, b] as the matrix W̃ = [W | b] (units x
 * (inputs + 1)), whose GGN block Q ⊗ A has the eigenvectors V_Q ⊗ V_A. Moving between θ order and
 * that basis is two small matrix products: M̂ = V_Qᵀ M V_A into it, M = V_Q M̂ V_Aᵀ out of it, so a
 * posterior draw, a Jacobian's variance and the covariance never form a P x P matrix.
 */
import type { KronFactors } from './ggn.js';

/** The layer's [W (units x inputs, row-major), b (units)] in θ order, as W̃ (units x (inputs + 1), row-major). */
export function paramsToMatrix(f: KronFactors, params: ArrayLike<number>, offset: number): Float64Array {
  const I = f.inputs;
  const w = I - 1;
  const m = new Float64Array(f.units * I);
  for (let j = 0; j < f.units; j++) {
    for (let i = 0; i < w; i++) m[j * I + i] = params[offset + j * w + i] as number;
    m[j * I + w] = params[offset + f.units * w + j] as number;
  }
  return m;
}

/** W̃ back to θ order (the inverse of paramsToMatrix), written into `out` at `offset`. */
export function matrixToParams(f: KronFactors, m: Float64Array, out: Float64Array, offset: number): void {
  const I = f.inputs;
  const w = I - 1;
  for (let j = 0; j < f.units; j++) {
    for (let i = 0; i < w; i++) out[offset + j * w + i] = m[j * I + i] as number;
    out[offset + f.units * w + j] = m[j * I + w] as number;
  }
}

/** M̂ = V_Qᵀ M V_A: a units x (inputs + 1) matrix into the eigenbasis. */
export function toEigenbasis(f: KronFactors, m: Float64Array): Float64Array {
  return sandwich(f, m, true);
}

/** M = V_Q M̂ V_Aᵀ: out of the eigenbasis. */
export function fromEigenbasis(f: KronFactors, m: Float64Array): Float64Array {
  return sandwich(f, m, false);
}

function sandwich(f: KronFactors, m: Float64Array, into: boolean): Float64Array {
  const U = f.units;
  const I = f.inputs;
  const vq = f.unitFactor.vectors;
  const va = f.inputFactor.vectors;
  // Right factor first: T = M V_A (into) or M V_Aᵀ (out of).
  const t = new Float64Array(U * I);
  for (let j = 0; j < U; j++) {
    for (let c = 0; c < I; c++) {
      let s = 0;
      for (let i = 0; i < I; i++) s += (m[j * I + i] as number) * (into ? (va[i * I + c] as number) : (va[c * I + i] as number));
      t[j * I + c] = s;
    }
  }
  // Then the left: V_Qᵀ T (into) or V_Q T (out of).
  const out = new Float64Array(U * I);
  for (let r = 0; r < U; r++) {
    for (let j = 0; j < U; j++) {
      const v = into ? (vq[j * U + r] as number) : (vq[r * U + j] as number);
      if (v === 0) continue;
      for (let c = 0; c < I; c++) out[r * I + c] = (out[r * I + c] as number) + v * (t[j * I + c] as number);
    }
  }
  return out;
}
