/**
 * The host side of a classifier's statistics (src/infer/classification.ts) on cases with exact
 * answers: entropies and mutual information of hand-made planes, the metrics of hand-made
 * probabilities (accuracy, NLL, Brier, the 15-bin ECE), the mixture of members' planes, and the
 * label checks.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { checkLabels, classificationMetrics, classifierFields, mergeClassPlanes } from '../../src/infer/classification.js';
import { classPlanesFromLogits } from '../../src/reference/classify.js';

const f64 = (n: number) => new Float64Array(n);

describe('classifier statistics from planes', () => {
  it('two samples that disagree: entropy log 2, expected entropy 0, mutual information log 2', () => {
    // Sample 1 certain of class 0, sample 2 of class 1 (logits ±100: p = 1 − e^-200 in float64).
    const planes = classPlanesFromLogits('categorical', Float64Array.of(100, -100, -100, 100), 2, 1, 2);
    const r = classifierFields(planes, 1.6448536269514722, f64);
    expect(r.probs[0]).toBeCloseTo(0.5, 15);
    expect(r.probsStd[0]).toBeCloseTo(0.5, 15);
    expect(r.entropy[0]).toBeCloseTo(Math.log(2), 15);
    expect(r.expectedEntropy[0]).toBeCloseTo(0, 12);
    expect(r.mutualInformation[0]).toBeCloseTo(Math.log(2), 12);
    expect(r.variationRatio[0]).toBe(0.5);
    // All the spread is epistemic: aleatoric std 0, std = epistemic = 1/2; the interval clipped to [0, 1].
    expect(r.aleatoricStd[0]).toBeCloseTo(0, 7);
    expect(r.std[0]).toBeCloseTo(0.5, 15);
    expect(r.lower[0]).toBe(0);
    expect(r.upper[0]).toBe(1);
  });

  it('agreeing samples: no mutual information, entropy of the shared distribution', () => {
    const planes = classPlanesFromLogits('categorical', Float64Array.of(0, 0, 0, 0, 0, 0), 2, 1, 3);
    const r = classifierFields(planes, 1, f64);
    expect(r.entropy[0]).toBeCloseTo(Math.log(3), 15);
    expect(r.expectedEntropy[0]).toBeCloseTo(Math.log(3), 15);
    expect(r.mutualInformation[0]).toBe(0);
    // Ties go to the first class, as argmax.
    expect(r.variationRatio[0]).toBe(0);
  });

  it('bernoulli: binary entropies summed over outputs, variation ratio averaged', () => {
    // Two samples, one input, two outputs: output 0 has f = 0 then 0 (p = 1/2); output 1 f = ±log 3 (p = 3/4, 1/4).
    const L = Math.log(3);
    const planes = classPlanesFromLogits('bernoulli', Float64Array.of(0, L, 0, -L), 2, 1, 2);
    const r = classifierFields(planes, 1, f64);
    const h = (p: number) => -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    expect(r.probs[1]).toBeCloseTo(0.5, 15);
    expect(r.entropy[0]).toBeCloseTo(2 * Math.log(2), 14);
    expect(r.expectedEntropy[0]).toBeCloseTo(Math.log(2) + h(0.75), 14);
    // Output 0: p = 1/2 is not > 1/2, no sample votes 1 (ratio 0); output 1: one of two (ratio 1/2).
    expect(r.variationRatio[0]).toBeCloseTo(0.25, 15);
  });

  it('metrics: accuracy, NLL, Brier and ECE of hand-made probabilities', () => {
    const probs = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.5, 0.45, 0.05];
    const y = [0, 0, 1];
    const m = classificationMetrics('categorical', probs, 3, 3, y);
    expect(m.accuracy).toBeCloseTo(1 / 3, 15);
    expect(m.nll).toBeCloseTo(-(Math.log(0.7) + Math.log(0.1) + Math.log(0.45)) / 3, 14);
    const brier = (0.3 ** 2 + 0.2 ** 2 + 0.1 ** 2 + (0.9 ** 2 + 0.3 ** 2 + 0.6 ** 2) + (0.5 ** 2 + 0.55 ** 2 + 0.05 ** 2)) / 3;
    expect(m.brier).toBeCloseTo(brier, 14);
    // Confidences 0.7 (bin 10, right), 0.6 (bin 9, wrong), 0.5 (bin 7, wrong).
    expect(m.calibration).toHaveLength(15);
    expect(m.calibration[10]).toMatchObject({ count: 1, accuracy: 1 });
    expect(m.calibration[9]).toMatchObject({ count: 1, accuracy: 0 });
    expect(m.calibration[7]).toMatchObject({ count: 1, accuracy: 0 });
    expect(m.calibration[0]!.count).toBe(0);
    expect(m.calibration[0]!.accuracy).toBeNaN();
    expect(m.ece).toBeCloseTo((0.3 + 0.6 + 0.5) / 3, 14);
    // A confidence of exactly 1 falls in the last bin.
    expect(classificationMetrics('categorical', [1, 0], 1, 2, [0]).calibration[14]!.count).toBe(1);
  });

  it('bernoulli metrics count each output as a prediction over both outcomes', () => {
    const m = classificationMetrics('bernoulli', [0.8, 0.4], 1, 2, [1, 1]);
    expect(m.accuracy).toBe(0.5);
    expect(m.nll).toBeCloseTo(-(Math.log(0.8) + Math.log(0.4)) / 2, 15);
    expect(m.brier).toBeCloseTo((2 * 0.2 ** 2 + 2 * 0.6 ** 2) / 2, 15);
  });

  it('the mixture of members is the statistics of their pooled samples', () => {
    const a = Float64Array.of(1, -1, 0.5, 2, 0, 0);
    const b = Float64Array.of(-2, 1, 3, -1, 0.2, 0.1);
    const pooled = classPlanesFromLogits('categorical', Float64Array.from([...a, ...b]), 6, 1, 2);
    const merged = mergeClassPlanes([classPlanesFromLogits('categorical', a, 3, 1, 2), classPlanesFromLogits('categorical', b, 3, 1, 2)]);
    for (const key of ['probs', 'probsVar', 'entropyTerms', 'votes'] as const) {
      for (let k = 0; k < 2; k++) expect((merged[key] as Float64Array)[k]).toBeCloseTo((pooled[key] as Float64Array)[k]!, 14);
    }
  });

  it('checks labels', () => {
    expect(() => checkLabels('categorical', [0, 2, 1], 3)).not.toThrow();
    expect(() => checkLabels('categorical', [0, 3], 3)).toThrow(InvalidInputError);
    expect(() => checkLabels('categorical', [0, 1.5], 3)).toThrow(/y row 1 is 1.5/);
    expect(() => checkLabels('categorical', [NaN], 3)).toThrow(InvalidInputError);
    expect(() => checkLabels('bernoulli', [0, 1, 1, 0], 2)).not.toThrow();
    expect(() => checkLabels('bernoulli', [0, 1, 0.5, 0], 2)).toThrow(/y row 1 column 0 is 0.5/);
  });
});
