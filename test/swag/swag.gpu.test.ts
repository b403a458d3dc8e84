/**
 * trainSwag on the GPU (src/swag): the SWA phase starts from the pretrained θ and its iterates track
 * the float64 oracle's run from the same θ; the posterior is the moments of those iterates; the
 * draws' ensemble predicts on the GPU as the oracle predicts the same draws; SWAG's predictive
 * spreads away from the data where MAP's does not; SWAG-Diagonal with a heteroscedastic head is a
 * mean-field model the GPU samples natively; bad requests are typed errors.
 */
import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import type { PredictResult } from '../../src/infer/types.js';
import { normalQuantile } from '../../src/math/special.js';
import type { Model } from '../../src/model/spec.js';
import { tensorNames } from '../../src/model/spec.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { oracleEnsemblePredict } from '../../src/reference/ensemble.js';
import { oraclePredict, type OraclePredictResult } from '../../src/reference/predict.js';
import { oracleTrain } from '../../src/reference/train/index.js';
import { trainSwag } from '../../src/swag/fit.js';
import { swagMoments } from '../../src/swag/moments.js';
import { readSwagOptions, swaOptions } from '../../src/swag/options.js';
import { train } from '../../src/train/trainer.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { sampleBounds, statisticBounds, type SampleBounds } from '../support/error-bound.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

const Z = normalQuantile(0.95);
const rand = testRng(5);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
// 40 noisy points of sin(2x) on [-2, 2]; predictions probed inside and far outside that range.
const xs = Array.from({ length: 40 }, (_, i) => (i < 20 ? -2 + 1.3 * rand() : 0.7 + 1.3 * rand()));
const x = xs.map((v) => [v]);
const y = xs.map((v) => Math.sin(2 * v) + 0.2 * gauss());
const arch = { inputDim: 1, hidden: [16], activation: 'relu' as const };
const options: TrainOptions = { method: 'swag', epochs: 60, batchSize: 10, lr: 0.02, seed: 2, swag: { swaEpochs: 20, swaLr: 0.01, samples: 20 } };

/** Per-sample bounds of point members, each evaluated once (as the engine does), laid out member by member. */
function ensembleBounds(members: readonly Model[], rows: number[][]): SampleBounds {
  const parts = members.map((m, i) => sampleBounds(m, rows, { samples: 1, seed: 0, path: 'joint', member: i }));
  const join = (field: 'f' | 'fBound' | 'scale' | 'scaleBound' | 'y' | 'yBound') => Float64Array.from(parts.flatMap((p) => Array.from(p[field])));
  const first = parts[0]!;
  const fields = { f: join('f'), fBound: join('fBound'), scale: join('scale'), scaleBound: join('scaleBound'), y: join('y'), yBound: join('yBound') };
  return { samples: members.length, n: first.n, outputDim: first.outputDim, ...fields };
}

