/** Training on the GPU: variational inference, MC dropout, deep ensembles, MAP and HMC sampling, many models per dispatch. */
export { train } from './trainer.js';
export { mapWarmStart, DEFAULT_WARM_START_LR, type WarmStartOptions } from './warm-start.js';
export { initialTheta } from '../objective/init.js';
export { trainLayout, type TrainLayout, type TrainLayerLayout } from '../objective/layout.js';
export { TRAIN_METHODS } from '../objective/methods.js';
export { prepareRun, type PreparedRun, type PreparedModel } from '../objective/prepare.js';
export { thetaToModel } from '../objective/to-model.js';
export type {
  ArchitectureSpec,
  HmcChainDiagnostics,
  HmcOptions,
  LearningRateSchedule,
  McmcDiagnostics,
  ModelHyper,
  PosteriorDiagnostics,
  SamplerKind,
  SamplerOptions,
  TrainData,
  TrainMethod,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from '../objective/types.js';
