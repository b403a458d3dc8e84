/**
 * The Node entry: everything the browser entry has, plus WebGPU through Dawn (npm `webgpu`) and
 * model files read from the filesystem. Importing it installs the bounded path reader that
 * loadModel and loadEnsemble use for a path or file: URL (package.json's "node" condition makes
 * `import ... from 'webgpu-bnn'` load this file in Node).
 */
import { installPathReader } from '../model/format.js';
import { MAX_MODEL_FILE_BYTES } from '../model/limits.js';
import { readFileBounded } from './read-file.js';

installPathReader((path) => readFileBounded(path, { what: 'model file', maxBytes: MAX_MODEL_FILE_BYTES, capName: 'MAX_MODEL_FILE_BYTES' }));

export * from '../index.js';
export { createNodeContext, SWIFTSHADER_ICD, type NodeContextOptions } from './device.js';
export { GPU_WAITS, type GpuWait } from './gpu-wait.js';
export { exampleModelPath, exampleModels } from './examples.js';
