/**
 * Deep ensembles' predictive (Lakshminarayanan et al., 2017): the uniform mixture of M Gaussian
 * members N(μ_m(x), σ_m(x)²). Each member is a delta model with a heteroscedastic head, so one
 * engine pass with samples = 1 gives its μ (the mean) and σ (the aleatoric std); the mixture is
 * formed on the host:
 *   mean     = (1/M) Σ_m μ_m
 *   variance = (1/M) Σ_m (σ_m² + μ_m²) − mean²   (computed as (1/M) Σ σ_m² + (1/M) Σ (μ_m − mean)²)
 *   log p(y) = logsumexp_m log N(y | μ_m, σ_m) − log M
 * and, beside it, the log density of the moment-matched normal N(y | mean, variance): the paper
 * scores its regression results with that approximation ("for ease of computing quantities such
 * as the predictive probabilities, we further approximate the ensemble prediction as a Gaussian
 * whose mean and variance are respectively the mean and variance of the mixture", section 2.4).
 * The two differ most where members are confident and disagree: the mixture puts little mass
 * between their means, the moment-matched normal spreads it over the members' disagreement.
 */
import { InvalidInputError } from '../errors.js';
import { describeValue, numberOption, readOptionsObject } from '../options.js';
import { toMatrix } from '../inputs.js';
import { normalLogPdf } from '../math/densities.js';
import { logSumExp, normalQuantile } from '../math/special.js';
import type { GpuContext } from '../gpu/device.js';
import type { Model } from '../model/spec.js';
import { Engine } from './engine.js';
import type { MatrixInput } from '../inputs.js';
import type { PredictResult } from './types.js';

/** One member's prediction at N points (one output). */
export interface GaussianMember {
  readonly mean: ArrayLike<number>;
  readonly std: ArrayLike<number>;
}

export interface MixturePrediction {
  readonly n: number;
  readonly members: number;
  /** Mixture mean, [N]. */
  readonly mean: Float64Array;
  /** Mixture std: sqrt(epistemic² + aleatoric²), [N]. */
  readonly std: Float64Array;
  /** Spread of the members' means: sqrt((1/M) Σ (μ_m − mean)²), [N]. */
  readonly epistemicStd: Float64Array;
  /** sqrt((1/M) Σ σ_m²), [N]. */
  readonly aleatoricStd: Float64Array;
  /** log of the mixture density at y, [N]; present when y was given. */
  readonly logPredictiveDensity?: Float64Array;
  /** log N(y | mean, std²), the moment-matched normal's density at y, [N]; present when y was given. */
  readonly momentMatchedLogDensity?: Float64Array;
}

/** The uniform mixture of Gaussian members at N points; with y, the log mixture density per point. */
export function gaussianMixture(members: readonly GaussianMember[], y?: ArrayLike<number>): MixturePrediction {
  const M = members.length;
  if (M === 0) throw new InvalidInputError('a mixture needs at least one member');
  const n = (members[0] as GaussianMember).mean.length;
  members.forEach((m, i) => {
    if (m.mean.length !== n || m.std.length !== n) {
      throw new InvalidInputError(`member ${i} has ${m.mean.length} means and ${m.std.length} stds, member 0 has ${n} points`);
    }
  });
  if (y !== undefined && y.length !== n) throw new InvalidInputError(`y has ${y.length} values, the members predict ${n} points`);
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  const epistemicStd = new Float64Array(n);
  const aleatoricStd = new Float64Array(n);
  const lpd = y === undefined ? undefined : new Float64Array(n);
  const matched = y === undefined ? undefined : new Float64Array(n);
  const terms = new Float64Array(M);
  const logM = Math.log(M);
  for (let i = 0; i < n; i++) {
    let mu = 0;
    let noise = 0;
    for (const m of members) {
      mu += (m.mean[i] as number) / M;
      noise += (m.std[i] as number) ** 2 / M;
    }
    let spread = 0;
    for (const m of members) spread += ((m.mean[i] as number) - mu) ** 2 / M;
    mean[i] = mu;
    epistemicStd[i] = Math.sqrt(spread);
    aleatoricStd[i] = Math.sqrt(noise);
    std[i] = Math.sqrt(spread + noise);
    if (lpd && matched && y) {
      members.forEach((m, k) => {
        terms[k] = normalLogPdf(y[i] as number, m.mean[i] as number, m.std[i] as number);
      });
      lpd[i] = logSumExp(terms) - logM;
      matched[i] = normalLogPdf(y[i] as number, mu, std[i] as number);
    }
  }
  return {
    n,
    members: M,
    mean,
    std,
    epistemicStd,
    aleatoricStd,
    ...(lpd && matched ? { logPredictiveDensity: lpd, momentMatchedLogDensity: matched } : {}),
  };
}

/**
 * Predicts a deep ensemble (one engine model per member, each a delta model with a heteroscedastic
 * head, as train() returns for method 'ensemble') at the rows of x, as the uniform mixture.
 * @example const p = await predictEnsemble(ctx, result.models, x, { y }); p.mean, p.logPredictiveDensity
 */
export async function predictEnsemble(ctx: GpuContext, models: readonly Model[], x: MatrixInput, options: { readonly y?: ArrayLike<number> } = {}): Promise<MixturePrediction> {
  const o = readOptionsObject(options, ['y'], 'predictEnsemble options');
  // Checked through an unknown: Array.isArray would narrow the typed list to any[].
  const given: unknown = models;
  if (!Array.isArray(given) || given.length === 0) throw new InvalidInputError(`predictEnsemble needs a non-empty array of member models, got ${describeValue(models)}`);
  const y = o['y'] === undefined ? undefined : toMatrix(o['y'] as ArrayLike<number>, 1, 'y').data;
  const members: GaussianMember[] = [];
  for (const model of models) {
    const engine = Engine.create(ctx, model);
    try {
      const r = await engine.predict(x, { samples: 1, seed: 0 });
      if (r.outputDim !== 1) throw new InvalidInputError(`ensemble members must have one output, got ${r.outputDim}`);
      members.push({ mean: r.mean, std: r.aleatoricStd });
    } finally {
      engine.dispose();
    }
  }
  return gaussianMixture(members, y);
}

/**
 * The mixture in the engine's result shape (one output; `samples` = members), with the
 * moment-matched normal interval mean ± z·std at `intervalLevel` as the engine reports it, so
 * code written for PredictResult (the CLI's tables and JSON) shows ensembles too.
 */
export function mixtureAsPrediction(mix: MixturePrediction, intervalLevel = 0.9): PredictResult {
  numberOption(intervalLevel, 'intervalLevel', { min: 0, max: 1, exclusive: true });
  const z = normalQuantile((1 + intervalLevel) / 2);
  const lower = Float32Array.from(mix.mean, (m, i) => m - z * (mix.std[i] as number));
  const upper = Float32Array.from(mix.mean, (m, i) => m + z * (mix.std[i] as number));
  return {
    n: mix.n,
    outputDim: 1,
    samples: mix.members,
    likelihood: 'normal',
    path: 'joint',
    mean: Float32Array.from(mix.mean),
    std: Float32Array.from(mix.std),
    epistemicStd: Float32Array.from(mix.epistemicStd),
    aleatoricStd: Float32Array.from(mix.aleatoricStd),
    lower,
    upper,
    intervalLevel,
    ...(mix.logPredictiveDensity ? { logPredictiveDensity: Float32Array.from(mix.logPredictiveDensity) } : {}),
  };
}
