/**
 * The example models shipped in the package's models/ folder, by name, as absolute paths: the
 * README's examples load them from any working directory (`loadModel(exampleModelPath(...))`),
 * in a user's app as in a checkout.
 */
import { existsSync, readdirSync } from 'node:fs';
import { InvalidInputError, preview } from '../errors.js';
import { packagePath } from './package-root.js';

const EXTENSION = '.safetensors';

/** Names of the shipped example models (file names without .safetensors). */
export function exampleModels(): string[] {
  return readdirSync(packagePath('models'))
    .filter((f) => f.endsWith(EXTENSION))
    .map((f) => f.slice(0, -EXTENSION.length))
    .sort();
}

/**
 * Absolute path of a shipped example model.
 * @example const model = await loadModel(exampleModelPath('pyro-toy1d'));
 */
export function exampleModelPath(name: string): string {
  const path = packagePath('models', `${name}${EXTENSION}`);
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name) || !existsSync(path)) {
    throw new InvalidInputError(`no example model '${preview(String(name))}'; shipped: ${exampleModels().join(', ')}`);
  }
  return path;
}
