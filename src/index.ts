/**
 * webgpu-bnn: Bayesian neural networks on WebGPU.
 *
 * @example
 * const ctx = await createBrowserContext();            // or createNodeContext() from 'webgpu-bnn/node'
 * const model = await loadModel('/models/toy1d.safetensors');
 * const engine = Engine.create(ctx, model);
 * const r = await engine.predict([[0.5]], { samples: 1000, seed: 1 });
 * engine.dispose();
 */
export * from './errors.js';
export { createBrowserContext, createContext, type GpuContext, type AdapterDescription } from './gpu/device.js';
export { describeAdapter, describeAdapterDescription } from './gpu/adapter-line.js';
export { Engine, type EngineOptions, type EngineResources } from './infer/engine.js';
export type { PredictOptions, PredictResult, ScoreResult, SamplingPath, KernelStrategy, KernelChoice, LayerKernel } from './infer/types.js';
export { loadKernelCalibrations, saveKernelCalibrations, type SavedKernelCalibrations } from './infer/calibration-file.js';
export type { KernelCalibration } from './infer/kernel-calibration.js';
export type { MatrixInput } from './inputs.js';
export * from './model/index.js';
export * from './train/index.js';
export * from './distill/index.js';
export * from './swag/index.js';
export * from './laplace/index.js';
export { gaussianMixture, mixtureAsPrediction, predictEnsemble, type GaussianMember, type MixturePrediction } from './infer/ensemble.js';
export { predictDirichlet, type DirichletPrediction, type DirichletPredictOptions } from './infer/dirichlet-predict.js';
export { dirichletUncertainty, type DirichletUncertainty } from './math/dirichlet.js';
export { chainDiagnostics, predictedMean, type ChainDiagnostics, type ChainQuantity } from './mcmc/chain-diagnostics.js';