function expectMatches(got: PredictResult, want: OraclePredictResult, bounds: SampleBounds, what: string): void {
  const stats = statisticBounds(bounds, null, Z);
  for (const name of ['mean', 'epistemicStd', 'aleatoricStd', 'std'] as const) expectAllClose(got[name], want[name], stats[name], `${what} ${name}`);
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describeGpu('trainSwag', () => {
  const ctx = gpu!;

  it('low-rank: iterates, moments, the draws predicted on the GPU and by the oracle, spread beyond the data that MAP lacks', async () => {
    const r = await trainSwag(ctx, arch, { x, y }, options);
    const swag = readSwagOptions(options);
    expect(r.swag).toEqual(swag);
    expect(r.swa.snapshotTheta[0]).toHaveLength(20);

    // The SWA phase is the oracle's SGD run from the pretrained θ (TrainOptions.initialTheta):
    // float32 against float64 over 80 SGD steps of O(1) values; |gpu − oracle| <= 1e-2 (1 + |oracle|).
    const oracle = oracleTrain(arch, { x, y }, swaOptions(options, swag, r.pretrain.theta));
    r.swa.snapshotTheta[0]!.forEach((theta, k) => expectAllClose(theta, oracle.snapshotTheta[0]![k]!, relativeBound(oracle.snapshotTheta[0]![k]!, 1e-2), `SWA iterate ${k}`));
    // The posterior is the moments of the GPU's iterates, exactly.
    const moments = swagMoments(r.swa.snapshotTheta[0]!, swag.rank);
    expect(Array.from(r.posteriors[0]!.mean)).toEqual(Array.from(moments.mean));
    expect(r.posteriors[0]!.deviations).toHaveLength(20);

    // The draws' ensemble: GPU engine against the oracle's predictive of the same 20 point models.
    const members = r.models[0]!;
    expect(members).toHaveLength(20);
    const probe = [[-1.4], [0], [1.4], [-8], [8]];
    const engine = Engine.create(ctx, members);
    const mapEngine = Engine.create(ctx, r.pretrain.models[0]!);
    try {
      const got = await engine.predict(probe);
      expectMatches(got, oracleEnsemblePredict(members, probe), ensembleBounds(members, probe), 'SWAG draws');
      // SWAG's epistemic spread at x = ±8 (data in [-2, 2]) is over twice its mean at the data (seen: 3.1x); MAP's predictive is the same everywhere.
      const atData = await engine.predict(x);
      expect(Math.min(got.epistemicStd[3]!, got.epistemicStd[4]!)).toBeGreaterThan(2 * mean(atData.epistemicStd));
      const map = await mapEngine.predict([...x, [-8], [8]]);
      expect(Math.max(...map.epistemicStd)).toBe(0);
      expect(Math.max(...map.std) - Math.min(...map.std)).toBe(0);
    } finally {
      engine.dispose();
      mapEngine.dispose();
    }
  });

  it('diagonal with a heteroscedastic head: a mean-field normal model the GPU samples as the oracle does', async () => {
    const o: TrainOptions = {
      method: 'swag',
      epochs: 20,
      batchSize: 10,
      lr: 0.02,
      seed: 4,
      heteroscedastic: true,
      swag: { swaEpochs: 4, swaLr: 0.005, variant: 'diagonal', scale: 0.5 },
    };
    const r = await trainSwag(ctx, arch, { x, y }, o);
    const [model] = r.models[0]!;
    const p = r.posteriors[0]!;
    expect(r.models[0]).toHaveLength(1);
    expect(r.drawTheta[0]).toEqual([]);
    expect(model!.spec.layers.every((l) => l.weight.posterior === 'normal' && l.bias.posterior === 'normal')).toBe(true);
    expect(model!.spec.likelihood).toMatchObject({ noise: { kind: 'heteroscedastic' } });
    // The scales are sqrt(scale · Σ_diag) of the layout's weights (layer 0's first: θ index 0 on).
    const scale0 = model!.tensors.get(tensorNames.weightScale(0))!.data;
    expectAllClose(
      scale0,
      Array.from(scale0, (_, e) => Math.fround(Math.sqrt(0.5 * p.variance[e]!))),
      0,
      'layer 0 weight scales',
    );
    const probe = [[-1.4], [0.3], [5]];
    const engine = Engine.create(ctx, model!);
    try {
      const opts = { samples: 64, seed: 9 };
      const got = await engine.predict(probe, opts);
      expectMatches(got, oraclePredict(model!, probe, opts), sampleBounds(model!, probe, { ...opts, path: 'joint' }), 'SWAG-Diagonal');
      expect(Math.min(...got.epistemicStd)).toBeGreaterThan(0);
    } finally {
      engine.dispose();
    }
  });

  it('bad requests are typed errors before any GPU work', async () => {
    await expect(train(ctx, arch, { x, y }, options)).rejects.toThrow(/fitted by trainSwag/);
    await expect(train(ctx, arch, { x, y }, { method: 'map', epochs: 1, swag: {} })).rejects.toThrow(/swag options are for method 'swag'/);
    await expect(trainSwag(ctx, arch, { x, y }, { ...options, swag: { rank: 0 } })).rejects.toThrow(InvalidInputError);
    await expect(trainSwag(ctx, arch, { x, y }, { ...options, epochs: 0 })).rejects.toThrow(/epochs/);
    for (const [initialTheta, message] of [
      [[[1, 2]], /initialTheta\[0\] has 2 values/],
      [[], /initialTheta has 0 entries for 1 model/],
      [[new Float64Array(50).fill(NaN)], /initialTheta\[0\]\[0\] must be a number finite in float32/],
    ] as const) {
      const bad = { method: 'map', epochs: 1, initialTheta } as unknown as TrainOptions;
      await expect(train(ctx, arch, { x, y }, bad)).rejects.toThrow(message);
      expect(() => oracleTrain(arch, { x, y }, bad)).toThrow(message);
    }
  });
});
