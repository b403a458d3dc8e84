/**
 * A point Dirichlet model read as a classifier: the one-pass predictive of an ensemble-distribution-
 * distilled student (src/distill), or of any deterministic network with a 'dirichlet' likelihood.
 *
 * The engine predicts a 'dirichlet' model as a distribution over compositions (mean α/α0 and the
 * composition's std); a classifier's user needs the concentrations themselves, from which the
 * class probabilities and the split of total uncertainty into expected data entropy and mutual
 * information follow in closed form (math/dirichlet.ts). The concentrations are the network's raw
 * outputs through softplus + minConcentration, so the same weights are run as a K-output Normal
 * point model with fixed noise: at S = 1 on the joint path its predictive mean is exactly the raw
 * outputs f (one forward pass on the GPU, no Monte Carlo), and α_k = softplus(f_k) + c on the host.
 */
import { InvalidInputError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { toMatrix, type MatrixInput } from '../inputs.js';
import { dirichletUncertainty } from '../math/dirichlet.js';
import { concentration } from '../math/likelihoods.js';
import { isDeterministic } from '../model/deterministic.js';
import { likelihoodKind, type DirichletLikelihood, type Model } from '../model/spec.js';
import type { AbortSignalLike } from '../platform-types.js';
import { checkLabels, classificationMetrics } from './classification.js';
import { Engine } from './engine.js';
import type { ClassificationMetrics } from './types.js';

export interface DirichletPrediction {
  readonly n: number;
  readonly classes: number;
  /** Concentrations α, [N, K]. */
  readonly alpha: Float64Array;
  /** α0 = Σ_k α_k per input, [N]: the student's confidence in its own probabilities. */
  readonly alpha0: Float64Array;
  /** Predictive class probabilities α/α0, [N, K]. */
  readonly probs: Float64Array;
  /** Std of each class probability under Dirichlet(α), [N, K] (the epistemic spread a teacher's probsStd measures). */
  readonly probsStd: Float64Array;
  /** Total uncertainty H[α/α0], nats, [N]. */
  readonly entropy: Float64Array;
  /** Expected data entropy E_π H[Cat(π)] (aleatoric), [N]. */
  readonly expectedEntropy: Float64Array;
  /** entropy − expectedEntropy (epistemic), [N]. */
  readonly mutualInformation: Float64Array;
  /** log p(y_n) = log(α_{y_n}/α0) per input, [N]; with labels y. */
  readonly logPredictiveDensity?: Float64Array;
  /** Accuracy, NLL, Brier and ECE of probs against y; with labels y. */
  readonly metrics?: ClassificationMetrics;
}

export interface DirichletPredictOptions {
  /** Class labels, N integers in 0..K−1. */
  readonly y?: MatrixInput;
  readonly signal?: AbortSignalLike;
}

/** The likelihood of a model that predictDirichlet takes, or a typed error naming why not. */
export function dirichletClassifier(model: Model, what = 'the model'): DirichletLikelihood {
  const lik = model.spec.likelihood;
  if (lik.kind !== 'dirichlet') throw new InvalidInputError(`${what} has a '${likelihoodKind(lik)}' likelihood; a Dirichlet classifier needs 'dirichlet'`);
  if (!isDeterministic(model.spec)) throw new InvalidInputError(`${what} is not a point model (its weights or dropout are random); a Dirichlet classifier predicts in one pass`);
  return lik;
}

/** The same weights as a K-output Normal point model whose predictive mean at S = 1 (joint path) is the raw outputs f. */
export function rawOutputView(model: Model, classes: number): Model {
  const s = model.spec.standardization;
  return {
    spec: {
      ...model.spec,
      likelihood: { noise: { kind: 'fixed', sigma: 1 }, link: 'sigma', sigmaPrior: null },
      standardization: s ? { ...s, yMean: new Array<number>(classes).fill(0), yStd: new Array<number>(classes).fill(1) } : null,
    },
    tensors: model.tensors,
  };
}

/**
 * The class probabilities and closed-form uncertainty split of a point Dirichlet model at the rows
 * of x, in one forward pass (module comment); with labels y, their log-likelihood and metrics.
 * @example const p = await predictDirichlet(ctx, student, x); p.probs, p.mutualInformation
 */
export async function predictDirichlet(ctx: GpuContext, model: Model, x: MatrixInput, options: DirichletPredictOptions = {}): Promise<DirichletPrediction> {
  const lik = dirichletClassifier(model);
  const K = lik.classes;
  const xm = toMatrix(x, model.spec.inputDim, 'x');
  const labels = options.y === undefined ? null : toMatrix(options.y, 1, 'y');
  if (labels) {
    if (labels.rows !== xm.rows) throw new InvalidInputError(`y has ${labels.rows} labels, x ${xm.rows} rows`);
    checkLabels('categorical', labels.data, K);
  }
  const engine = Engine.create(ctx, rawOutputView(model, K));
  let raw: Float32Array;
  try {
    raw = (await engine.predict(xm.data, { samples: 1, path: 'joint', ...(options.signal ? { signal: options.signal } : {}) })).mean;
  } finally {
    engine.dispose();
  }
  return dirichletFromRaw(raw, lik, labels?.data);
}

/** The prediction from the raw outputs f ([N, K], rawOutputView's mean) and labels checked by the caller. */
export function dirichletFromRaw(raw: ArrayLike<number>, lik: DirichletLikelihood, labels?: ArrayLike<number>): DirichletPrediction {
  const K = lik.classes;
  const N = raw.length / K;
  const alpha = Float64Array.from(raw, (f) => concentration(f, lik.minConcentration));
  const alpha0 = new Float64Array(N);
  const probs = new Float64Array(N * K);
  const probsStd = new Float64Array(N * K);
  const entropy = new Float64Array(N);
  const expectedEntropy = new Float64Array(N);
  const mutualInformation = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const u = dirichletUncertainty(alpha.subarray(n * K, (n + 1) * K));
    alpha0[n] = u.alpha0;
    probs.set(u.probs, n * K);
    probsStd.set(u.probsStd, n * K);
    entropy[n] = u.entropy;
    expectedEntropy[n] = u.expectedEntropy;
    mutualInformation[n] = u.mutualInformation;
  }
  const withY = labels
    ? {
        logPredictiveDensity: Float64Array.from(labels, (label, n) => Math.log(probs[n * K + label] as number)),
        metrics: classificationMetrics('categorical', probs, N, K, labels),
      }
    : {};
  return { n: N, classes: K, alpha, alpha0, probs, probsStd, entropy, expectedEntropy, mutualInformation, ...withY };
}
