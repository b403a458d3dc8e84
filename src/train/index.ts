/** Training on the GPU: variational inference, MC dropout, deep ensembles and MAP, many models per dispatch. */
export { train } from './trainer.js';
export { initialTheta } from '../objective/init.js';
export { trainLayout, type TrainLayout, type TrainLayerLayout } from '../objective/layout.js';
export { TRAIN_METHODS } from '../objective/methods.js';
export { prepareRun, type PreparedRun, type PreparedModel } from '../objective/prepare.js';
export { thetaToModel } from '../objective/to-model.js';
export type {
  ArchitectureSpec,
  LearningRateSchedule,
  ModelHyper,
  SamplerKind,
  SamplerOptions,
  TrainData,
  TrainMethod,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from '../objective/types.js';
