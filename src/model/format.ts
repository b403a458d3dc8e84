/**
 * Model files. Our own format is safetensors with `__metadata__` = { format: "webgpu-bnn",
 * version: "1", model: <ModelSpec as JSON> } and tensors named exactly by `tensorNames`. A Pyro
 * AutoNormal export is read too (see pyro.ts). Every loaded model has passed validateModel.
 */
import { InvalidInputError, ModelFormatError, preview } from '../errors.js';
import { fetchBounded } from './fetch-bounded.js';
import { MAX_MODEL_FILE_BYTES } from './limits.js';
import { isPyroAutoNormal, modelFromPyro } from './pyro.js';
import { parseSafetensors, serializeSafetensors, type SafetensorsFile } from './safetensors.js';
import type { Model, Tensor } from './spec.js';
import { parseJsonStrict, previewJson } from './strict-json.js';
import { validateModel } from './validate-model.js';
import { validateSpecJson } from './spec-json.js';
import type { UrlLike } from '../platform-types.js';

export const FORMAT_NAME = 'webgpu-bnn';
export const FORMAT_VERSION = '1';

/** Bytes, or where to get them: an http(s)/file URL (object or string) or a filesystem path (Node). */
export type ModelSource = Uint8Array | ArrayBuffer | UrlLike | string;

/** Serialises a model (validated first) to our safetensors format; the same model gives the same bytes. */
export function modelToBytes(model: Model): Uint8Array {
  validateModel(model);
  return serializeSafetensors(model.tensors, {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    model: JSON.stringify(model.spec),
  });
}

/** Reads a model file: our format or a Pyro AutoNormal export (told apart by metadata and names). */
export function modelFromBytes(bytes: Uint8Array): Model {
  return modelFromSafetensors(parseSafetensors(bytes));
}

/** modelFromBytes for a file already parsed (so a caller that looked at its metadata parses it once). */
export function modelFromSafetensors(file: SafetensorsFile): Model {
  if (file.metadata['format'] === FORMAT_NAME) return modelFromOwnFormat(file);
  if (isPyroAutoNormal(file.metadata, file.tensors)) return modelFromPyro(file.metadata, file.tensors);
  throw new ModelFormatError(
    `not a model file this library reads; accepted: a ${FORMAT_NAME} model (safetensors with ` +
      `__metadata__.format = "${FORMAT_NAME}") or a Pyro AutoNormal export (__metadata__.model JSON with ` +
      `guide "AutoNormal", or tensors named AutoNormal.locs.<site>)`,
  );
}

function modelFromOwnFormat({ metadata, tensors }: SafetensorsFile): Model {
  const version = metadata['version'];
  if (version !== FORMAT_VERSION) {
    throw new ModelFormatError(`${FORMAT_NAME} file version ${previewJson(version)} is not supported ` + `(this library reads version ${FORMAT_VERSION})`);
  }
  const specText = metadata['model'];
  if (specText === undefined && metadata['ensemble'] !== undefined) {
    throw new ModelFormatError(`this ${FORMAT_NAME} file holds a deep ensemble, not one model: read it with loadEnsemble or ensembleFromBytes`);
  }
  if (specText === undefined) throw new ModelFormatError(`${FORMAT_NAME} file has no __metadata__.model`);
  const specJson = parseJsonStrict(specText, { what: `${FORMAT_NAME} file: __metadata__.model` });
  const model: Model = {
    spec: validateSpecJson(specJson),
    tensors: new Map<string, Tensor>([...tensors].map(([name, { shape, data }]) => [name, { shape, data }])),
  };
  validateModel(model);
  return model;
}

/**
 * Loads and validates a model from bytes, a URL (fetched; file: URLs are read from disk in Node) or
 * a string holding a URL or a filesystem path (Node, where the package's Node entry reads it with
 * bounds: see installPathReader). Errors name the source.
 */
export function loadModel(source: ModelSource): Promise<Model> {
  return loadWith(source, modelFromBytes, 'loadModel');
}

/**
 * Reads `source` (as loadModel does) and parses it with `parse`; format errors from a URL or path
 * name the source. Shared by loadModel and loadEnsemble.
 */
export async function loadWith<T>(source: ModelSource, parse: (bytes: Uint8Array) => T, caller: string): Promise<T> {
  if (source instanceof Uint8Array) return parse(source);
  if (source instanceof ArrayBuffer) return parse(new Uint8Array(source));
  if (!(source instanceof URL) && typeof source !== 'string') {
    throw new InvalidInputError(`${caller}: expected a Uint8Array, ArrayBuffer, URL or path string`);
  }
  const bytes = await readSource(source);
  try {
    return parse(bytes);
  } catch (error) {
    if (!(error instanceof ModelFormatError)) throw error;
    throw new ModelFormatError(`${preview(String(source), 200)}: ${error.message}`, { cause: error });
  }
}

/** Schemes read with fetch (data: and blob: are what a browser hands out for in-memory files). */
const FETCHED_PROTOCOLS = new Set(['http:', 'https:', 'data:', 'blob:']);

async function readSource(source: UrlLike | string): Promise<Uint8Array> {
  const url = typeof source === 'string' ? parseUrl(source) : source;
  if (url === null) return readPath(source);
  if (url.protocol === 'file:' && pathReader) return readPath(url);
  if (FETCHED_PROTOCOLS.has(url.protocol) || url.protocol === 'file:') return fetchBytes(url);
  throw new InvalidInputError(`cannot load '${preview(url.href, 200)}': unsupported URL scheme '${preview(url.protocol)}' (use http(s), file or a path)`);
}

/** The string as a URL, or null for a filesystem path (a Windows drive letter parses as a one-letter scheme). */
function parseUrl(text: string): UrlLike | null {
  let url: UrlLike;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return /^[a-z]:$/i.test(url.protocol) ? null : url;
}

/** Reads a filesystem path or file: URL; only Node has one (installed by src/node/index.ts). */
export type PathReader = (path: string | UrlLike) => Promise<Uint8Array>;

let pathReader: PathReader | null = null;

/**
 * Lets loadModel and loadEnsemble read filesystem paths. The Node entry installs a bounded reader
 * (src/node/read-file.ts) when it is imported; browser bundles never import node:fs, so there a
 * path is refused with a message saying what to pass instead.
 */
export function installPathReader(reader: PathReader): void {
  pathReader = reader;
}

function readPath(path: string | UrlLike): Promise<Uint8Array> {
  if (!pathReader) {
    throw new InvalidInputError(
      `cannot read '${preview(String(path), 200)}': filesystem paths are read in Node (import 'webgpu-bnn' there, or 'webgpu-bnn/node'); in a browser pass a URL or bytes`,
    );
  }
  return pathReader(path);
}

async function fetchBytes(url: UrlLike): Promise<Uint8Array> {
  try {
    return await fetchBounded(url, MAX_MODEL_FILE_BYTES, 'MAX_MODEL_FILE_BYTES');
  } catch (cause) {
    throw new InvalidInputError(`cannot fetch model '${preview(url.href, 200)}': ${describe(cause)}`, { cause });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
