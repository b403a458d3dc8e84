/**
 * The float64 activations (src/math/activations.ts), the definitions every GPU kernel and oracle is
 * checked against: values against independent formulas, derivatives against central differences,
 * and finite results for every finite input (the formulas are written not to overflow).
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activationDerivative, applyActivation } from '../../src/math/activations.js';

const SLOPE = 0.1;
/** Textbook forms, in float64, for moderate |x| (where they do not overflow). */
const REFERENCE: Record<(typeof ACTIVATIONS)[number], (x: number) => number> = {
  relu: (x) => Math.max(x, 0),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  gelu: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  leaky_relu: (x) => (x > 0 ? x : SLOPE * x),
  prelu: (x) => (x > 0 ? x : SLOPE * x),
  identity: (x) => x,
  silu: (x) => x / (1 + Math.exp(-x)),
};

const POINTS = [-7.5, -3, -1.2784645, -0.5, -0.01, 0.02, 0.7, 2.4, 6];

describe.each(ACTIVATIONS)('%s', (act) => {
  it('equals its textbook form (to 2e-12: tanh is taken at |x| <= 15, where it is 1 to 2e-13)', () => {
    for (const x of POINTS) expect(Math.abs(applyActivation(act, x, SLOPE) - REFERENCE[act](x)), `x = ${x}`).toBeLessThan(2e-12);
  });

  it('has the derivative of its central differences (away from kinks)', () => {
    const h = 1e-5;
    for (const x of POINTS) {
      const numeric = (applyActivation(act, x + h, SLOPE) - applyActivation(act, x - h, SLOPE)) / (2 * h);
      expect(activationDerivative(act, x, SLOPE), `x = ${x}`).toBeCloseTo(numeric, 7);
    }
  });

  it('stays finite, and so does its derivative, for every finite input', () => {
    for (const x of [-Number.MAX_VALUE, -1e300, -1e4, -89, 89, 1e4, 1e300, Number.MAX_VALUE]) {
      expect(Number.isFinite(applyActivation(act, x, SLOPE)), `act(${x})`).toBe(true);
      expect(Number.isFinite(activationDerivative(act, x, SLOPE)), `act'(${x})`).toBe(true);
    }
  });
});

describe('silu', () => {
  it('matches torch.nn.SiLU at known points and has its minimum at x = -1.2784645', () => {
    // torch.nn.functional.silu(torch.tensor([1., -1., 2.], dtype=torch.float64))
    expect(applyActivation('silu', 1, 0)).toBeCloseTo(0.7310585786300049, 15);
    expect(applyActivation('silu', -1, 0)).toBeCloseTo(-0.2689414213699951, 15);
    expect(applyActivation('silu', 2, 0)).toBeCloseTo(1.7615941559557649, 15);
    expect(Math.abs(activationDerivative('silu', -1.2784645, 0))).toBeLessThan(1e-7);
    expect(applyActivation('silu', -1.2784645, 0)).toBeCloseTo(-0.2784645427610738, 9);
  });
});
