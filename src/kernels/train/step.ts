/**
 * What the training programs read besides their arrays: the Step uniform (one value per step) and
 * the models' constants (a storage array with one struct per model, read as `models[m].priorScale`),
 * both declared from the training contract's field lists (src/objective/step.ts), so the WGSL
 * structs and the host's packers come from one list.
 */
import { MODEL_FIELDS, STEP_FIELDS } from '../../objective/step.js';
import { readStructs } from '../bindings.js';
import { defineStruct } from '../struct.js';
import type { BindingSpec, WgslLibrary } from '../wgsl.js';

export const STEP = defineStruct('Step', STEP_FIELDS);

export const MODEL_CONSTANTS = defineStruct('ModelConstants', MODEL_FIELDS);

export const stepBinding: BindingSpec = { name: 'step', access: 'uniform', type: STEP.name };

export const modelsBinding: BindingSpec = readStructs('models', MODEL_CONSTANTS.name);

/** seed_key() from the Step uniform (shaders/train/step.wgsl). */
export const STEP_KEY: WgslLibrary = { file: 'train/step' };

/**
 * model_word(m) and model_step(m), the 4th counter word and the sample index of model m's draws
 * (shaders/train/model-stream.wgsl); the program binds the Step uniform and the models' constants.
 */
export const MODEL_STREAM: WgslLibrary = { file: 'train/model-stream', needs: [STEP_KEY] };
