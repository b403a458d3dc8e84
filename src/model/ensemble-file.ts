/**
 * Deep-ensemble files: M member models in one safetensors file, so `train --method ensemble`
 * writes one file that `predict` reads back as the mixture. `__metadata__` = { format:
 * "webgpu-bnn", version: "1", ensemble: <JSON array of the members' ModelSpecs> } and member k's
 * tensor <name> is stored as "members.<k>.<name>". Every member passes validateModel; a tensor
 * that belongs to no member is an error, as in the single-model format.
 */
import { ModelFormatError, InvalidInputError } from '../errors.js';
import { FORMAT_NAME, FORMAT_VERSION, loadWith, modelFromBytes, type ModelSource } from './format.js';
import { parseSafetensors, previewJson, serializeSafetensors, type SafetensorsFile } from './safetensors.js';
import type { Model, Tensor } from './spec.js';
import { validateModel, validateSpecJson } from './validate.js';

/** Members a file may hold: beyond this the metadata is hostile or the file is not an ensemble. */
export const MAX_ENSEMBLE_MEMBERS = 1024;

const memberPrefix = (k: number) => `members.${k}.`;

/** Serialises the members (each validated first) to one file; the same members give the same bytes. */
export function ensembleToBytes(members: readonly Model[]): Uint8Array {
  if (members.length === 0 || members.length > MAX_ENSEMBLE_MEMBERS) {
    throw new InvalidInputError(`an ensemble file holds 1..${MAX_ENSEMBLE_MEMBERS} members, got ${members.length}`);
  }
  const tensors = new Map<string, Tensor>();
  members.forEach((model, k) => {
    validateModel(model);
    for (const [name, tensor] of model.tensors) tensors.set(memberPrefix(k) + name, tensor);
  });
  return serializeSafetensors(tensors, {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    ensemble: JSON.stringify(members.map((m) => m.spec)),
  });
}

/** Whether parsed metadata marks a webgpu-bnn ensemble file. */
export function isEnsembleMetadata(metadata: Readonly<Record<string, string>>): boolean {
  return metadata['format'] === FORMAT_NAME && metadata['ensemble'] !== undefined;
}

function membersFromFile({ metadata, tensors }: SafetensorsFile): Model[] {
  if (metadata['version'] !== FORMAT_VERSION) {
    throw new ModelFormatError(`${FORMAT_NAME} ensemble file version ${previewJson(metadata['version'])} is not supported (this library reads version ${FORMAT_VERSION})`);
  }
  let specs: unknown;
  try {
    specs = JSON.parse(metadata['ensemble'] ?? '');
  } catch (cause) {
    throw new ModelFormatError(`${FORMAT_NAME} ensemble file: __metadata__.ensemble is not valid JSON`, { cause });
  }
  if (!Array.isArray(specs) || specs.length === 0 || specs.length > MAX_ENSEMBLE_MEMBERS) {
    throw new ModelFormatError(`${FORMAT_NAME} ensemble file: __metadata__.ensemble must list 1..${MAX_ENSEMBLE_MEMBERS} member specs, got ${previewJson(metadata['ensemble'])}`);
  }
  const owned = new Set<string>();
  const members = specs.map((specJson: unknown, k): Model => {
    const prefix = memberPrefix(k);
    let spec;
    try {
      spec = validateSpecJson(specJson);
    } catch (error) {
      throw new ModelFormatError(`ensemble member ${k}: ${(error as Error).message}`, { cause: error });
    }
    const own = new Map<string, Tensor>();
    for (const [name, { shape, data }] of tensors) {
      if (!name.startsWith(prefix)) continue;
      own.set(name.slice(prefix.length), { shape, data });
      owned.add(name);
    }
    const model: Model = { spec, tensors: own };
    try {
      validateModel(model);
    } catch (error) {
      throw new ModelFormatError(`ensemble member ${k}: ${(error as Error).message}`, { cause: error });
    }
    return model;
  });
  const stray = [...tensors.keys()].find((name) => !owned.has(name));
  if (stray !== undefined) throw new ModelFormatError(`ensemble file: tensor '${stray}' belongs to no member (members.0..${members.length - 1})`);
  return members;
}

/**
 * The members of a file: an ensemble file gives its M members, any single-model file this library
 * reads (our format, a Pyro export) gives a one-member list.
 */
export function ensembleFromBytes(bytes: Uint8Array): Model[] {
  const file = parseSafetensors(bytes);
  return isEnsembleMetadata(file.metadata) ? membersFromFile(file) : [modelFromBytes(bytes)];
}

/**
 * Loads the members of an ensemble file (or a single model as one member) from bytes, a URL or a
 * path, as loadModel does.
 * @example const members = await loadEnsemble('ensemble.safetensors'); await predictEnsemble(ctx, members, x)
 */
export function loadEnsemble(source: ModelSource): Promise<Model[]> {
  return loadWith(source, ensembleFromBytes, 'loadEnsemble');
}
