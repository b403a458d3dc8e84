/**
 * score(): the log joint of one parameter point, what a Pyro trace's log_prob_sum gives for the
 * same values. The point becomes a model whose parameters are deltas at its values (point-model.ts);
 * one predict of that model with S = 1 gives the likelihood term 'obs', and the site-logprob
 * program sums each latent site's prior log-densities over its range of the params buffer. Both
 * run inside one set of error scopes, through the same recorder as predict.
 */
import { GpuExecutionError, InvalidInputError } from '../errors.js';
import { BufferSet, readBuffer } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import { withErrorScopes } from '../gpu/failure.js';
import { PipelineCache } from '../gpu/pipelines.js';
import { CHUNK } from '../kernels/infer/chunk.js';
import { SITE_WORDS, siteLogProbProgram } from '../kernels/infer/site-logprob.js';
import type { Model } from '../model/spec.js';
import { Recorder } from '../scheduler/recorder.js';
import type { MatrixInput } from '../inputs.js';
import { ModelEngine } from './model-engine.js';
import type { ResolvedEngineOptions } from './engine-options.js';
import { pointModel, readPoint, scoreSites, type PointInput } from './point-model.js';
import type { ScoreResult } from './types.js';

export async function scorePoint(ctx: GpuContext, model: Model, options: ResolvedEngineOptions, point: PointInput, x: MatrixInput, y: MatrixInput): Promise<ScoreResult> {
  ctx.assertHealthy();
  if ((y as unknown) === undefined || (y as unknown) === null) {
    throw new InvalidInputError('score needs y: the targets whose likelihood is the obs term of the log joint');
  }
  const engine = ModelEngine.forDerivedModel(ctx, pointModel(model, readPoint(point)), options);
  try {
    return await withErrorScopes(ctx, 'score', undefined, async () => {
      const predicted = await engine.predict(x, { samples: 1, y, path: 'joint' });
      const obs = predicted.sampleLogLikelihood?.[0];
      if (obs === undefined) throw new GpuExecutionError('score produced no likelihood');
      const sites = scoreSites(model.spec, engine.layout);
      const lp = await siteLogProbs(
        ctx,
        engine,
        sites.map((s) => s.words),
      );
      const out: Record<string, number> = {};
      sites.forEach((s, i) => {
        out[s.site] = lp[i] as number;
      });
      out['obs'] = obs;
      const logJoint = Object.values(out).reduce((a, b) => a + b, 0);
      return { sites: out, logJoint };
    });
  } finally {
    engine.dispose();
  }
}

/** Each site's summed prior log-density, one workgroup per site. */
async function siteLogProbs(ctx: GpuContext, engine: ModelEngine, siteWords: readonly Uint32Array[]): Promise<Float32Array> {
  const program = siteLogProbProgram();
  const compiled = await PipelineCache.for(ctx).get(program);
  const words = new Uint32Array(siteWords.length * SITE_WORDS);
  siteWords.forEach((w, i) => words.set(w, i * SITE_WORDS));
  const buffers = new BufferSet(ctx.device);
  try {
    const named = new Map([
      ['params', engine.paramsBuffer],
      ['sites', buffers.upload('sites', words)],
      ['site_lp', buffers.createStorage('site_lp', siteWords.length * 4)],
    ]);
    const recorder = new Recorder(ctx, {
      uniform: CHUNK,
      slotsPerSubmit: 1,
      resolve: (name) => named.get(name) ?? missing(name),
      compiled: () => compiled,
      label: 'score',
    });
    try {
      await recorder.begin(CHUNK.zero);
      recorder.dispatch(program, { sites: siteWords.length });
      await recorder.flush();
    } finally {
      recorder.destroy();
    }
    return new Float32Array(await readBuffer(ctx, named.get('site_lp') ?? missing('site_lp'), 0, siteWords.length * 4));
  } finally {
    buffers.destroyAll();
  }
}

function missing(name: string): never {
  throw new Error(`internal: score has no buffer '${name}'`);
}
