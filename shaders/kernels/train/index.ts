/** The training kernels, one file per stage of a step. */
export { META_F32, META_U32, STEP_FIELDS, type TrainShape } from './common.js';
export { gatherKernel, trainAdversarialKernel, trainMasksKernel, trainMasksThreads } from './data.js';
export { trainFlipKernel, trainSampleKernel, trainSigmaKernel } from './draws.js';
export { trainForwardKernel } from './forward.js';
export { trainLossKernel } from './loss.js';
export { trainDhPrevKernel, trainDzKernel, trainInputGradKernel, trainWeightGradKernel } from './backward.js';
export { trainClipKernel, trainOptimizerKernel } from './optimizer.js';
export { tiledDhPrevThreads, tiledEstimator, trainDhPrevTiledKernel, tiledForwardThreads, tiledWeightGradThreads, trainForwardTiledKernel, trainWeightGradTiledKernel, type TrainTile } from './tiled.js';
