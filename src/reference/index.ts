/**
 * The float64 oracle: a CPU reference of predict and score with the GPU's random streams, for checking
 * GPU results sample by sample. It imports nothing from src/gpu or the shaders.
 */
export { oracleSamples } from './forward.js';
export type { OracleInput, OracleSampleOptions, OracleSamples } from './forward.js';
export { oraclePredict, predictiveFromSamples } from './predict.js';
export { oracleEnsemblePredict } from './ensemble.js';
export type { OraclePredictResult } from './predict.js';
export { oracleLogPrior, oracleScore } from './score.js';
export type { ParameterPoint } from './score.js';
