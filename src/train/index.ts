/** Training on the GPU: variational inference, MC dropout, deep ensembles and MAP, many models per dispatch. */
export { train } from './trainer.js';
export { initialTheta } from './init.js';
export { trainLayout, TRAIN_METHODS, type TrainLayout, type TrainLayerLayout } from './layout.js';
export { prepareRun, type PreparedRun, type PreparedModel } from './prepare.js';
export { thetaToModel } from './to-model.js';
export type { ArchitectureSpec, LearningRateSchedule, ModelHyper, TrainData, TrainMethod, TrainOptions, TrainProgress, TrainResult } from './types.js';
