/**
 * Training method 'laplace' (Daxberger et al. 2021, "Laplace Redux"): the GPU 'map' fit
 * (src/train), then post-hoc on the host in float64 the Laplace posterior N(θ*, H⁻¹) of each model
 * (posterior.ts: last layer with full covariance, the diagonal GGN or KFAC over every weight and bias;
 * the prior precision given or tuned by the marginal likelihood), turned into engine models whose
 * predictive the GPU samples (to-model.ts). linearized.ts gives the linearised (GLM) predictive.
 *
 * Where: the GGN needs one forward pass and, for the diagonal, one backward pass per output unit and
 * training row; for the UCI sizes (N <= ~10k rows, P <= ~3k parameters) that is well under a second
 * to a few seconds in float64 on the host, exact and simple, so it runs there; the GPU trains the MAP
 * and samples the predictive.
 */
import type { GpuContext } from '../gpu/device.js';
import type { Model } from '../model/spec.js';
import type { ArchitectureSpec } from '../objective/architecture.js';
import { trainLayout, type TrainLayout } from '../objective/layout.js';
import { prepareRun, type PreparedModel, type PreparedRun } from '../objective/prepare.js';
import type { TrainedModelInfo } from '../objective/to-model.js';
import type { TrainData, TrainOptions, TrainResult } from '../objective/types.js';
import { InvalidInputError } from '../errors.js';
import { train } from '../train/trainer.js';
import type { LaplaceRows } from './ggn.js';
import { laplacePosterior, resolveLaplaceOptions, type LaplaceOptions, type LaplacePosterior, type ResolvedLaplaceOptions } from './posterior.js';
import { diagonalModel, drawnModels } from './to-model.js';

/** The method name the CLI and the UCI tool take for this module (the fit itself is 'map'). */
export const LAPLACE_METHOD = 'laplace';

/** train()'s options with method 'laplace' and the Laplace settings; everything else as for 'map'. */
export type LaplaceTrainOptions = Omit<TrainOptions, 'method' | 'snapshotEpochs'> & {
  readonly method: typeof LAPLACE_METHOD;
  readonly laplace?: LaplaceOptions;
};

/** One model's Laplace approximation: what the linearised predictive and the conversions need. */
export interface LaplaceFit {
  readonly layout: TrainLayout;
  readonly posterior: LaplacePosterior;
  /** The standardisation and settings the MAP model was trained with. */
  readonly info: TrainedModelInfo;
}

export interface LaplaceResult {
  /** The 'map' training run the posteriors are centred on. */
  readonly map: TrainResult;
  readonly options: ResolvedLaplaceOptions;
  /** One per trained model (options.models order). */
  readonly fits: readonly LaplaceFit[];
  /**
   * Per model, the engine models of its posterior: 'diagonal' one model with 'normal' weight and
   * bias posteriors; 'last-layer' and 'kfac' `samples` delta models (the draws), predicted as an ensemble.
   */
  readonly models: readonly (readonly Model[])[];
}

/** The 'map' options of a 'laplace' request (InvalidInputError for a method that is not 'laplace'). */
export function mapOptions(options: LaplaceTrainOptions): TrainOptions {
  const record = (options ?? {}) as unknown as Record<string, unknown>;
  if (record['method'] !== LAPLACE_METHOD) throw new InvalidInputError(`trainLaplace needs method '${LAPLACE_METHOD}', got ${JSON.stringify(record['method'])}`);
  if (record['snapshotEpochs'] !== undefined) throw new InvalidInputError("snapshotEpochs is not a 'laplace' option (the posterior is built at the final θ)");
  const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'laplace' && k !== 'method'));
  return { ...(rest as Omit<TrainOptions, 'method'>), method: 'map' };
}

function infoOf(p: PreparedModel): TrainedModelInfo {
  return { standardization: { xMean: [...p.xMean], xStd: [...p.xStd], yMean: [p.yMean], yStd: [p.yStd] }, dropout: 0, tau: p.tau, priorScale: p.priorScale };
}

/** Model m's training rows, standardised as training saw them. */
export function standardizedRows(run: PreparedRun, m: number): LaplaceRows {
  const p = run.models[m];
  if (!p) throw new RangeError(`internal: no model ${m}`);
  const d = run.inputDim;
  const n = p.rows.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  p.rows.forEach((r, k) => {
    for (let c = 0; c < d; c++) x[k * d + c] = ((run.x[r * d + c] as number) - (p.xMean[c] as number)) / (p.xStd[c] as number);
    const v = run.y[r] as number;
    y[k] = run.likelihood.scale ? (v - p.yMean) / p.yStd : v;
  });
  return { x, y, rows: n };
}

/**
 * The Laplace approximations around given MAP θs (one per model, the 'map' layout), on the host:
 * what trainLaplace does after training, for a θ from elsewhere (a previous run, a closed form).
 */
export function laplaceFromTheta(
  arch: ArchitectureSpec,
  data: TrainData,
  options: LaplaceTrainOptions,
  theta: readonly ArrayLike<number>[],
): { options: ResolvedLaplaceOptions; fits: LaplaceFit[]; models: Model[][] } {
  const map = mapOptions(options);
  const run = prepareRun(arch, data, map);
  const resolved = resolveLaplaceOptions(options.laplace, run.likelihood);
  const layout = trainLayout(arch, 'map', false, run.likelihood);
  if (theta.length !== run.models.length) throw new InvalidInputError(`${theta.length} θ vectors for ${run.models.length} models`);
  const fits = run.models.map((p, m): LaplaceFit => {
    const posterior = laplacePosterior(layout, theta[m] as ArrayLike<number>, standardizedRows(run, m), resolved);
    return { layout, posterior, info: infoOf(p) };
  });
  const models = fits.map((fit, m) =>
    resolved.structure === 'diagonal'
      ? [diagonalModel(layout, fit.posterior, fit.info)]
      : drawnModels(layout, fit.posterior, fit.info, resolved.samples, run.seed, run.models[m]?.stream ?? m),
  );
  return { options: resolved, fits, models };
}

/**
 * Trains the MAP of every model on the GPU, then builds each one's Laplace posterior (see the header).
 * @example const r = await trainLaplace(ctx, { inputDim: 1, hidden: [50], activation: 'tanh' }, { x, y }, { method: 'laplace', epochs: 200, laplace: { structure: 'diagonal' } });
 *          const engine = Engine.create(ctx, r.models[0]); // 'last-layer': an ensemble of the draws
 */
export async function trainLaplace(ctx: GpuContext, arch: ArchitectureSpec, data: TrainData, options: LaplaceTrainOptions): Promise<LaplaceResult> {
  const map = mapOptions(options);
  // Everything is checked before the GPU trains: the request as 'map', then the Laplace settings.
  const run = prepareRun(arch, data, map);
  resolveLaplaceOptions(options.laplace, run.likelihood);
  const fitted = await train(ctx, arch, data, map);
  const post = laplaceFromTheta(arch, data, options, fitted.theta);
  return { map: fitted, ...post };
}
