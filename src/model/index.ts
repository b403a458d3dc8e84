/** Model description, validation and files (our safetensors format, Pyro AutoNormal / AutoDiagonalNormal exports, parameter points). */
export * from './spec.js';
export { MAX_HEADER_BYTES, MAX_JSON_DEPTH, MAX_MODEL_FILE_BYTES, MAX_NAME_LENGTH, MAX_TENSOR_ELEMENTS, MAX_TENSORS_PER_FILE } from './limits.js';
export { parseJsonStrict, previewJson, type StrictJsonOptions } from './strict-json.js';
export { SAFETENSORS_FLOAT_DTYPES, parseSafetensors, serializeSafetensors, type SafetensorsDtype, type SafetensorsFile, type SafetensorsTensor } from './safetensors.js';
export { checkLayerCount, validateSpec } from './validate.js';
export { validateModel } from './validate-model.js';
export { validateSpecJson } from './spec-json.js';
export { SCALAR_SHAPE } from './shapes.js';
export { DEFAULT_LEAKY_SLOPE } from './spec.js';
export { FORMAT_NAME, FORMAT_VERSION, loadModel, modelFromBytes, modelFromSafetensors, modelToBytes, type ModelSource } from './format.js';
export {
  AUTODIAGONALNORMAL_LOC,
  AUTODIAGONALNORMAL_SCALE,
  AUTONORMAL_LOCS_PREFIX,
  AUTONORMAL_SCALES_PREFIX,
  PYRO_GUIDES,
  PYRO_SIGMA_SITE,
  isPyroAutoNormal,
  modelFromPyro,
  type PyroGuide,
} from './pyro.js';
export { SIGMA_PRIOR_FIELDS, describeSigmaPrior, noiseSupport, sigmaPriorParameters, sigmaPriorSupport } from './sigma-prior.js';
export { pointFromBytes } from './point.js';
export { MAX_ENSEMBLE_MEMBERS, ensembleFromBytes, ensembleToBytes, isEnsembleMetadata, loadEnsemble } from './ensemble-file.js';
