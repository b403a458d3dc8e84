/**
 * Every inference program the library can build, over a matrix of model shapes and call options:
 * architectures from one to three layers, every activation, dropout, batch norm, point-valued
 * parts, every noise model, every kernel strategy and both paths, with and without targets,
 * per-sample outputs and quantiles; and every training step's programs over methods, estimators,
 * kernel strategies, optimisers and activations. The kernel tests compile, parse and key these.
 */
import { ACTIVATIONS, type NoiseSpec } from '../../src/model/spec.js';
import { buildModelLayout } from '../../src/model/gpu-layout.js';
import type { Program } from '../../src/kernels/program.js';
import { buildProgram, programKernels, type ProgramOptions } from '../../src/infer/predict-program.js';
import { siteLogProbProgram } from '../../src/kernels/infer/site-logprob.js';
import { DEFAULT_MATMUL_BLOCKING } from '../../src/kernels/infer/dense.js';
import { buildModel } from './model-builders.js';
import { planTraining } from '../../src/train/plan.js';
import { stepPrograms } from '../../src/train/step-programs.js';
import { hmcPrograms } from '../../src/train/hmc-programs.js';
import type { TrainData, TrainOptions } from '../../src/objective/types.js';
import type { WebGpuLimits } from '../../src/gpu/webgpu-types.js';

const NOISES: readonly NoiseSpec[] = [
  { kind: 'fixed', sigma: 0.3 },
  { kind: 'lognormal', site: 'sigma' },
  { kind: 'logitnormal', site: 'sigma', low: 0.01, high: 2 },
  { kind: 'gamma', site: 'sigma' },
  { kind: 'heteroscedastic', minScale: 1e-3 },
];

/** The layouts of the matrix: every activation in a hidden layer, every noise model, and odd shapes. */
function layouts() {
  const out = [];
  for (const [i, activation] of ACTIVATIONS.entries()) {
    const noise = NOISES[i % NOISES.length] as NoiseSpec;
    const outputs = noise.kind === 'heteroscedastic' ? 2 : 1;
    out.push(
      buildModelLayout(
        buildModel({
          inputDim: 1 + (i % 3),
          units: [5 + i, outputs],
          activations: [activation, 'identity'],
          noise,
          dropout: [i % 2 ? 0.1 : 0, 0],
          batchNorm: [i % 3 === 0, false],
          seed: i + 1,
        }),
      ),
    );
  }
  out.push(buildModelLayout(buildModel({ inputDim: 13, units: [50, 50, 1], activations: ['relu', 'relu', 'identity'], seed: 9 })));
  out.push(
    buildModelLayout(
      buildModel({
        inputDim: 3,
        units: [7, 6, 4],
        activations: ['gelu', 'leaky_relu', 'identity'],
        posterior: [
          ['normal', 'delta'],
          ['delta', 'normal'],
          ['delta', 'delta'],
        ],
        noise: { kind: 'gamma', site: 'sigma' },
        seed: 10,
      }),
    ),
  );
  // Classifiers (their own moments, loglik and finalize programs) and the likelihoods with per-sample moments
  // (lik-moments / lik-loglik): Student-t on fixed and heteroscedastic noise, Beta, Dirichlet.
  const others = [
    [{ kind: 'categorical', classes: 3 }, 3, undefined],
    [{ kind: 'bernoulli' }, 2, undefined],
    [{ kind: 'student-t', noise: { kind: 'fixed', sigma: 0.3 }, link: 'sigma', sigmaPrior: null, df: 3 }, 1, undefined],
    [{ kind: 'student-t', noise: { kind: 'heteroscedastic', minScale: 1e-3 }, link: 'sigma', sigmaPrior: null, df: 1.5 }, 2, { kind: 'heteroscedastic', minScale: 1e-3 }],
    [{ kind: 'beta', minConcentration: 0.01 }, 2, undefined],
    [{ kind: 'dirichlet', classes: 4, minConcentration: 0.01 }, 4, undefined],
  ] as const;
  for (const [likelihood, units, noise] of others) {
    const base = buildModel({ inputDim: 2, units: [6, units], dropout: [0.1, 0], seed: 12, ...(noise ? { noise } : {}) });
    out.push(buildModelLayout({ spec: { ...base.spec, likelihood }, tensors: base.tensors }));
  }
  return out;
}

/** Each call shape of the matrix: a strategy with a combination of options. */
function optionSets(): ProgramOptions[] {
  const base = {
    workgroupFloats: 4096,
    fusedInputsPerWorkgroup: 256,
    registersInputsPerThread: 64,
    matmulBlocking: DEFAULT_MATMUL_BLOCKING,
    inputsPerChunk: 256,
    cpuAdapter: false,
    subgroups: true,
  };
  const out: ProgramOptions[] = [];
  for (const kernel of ['fused', 'tiled', 'registers', 'materialized', 'lanes', 'subgroups', 'network'] as const) {
    for (const [withY, returnSamples, withQuantiles] of [
      [false, false, false],
      [true, true, true],
      [true, false, false],
      [false, false, true],
    ] as const) {
      out.push({ ...base, path: 'joint', kernel, withY, returnSamples, withQuantiles });
    }
  }
  out.push({ ...base, path: 'marginal', kernel: 'auto', withY: true, returnSamples: false, withQuantiles: true });
  out.push({ ...base, path: 'joint', kernel: 'materialized', withY: false, returnSamples: false, withQuantiles: false, matmulBlocking: { inputs: 4, unitQuads: 2 } });
  return out;
}

