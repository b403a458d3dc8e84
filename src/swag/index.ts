/** SWAG (Maddox et al. 2019): a diagonal plus low-rank Gaussian posterior from SGD iterates, fitted with the GPU trainer. */
export { trainSwag, swagFromIterates, swagSetup, type SwagResult, type SwagSetup } from './fit.js';
export { swagMoments, type SwagMoments } from './moments.js';
export { swagCovariance, swagDraw } from './draws.js';
export { swagDiagonalModel, swagDrawModels, swagDrawThetas } from './models.js';
export { SWAG_DEFAULTS, readSwagOptions, type ResolvedSwagOptions } from './options.js';
