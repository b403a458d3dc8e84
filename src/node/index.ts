/** Node entry: WebGPU through Dawn (npm `webgpu`) and model files from the filesystem. */
export * from '../index.js';
export { createNodeContext, SWIFTSHADER_ICD, type NodeContextOptions } from './device.js';