/** Every program of the matrix (with repeats: equal programs built from different calls). */
export function inferencePrograms(): Program<never>[] {
  const programs: Program<never>[] = [siteLogProbProgram()];
  for (const layout of layouts()) {
    // Only a Normal model's call asks for quantiles (predict refuses them for the others).
    const normal = layout.likelihood === 'normal';
    for (const options of optionSets()) programs.push(...programKernels(buildProgram(layout, normal ? options : { ...options, withQuantiles: false })));
  }
  return programs;
}

/** WebGPU's default limits: what the training plan checks its buffers against. */
/** WebGPU's default limits, as a device without requested limits has them. */
export const DEFAULT_LIMITS: WebGpuLimits = {
  maxStorageBufferBindingSize: 134_217_728,
  maxBufferSize: 268_435_456,
  maxComputeWorkgroupsPerDimension: 65_535,
  maxComputeWorkgroupStorageSize: 16_384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxStorageBuffersPerShaderStage: 8,
};

/** Every training step's programs of the matrix. */
export function trainingPrograms(): Program<never>[] {
  const x = Array.from({ length: 24 }, (_, i) => [Math.sin(i), Math.cos(i)]);
  const y = x.map(([a, b]) => (a ?? 0) + (b ?? 0));
  const configs: Partial<TrainOptions>[] = [
    { method: 'vi', viEstimator: 'reparameterization' },
    { method: 'vi', viEstimator: 'local', hierarchical: true },
    { method: 'vi', viEstimator: 'flipout', optimizer: 'sgd' },
    { method: 'mc-dropout' },
    { method: 'mc-dropout', kernelStrategy: 'simple' },
    { method: 'map', adversarialEpsilon: 0.01 },
    { method: 'ensemble' },
    { method: 'ensemble', adversarialEpsilon: 0.02, kernelStrategy: 'simple' },
  ];
  const programs: Program<never>[] = [];
  for (const [i, config] of configs.entries()) {
    for (const activation of [ACTIVATIONS[i % ACTIVATIONS.length], 'prelu'] as const) {
      const options = { epochs: 1, batchSize: 8, lr: 1e-2, seed: 1, samplesPerStep: 2, models: [{ dropout: 0.1, tau: 4 }, { dropout: 0.2 }], ...config } as TrainOptions;
      const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden: [5, 3], activation: activation ?? 'tanh' }, { x, y }, options);
      programs.push(...(stepPrograms(plan.shape, plan.run, plan.lanesGathers) as Program<never>[]));
    }
  }
  // Every likelihood without a noise scale under every method (and adversarial training).
  const targets: Record<string, TrainData['y']> = {
    categorical: x.map((_, i) => i % 3),
    bernoulli: x.map((_, i) => i % 2),
    beta: x.map((_, i) => 0.1 + 0.8 * ((i % 5) / 5)),
    dirichlet: x.map((_, i) => [0.2, 0.3 + 0.01 * (i % 4), 0.5 - 0.01 * (i % 4)]),
  };
  // Student-t with learnt and with fixed degrees of freedom.
  for (const [i, config] of configs.entries()) {
    const degreesOfFreedom = i % 2 === 0 ? 'learn' : 4;
    const options = {
      epochs: 1,
      batchSize: 8,
      lr: 1e-2,
      seed: 1,
      samplesPerStep: 2,
      models: [{ dropout: 0.1, tau: 4 }],
      ...config,
      likelihood: 'student-t',
      degreesOfFreedom,
    } as TrainOptions;
    const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden: [4], activation: ACTIVATIONS[i % ACTIVATIONS.length] ?? 'tanh' }, { x, y }, options);
    programs.push(...(stepPrograms(plan.shape, plan.run, plan.lanesGathers) as Program<never>[]));
  }
  // A heteroscedastic head (TrainOptions.heteroscedastic) on the Normal and the Student-t under every method but 'ensemble' (which always has it).
  for (const [i, config] of configs.entries()) {
    if (config.method === 'ensemble') continue;
    for (const likelihood of ['normal', 'student-t'] as const) {
      const options = { epochs: 1, batchSize: 8, lr: 1e-2, seed: 1, samplesPerStep: 2, models: [{ dropout: 0.1 }], ...config, likelihood, heteroscedastic: true } as TrainOptions;
      const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden: [4], activation: ACTIVATIONS[i % ACTIVATIONS.length] ?? 'tanh' }, { x, y }, options);
      programs.push(...(stepPrograms(plan.shape, plan.run, plan.lanesGathers) as Program<never>[]));
    }
  }
  // Concrete dropout: tiled and simple kernels, the Normal (with PReLU), the Student-t, a heteroscedastic head, a classifier.
  const concrete: Partial<TrainOptions>[] = [
    {},
    { kernelStrategy: 'simple' },
    { likelihood: 'student-t' },
    { heteroscedastic: true, kernelStrategy: 'simple' },
    { likelihood: 'categorical' },
  ];
  for (const [i, config] of concrete.entries()) {
    const ty = config.likelihood === 'categorical' ? targets['categorical'] : y;
    const options = { epochs: 1, batchSize: 8, lr: 1e-2, seed: 1, models: [{ dropout: 0.1 }, { dropout: 0.2 }], ...config, method: 'concrete-dropout' } as TrainOptions;
    const activation = i === 0 ? 'prelu' : (ACTIVATIONS[i % ACTIVATIONS.length] ?? 'tanh');
    const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden: [5, 3], activation }, { x, y: ty ?? y }, options);
    programs.push(...(stepPrograms(plan.shape, plan.run, plan.lanesGathers) as Program<never>[]));
  }
  // 'sgmcmc': the sampler's update (SGHMC cyclical, SGLD constant) on 'map''s loss with learnt, fixed (tau) and per-input noise, and a classifier.
  const samplers: Partial<TrainOptions>[] = [
    { sampler: { kind: 'sghmc', cycles: 1, explorationFraction: 0.5 } },
    { sampler: { kind: 'sgld', burnIn: 0 }, models: [{ tau: 4 }, { tau: 2 }] },
    { likelihood: 'student-t', models: [{ tau: 4 }] },
    { heteroscedastic: true },
    { likelihood: 'categorical', clipNorm: 1 },
  ];
  for (const [i, config] of samplers.entries()) {
    const data = config.likelihood === 'categorical' ? { x, y: targets['categorical'] ?? [] } : { x, y };
    const options = { method: 'sgmcmc', epochs: 2, batchSize: 8, lr: 1e-2, seed: 1, ...config } as TrainOptions;
    const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden: [4], activation: ACTIVATIONS[i % ACTIVATIONS.length] ?? 'tanh' }, data, options);
    programs.push(...(stepPrograms(plan.shape, plan.run, plan.lanesGathers) as Program<never>[]));
  }
  for (const [likelihood, ty] of Object.entries(targets)) {
    for (const [i, config] of configs.entries()) {
      const options = { epochs: 1, batchSize: 8, lr: 1e-2, seed: 1, samplesPerStep: 2, models: [{ dropout: 0.1 }, { dropout: 0.2 }], ...config, likelihood } as TrainOptions;
      const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden: [4], activation: ACTIVATIONS[i % ACTIVATIONS.length] ?? 'tanh' }, { x, y: ty }, options);
      programs.push(...(stepPrograms(plan.shape, plan.run, plan.lanesGathers) as Program<never>[]));
    }
  }
  // The one-program steps ('fused', one workgroup a model, and 'lanes', one thread a model): 'mc-dropout' (masks), 'map' with
  // learnt and with fixed (sgmcmc's tau) noise; 'lanes' also where it gathers its own rows (a device binding 10 storage buffers).
  const oneProgram: Partial<TrainOptions>[] = [{ method: 'mc-dropout' }, { method: 'map' }, { method: 'sgmcmc', models: [{ tau: 4 }] }];
  for (const kernelStrategy of ['fused', 'lanes'] as const) {
    for (const [i, config] of oneProgram.entries()) {
      const options = { epochs: 1, batchSize: 8, lr: 1e-2, seed: 1, models: [{ dropout: 0.1 }], ...config, kernelStrategy } as TrainOptions;
      const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden: [5], activation: ACTIVATIONS[i % ACTIVATIONS.length] ?? 'tanh' }, { x, y }, options);
      programs.push(...(stepPrograms(plan.shape, plan.run, plan.lanesGathers) as Program<never>[]));
      if (kernelStrategy === 'lanes') programs.push(...(stepPrograms(plan.shape, plan.run, true) as Program<never>[]));
    }
  }
  // 'hmc': its sampler's programs with learnt and known noise (the store-mode loss, FIXED_SIGMA), a Student-t and no hidden layer.
  const hmcRuns: [Partial<TrainOptions>, number[]][] = [
    [{ models: [{}, { priorScale: 0.5 }] }, [4]],
    [{ models: [{ tau: 4 }], kernelStrategy: 'simple' }, []],
    [{ likelihood: 'student-t', models: [{ tau: 4 }] }, [3]],
  ];
  for (const [config, hidden] of hmcRuns) {
    const options = { method: 'hmc', epochs: 0, seed: 1, hmc: { chains: 2, warmup: 2, samples: 2 }, ...config } as TrainOptions;
    const plan = planTraining(DEFAULT_LIMITS, { inputDim: 2, hidden, activation: 'tanh' }, { x, y }, options);
    const hmc = plan.run.hmc;
    if (hmc) programs.push(...(hmcPrograms(plan.shape, plan.run, hmc).all as Program<never>[]));
  }
  return programs;
}
