/** Laplace approximations around a MAP fit (laplace.ts): the posterior, its evidence, its engine models and its linearised predictive. */
export { LAPLACE_METHOD, laplaceFromTheta, trainLaplace, type LaplaceFit, type LaplaceResult, type LaplaceTrainOptions } from './laplace.js';
export { LAPLACE_LIKELIHOODS } from './curvature.js';
export { LAPLACE_STRUCTURES, type LaplaceStructure } from './ggn.js';
export { linearizedPredict, type LinearizedFit, type LinearizedPrediction } from './linearized.js';
export { isLaplaceMetadata, laplaceFitFromBytes, laplaceFitToBytes, type LaplaceFileFit } from './fit-file.js';
export { DEFAULT_LAPLACE_SAMPLES, MAX_FULL_COVARIANCE_PARAMS, MAX_LAPLACE_SAMPLES, type LaplaceOptions, type LaplacePosterior, type ResolvedLaplaceOptions } from './posterior.js';
