/**
 * Deep-ensemble files: M member models in one safetensors file, so `train --method ensemble`
 * writes one file that `predict` reads back as the mixture. `__metadata__` = { format:
 * "webgpu-bnn", version: "1", ensemble: <JSON array of the members' ModelSpecs> } and member k's
 * tensor <name> is stored as "members.<k>.<name>". Every member passes validateModel; a tensor
 * that belongs to no member is an error, as in the single-model format.
 */
import { ModelFormatError, InvalidInputError } from '../errors.js';
import { FORMAT_NAME, FORMAT_VERSION, loadWith, modelFromSafetensors, type ModelSource } from './format.js';
import { quoteName } from './names.js';
import { parseSafetensors, serializeSafetensors, type SafetensorsFile } from './safetensors.js';
import type { Model, Tensor } from './spec.js';
import { parseJsonStrict, previewJson } from './strict-json.js';
import { validateModel } from './validate-model.js';
import { validateSpecJson } from './spec-json.js';

/**
 * Members a file may hold: deep ensembles use 5 to 10; every member is validated and predicted
 * separately, so beyond this the metadata is hostile or the file is not an ensemble.
 */
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

const MEMBER_TENSOR = /^members\.(0|[1-9]\d*)\./;

/**
 * Splits the file's tensors by member in one pass (not one pass per member: 1024 members x 65k
 * tensors would be 67M comparisons). `stray` is the first tensor of no member 0..count-1.
 */
function tensorsByMember(tensors: SafetensorsFile['tensors'], count: number): { byMember: Map<string, Tensor>[]; stray: string | undefined } {
  const byMember = Array.from({ length: count }, () => new Map<string, Tensor>());
  let stray: string | undefined;
  for (const [name, { shape, data }] of tensors) {
    const match = MEMBER_TENSOR.exec(name);
    const own = match ? byMember[Number(match[1])] : undefined;
    if (match && own) own.set(name.slice(match[0].length), { shape, data });
    else stray ??= name;
  }
  return { byMember, stray };
}

/** Whether parsed metadata marks a webgpu-bnn ensemble file. */
export function isEnsembleMetadata(metadata: Readonly<Record<string, string>>): boolean {
  return metadata['format'] === FORMAT_NAME && metadata['ensemble'] !== undefined;
}

function membersFromFile({ metadata, tensors }: SafetensorsFile): Model[] {
  if (metadata['version'] !== FORMAT_VERSION) {
    throw new ModelFormatError(`${FORMAT_NAME} ensemble file version ${previewJson(metadata['version'])} is not supported (this library reads version ${FORMAT_VERSION})`);
  }
  const specs = parseJsonStrict(metadata['ensemble'] ?? '', { what: `${FORMAT_NAME} ensemble file: __metadata__.ensemble` });
  if (!Array.isArray(specs) || specs.length === 0 || specs.length > MAX_ENSEMBLE_MEMBERS) {
    const got = Array.isArray(specs) ? `${specs.length} entries` : previewJson(specs);
    throw new ModelFormatError(`${FORMAT_NAME} ensemble file: __metadata__.ensemble must list 1..${MAX_ENSEMBLE_MEMBERS} member specs ` + `(MAX_ENSEMBLE_MEMBERS), got ${got}`);
  }
  const { byMember, stray } = tensorsByMember(tensors, specs.length);
  const members = specs.map((specJson: unknown, k): Model => {
    let spec;
    try {
      spec = validateSpecJson(specJson);
    } catch (error) {
      throw new ModelFormatError(`ensemble member ${k}: ${(error as Error).message}`, { cause: error });
    }
    const model: Model = { spec, tensors: byMember[k] ?? new Map<string, Tensor>() };
    try {
      validateModel(model);
    } catch (error) {
      throw new ModelFormatError(`ensemble member ${k}: ${(error as Error).message}`, { cause: error });
    }
    return model;
  });
  if (stray !== undefined) throw new ModelFormatError(`ensemble file: tensor ${quoteName(stray)} belongs to no member (members.0..${members.length - 1})`);
  return members;
}

/**
 * The members of a file: an ensemble file gives its M members, any single-model file this library
 * reads (our format, a Pyro export) gives a one-member list.
 */
export function ensembleFromBytes(bytes: Uint8Array): Model[] {
  const file = parseSafetensors(bytes);
  return isEnsembleMetadata(file.metadata) ? membersFromFile(file) : [modelFromSafetensors(file)];
}

/**
 * Loads the members of an ensemble file (or a single model as one member) from bytes, a URL or a
 * path, as loadModel does.
 * @example const members = await loadEnsemble('ensemble.safetensors'); await predictEnsemble(ctx, members, x)
 */
export function loadEnsemble(source: ModelSource): Promise<Model[]> {
  return loadWith(source, ensembleFromBytes, 'loadEnsemble');
}
