/**
 * The hostile-input corpus: model, ensemble, parameter-point and table files that are truncated,
 * malformed, oversized, deeply nested, duplicated, out of float32's range or valid at a limit,
 * each with what it exercises and the outcome the loader must give (a typed error code and a
 * fragment of its message, or 'ok' with what the result must hold).
 *
 * Files are written here byte by byte with a writer of their own (not the library's serializer),
 * so the parser is tested against an independent encoder. Everything is deterministic: the same
 * code gives the same bytes, which test/model/hostile-corpus.test.ts checks against the committed copy.
 * Cases marked `committed: false` are megabytes long; the test generates them instead.
 *
 * Run `npm run hostile-corpus` to rewrite test/fixtures/hostile/ after changing this file.
 */
import {
  MAX_ENSEMBLE_MEMBERS,
  MAX_HEADER_BYTES,
  MAX_JSON_DEPTH,
  MAX_LAYERS,
  MAX_NAME_LENGTH,
  MAX_TENSORS_PER_FILE,
  tensorNames,
  type Activation,
  type LayerSpec,
  type ModelSpec,
  type NoiseSpec,
} from '../src/model/index.js';
import { expectScaleLikelihood, type NormalLikelihood } from '../src/model/spec.js';

/** Which reader a case goes through (and which CLI command: info, score --point, predict --x). */
export type Loader = 'model' | 'ensemble' | 'point' | 'table';
/** A BnnError code, or 'ok' for a valid edge case. */
export type Expected = 'MODEL_FORMAT' | 'INVALID_INPUT' | 'ok';

/** What a valid case's result must hold. */
export interface OkCheck {
  readonly layers?: number;
  readonly members?: number;
  readonly sites?: number;
  readonly rows?: number;
}

export interface HostileCase {
  /** File stem, unique. */
  readonly name: string;
  readonly extension: 'safetensors' | 'csv' | 'json';
  readonly loader: Loader;
  readonly exercises: string;
  readonly expected: Expected;
  /** A fragment the error message must contain (for error cases). */
  readonly mentions?: string;
  readonly check?: OkCheck;
  /** false: too large to commit; the test generates it. */
  readonly committed: boolean;
  readonly bytes: () => Uint8Array;
}

/** The case whose file is the model that point and table cases are read against. */
export const BASE_MODEL_CASE = 'valid-model';

// ---------------------------------------------------------------------------------------------
// An independent safetensors writer: header as ordered (key, JSON text) pairs, so duplicates,
// odd values and raw text can be written as they are.

type Pair = readonly [key: string, jsonText: string];

const encoder = new TextEncoder();

function headerText(pairs: readonly Pair[]): string {
  return `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** 8-byte length, header, data; the header is padded with spaces to a multiple of 8 unless `pad` is false. */
function fileBytes(header: string | Uint8Array, data: Uint8Array = new Uint8Array(0), options: { pad?: boolean; length?: bigint } = {}): Uint8Array {
  const raw = typeof header === 'string' ? encoder.encode(header) : header;
  const padded = options.pad === false ? raw.byteLength : Math.ceil(raw.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, options.length ?? BigInt(padded), true);
  out.set(raw, 8);
  out.fill(0x20, 8 + raw.byteLength, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

type Dtype = 'F32' | 'F64' | 'F16' | 'BF16';

/** float16 bits of a value float16 holds exactly (the corpus only writes such values). */
function float16Bits(value: number): number {
  if (value === 0) return Object.is(value, -0) ? 0x8000 : 0;
  if (Number.isNaN(value)) return 0x7e00;
  if (!Number.isFinite(value)) return value > 0 ? 0x7c00 : 0xfc00;
  const sign = value < 0 ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  const exponent = Math.max(-14, Math.floor(Math.log2(magnitude)));
  const mantissa = exponent === -14 && magnitude < 2 ** -14 ? magnitude / 2 ** -24 : (magnitude / 2 ** exponent - 1) * 1024;
  const biased = exponent === -14 && magnitude < 2 ** -14 ? 0 : exponent + 15;
  if (!Number.isInteger(mantissa) || biased > 30) throw new Error(`${value} is not exact in float16`);
  return sign | (biased << 10) | mantissa;
}

function encodeValues(values: readonly number[], dtype: Dtype): Uint8Array {
  const width = { F32: 4, F64: 8, F16: 2, BF16: 2 }[dtype];
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (dtype === 'F32') view.setFloat32(4 * i, v, true);
    else if (dtype === 'F64') view.setFloat64(8 * i, v, true);
    else if (dtype === 'F16') view.setUint16(2 * i, float16Bits(v), true);
    else {
      const f32 = new DataView(new ArrayBuffer(4));
      f32.setFloat32(0, v);
      if ((f32.getUint32(0) & 0xffff) !== 0) throw new Error(`${v} is not exact in bfloat16`);
      view.setUint16(2 * i, f32.getUint16(0), true);
    }
  });
  return out;
}

interface TensorValues {
  readonly shape: readonly number[];
  readonly values: readonly number[];
  /** Stored dtype (default the file's). */
  readonly dtype?: Dtype;
}

/** Header pairs and data for named tensors, laid out in the given order. */
function tensorSection(tensors: ReadonlyMap<string, TensorValues> | readonly (readonly [string, TensorValues])[], dtype: Dtype = 'F32'): { pairs: Pair[]; data: Uint8Array } {
  const pairs: Pair[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const bytes = encodeValues(tensor.values, tensor.dtype ?? dtype);
    pairs.push([name, JSON.stringify({ dtype: tensor.dtype ?? dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes.byteLength] })]);
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.byteLength;
  }
  return { pairs, data };
}

const metadataPair = (metadata: Record<string, string>): Pair => ['__metadata__', JSON.stringify(metadata)];

// ---------------------------------------------------------------------------------------------
// Models. Values are multiples of 1/8 in [-0.75, 0.75] (scales from 1/8 up), exact in every dtype.

const prior = { kind: 'normal', loc: 0, scale: 1 } as const;

function layer(l: number, units: number, activation: Activation, site = `${l}`): LayerSpec {
  return {
    units,
    activation,
    leakySlope: 0.125,
    dropout: 0,
    batchNorm: false,
    weight: { site: `${site}.weight`, posterior: 'normal', prior },
    bias: { site: `${site}.bias`, posterior: 'normal', prior },
  };
}

const lognormalSigma: ModelSpec['likelihood'] = {
  noise: { kind: 'lognormal', site: 'sigma' },
  link: 'sigma',
  sigmaPrior: { concentration: 0.5, rate: 1 },
};

/** 2 inputs -> 3 tanh -> 1, LogNormal sigma: the corpus's base model. */
const baseSpec: ModelSpec = {
  inputDim: 2,
  layers: [layer(0, 3, 'tanh'), layer(1, 1, 'identity')],
  likelihood: lognormalSigma,
  standardization: null,
};

/** `depth` layers of one unit each (a chain), fixed sigma: a deep model with tiny tensors. */
function chainSpec(depth: number): ModelSpec {
  return {
    inputDim: 1,
    layers: Array.from({ length: depth }, (_, l) => layer(l, 1, l === depth - 1 ? 'identity' : 'tanh')),
    likelihood: { noise: { kind: 'fixed', sigma: 0.5 }, link: 'sigma', sigmaPrior: null },
    standardization: null,
  };
}

const niceLoc = (i: number): number => (((i * 5) % 13) - 6) / 8;
const niceScale = (i: number): number => 0.125 + (i % 4) / 8;
const filled = (shape: readonly number[], f: (i: number) => number): TensorValues => ({
  shape,
  values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
});

/** The tensors a spec implies (only the features the corpus uses: normal posteriors, lognormal/gamma noise). */
function tensorsOf(spec: ModelSpec, noise: { loc?: number; scale?: number } = {}): Map<string, TensorValues> {
  const tensors = new Map<string, TensorValues>();
  spec.layers.forEach((ly, l) => {
    const inputs = l === 0 ? spec.inputDim : (spec.layers[l - 1]?.units ?? 0);
    tensors.set(tensorNames.weightLoc(l), filled([ly.units, inputs], niceLoc));
    tensors.set(tensorNames.weightScale(l), filled([ly.units, inputs], niceScale));
    tensors.set(
      tensorNames.biasLoc(l),
      filled([ly.units], (i) => niceLoc(i + 7)),
    );
    tensors.set(tensorNames.biasScale(l), filled([ly.units], niceScale));
  });
  if (expectScaleLikelihood(spec).noise.kind === 'lognormal') {
    tensors.set(
      tensorNames.noiseLoc,
      filled([], () => noise.loc ?? -1.25),
    );
    tensors.set(
      tensorNames.noiseScale,
      filled([], () => noise.scale ?? 0.125),
    );
  } else if (expectScaleLikelihood(spec).noise.kind === 'gamma') {
    tensors.set(
      tensorNames.noiseConcentration,
      filled([], () => noise.loc ?? 3),
    );
    tensors.set(
      tensorNames.noiseRate,
      filled([], () => noise.scale ?? 4),
    );
  }
  return tensors;
}

const ownMetadata = (specText: string, extra: Record<string, string> = {}): Record<string, string> => ({
  format: 'webgpu-bnn',
  version: '1',
  model: specText,
  ...extra,
});

interface ModelFileOptions {
  readonly dtype?: Dtype;
  readonly pad?: boolean;
  /** The spec JSON as written (default JSON.stringify(spec)). */
  readonly specText?: string;
  readonly metadata?: Record<string, string>;
  readonly tensors?: Map<string, TensorValues>;
}

/** A file in our format. */
function modelFile(spec: ModelSpec, options: ModelFileOptions = {}): Uint8Array {
  const { pairs, data } = tensorSection(options.tensors ?? tensorsOf(spec), options.dtype);
  const metadata = options.metadata ?? ownMetadata(options.specText ?? JSON.stringify(spec));
  return fileBytes(headerText([metadataPair(metadata), ...pairs]), data, { pad: options.pad ?? true });
}

const baseFile = (): Uint8Array => modelFile(baseSpec);

/** A spec with one field changed, as JSON (so values JSON cannot type, like 1e-300, stay as written). */
function specWith(patch: (spec: Record<string, unknown>) => void, spec: ModelSpec = baseSpec): string {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  patch(copy);
  return JSON.stringify(copy);
}

const layerOf = (spec: Record<string, unknown>, l: number): Record<string, unknown> => (spec['layers'] as Record<string, unknown>[])[l] as Record<string, unknown>;
const likelihoodOf = (spec: Record<string, unknown>): Record<string, unknown> => spec['likelihood'] as Record<string, unknown>;

function withNoise(noise: NoiseSpec, link: 'sigma' | 'sigma2' = 'sigma', sigmaPrior: NormalLikelihood['sigmaPrior'] = null): ModelSpec {
  return { ...baseSpec, likelihood: { noise, link, sigmaPrior } };
}

// ---------------------------------------------------------------------------------------------
// Pyro AutoNormal exports (dims 2-3-1, Pyro's naming: '0.weight' hidden, 'layers.1.weight' last).

const pyroSites: readonly (readonly [site: string, shape: readonly number[]])[] = [
  ['0.weight', [3, 2]],
  ['0.bias', [3]],
  ['layers.1.weight', [1, 3]],
  ['layers.1.bias', [1]],
  ['sigma', []],
];

const pyroInfo = { dims: [2, 3, 1], activation: 'tanh', weight_prior_scale: 1, guide: 'AutoNormal' };

interface PyroOptions {
  readonly info?: string | null;
  readonly drop?: readonly string[];
  readonly add?: readonly (readonly [string, TensorValues])[];
  readonly sigmaLoc?: number;
}

function pyroFile(options: PyroOptions = {}): Uint8Array {
  const tensors: [string, TensorValues][] = [];
  for (const [site, shape] of pyroSites) {
    const isSigma = site === 'sigma';
    tensors.push([`AutoNormal.locs.${site}`, filled(shape, (i) => (isSigma ? (options.sigmaLoc ?? -1.25) : niceLoc(i)))]);
    tensors.push([`AutoNormal.scales.${site}`, filled(shape, niceScale)]);
  }
  const kept = tensors.filter(([name]) => !(options.drop ?? []).includes(name));
  const { pairs, data } = tensorSection([...kept, ...(options.add ?? [])]);
  const info = options.info === undefined ? JSON.stringify(pyroInfo) : options.info;
  const head = info === null ? [] : [metadataPair({ model: info })];
  return fileBytes(headerText([...head, ...pairs]), data);
}

// ---------------------------------------------------------------------------------------------
// Ensembles (members.<k>.<name>) and parameter points (tensors named by site).

function ensembleFile(
  specs: readonly ModelSpec[],
  options: { specsText?: string; extra?: readonly (readonly [string, TensorValues])[]; drop?: string; version?: string } = {},
): Uint8Array {
  const tensors: [string, TensorValues][] = [];
  specs.forEach((spec, k) => {
    for (const [name, t] of tensorsOf(spec)) tensors.push([`members.${k}.${name}`, t]);
  });
  const kept = tensors.filter(([name]) => name !== options.drop);
  const { pairs, data } = tensorSection([...kept, ...(options.extra ?? [])]);
  const metadata = { format: 'webgpu-bnn', version: options.version ?? '1', ensemble: options.specsText ?? JSON.stringify(specs) };
  return fileBytes(headerText([metadataPair(metadata), ...pairs]), data);
}

/** A point for the base model: every site, sigma = 0.5, with changes. */
function pointFile(change: { set?: readonly (readonly [string, TensorValues])[]; drop?: readonly string[] } = {}): Uint8Array {
  const point = new Map<string, TensorValues>([
    ['0.weight', filled([3, 2], niceLoc)],
    ['0.bias', filled([3], niceLoc)],
    ['1.weight', filled([1, 3], niceLoc)],
    ['1.bias', filled([1], niceLoc)],
    ['sigma', filled([], () => 0.5)],
  ]);
  for (const name of change.drop ?? []) point.delete(name);
  for (const [name, t] of change.set ?? []) point.set(name, t);
  const { pairs, data } = tensorSection(point);
  return fileBytes(headerText(pairs), data);
}

const scalar = (v: number): TensorValues => filled([], () => v);
const text = (s: string) => (): Uint8Array => encoder.encode(s);

// ---------------------------------------------------------------------------------------------
// The cases.

type CaseInput = Omit<HostileCase, 'extension' | 'committed'> & { extension?: HostileCase['extension']; committed?: boolean };

function make(c: CaseInput): HostileCase {
  return { extension: 'safetensors', committed: true, ...c };
}

/** The case generated by the test instead of committed (hundreds of kilobytes or more). */
const generatedInTest = (c: HostileCase): HostileCase => ({ ...c, committed: false });

const modelError = (name: string, exercises: string, mentions: string, bytes: () => Uint8Array, loader: Loader = 'model'): HostileCase =>
  make({ name, loader, exercises, expected: 'MODEL_FORMAT', mentions, bytes });

const modelOk = (name: string, exercises: string, check: OkCheck, bytes: () => Uint8Array, loader: Loader = 'model'): HostileCase =>
  make({ name, loader, exercises, expected: 'ok', check, bytes });

/** Where truncations cut the base model: the length field, the header, its end, the data. */
function truncationCases(): HostileCase[] {
  const full = baseFile();
  const headerEnd = 8 + Number(new DataView(full.buffer).getBigUint64(0, true));
  const cuts = new Set([
    0,
    1,
    4,
    7,
    8,
    9,
    12,
    40,
    200,
    600,
    headerEnd - 9,
    headerEnd - 1,
    headerEnd,
    headerEnd + 1,
    headerEnd + 4,
    headerEnd + 13,
    headerEnd + 40,
    full.byteLength - 5,
    full.byteLength - 4,
    full.byteLength - 1,
  ]);
  return [...cuts]
    .filter((cut) => cut >= 0 && cut < full.byteLength)
    .sort((a, b) => a - b)
    .map((cut) => {
      const mentions = cut < 8 ? 'shorter than the 8-byte header length' : cut < headerEnd ? 'runs beyond the end' : 'outside the';
      const where = cut < 8 ? 'inside the length field' : cut < headerEnd ? 'inside the JSON header' : 'inside the tensor data';
      return modelError(`truncated-at-${cut}`, `the base model cut to ${cut} of ${full.byteLength} bytes (${where})`, mentions, () => full.slice(0, cut));
    });
}

const INTEGER_DTYPES = ['BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'I32', 'U64', 'I64'] as const;
const INTEGER_WIDTH: Record<(typeof INTEGER_DTYPES)[number], number> = { BOOL: 1, U8: 1, I8: 1, U16: 2, I16: 2, U32: 4, I32: 4, U64: 8, I64: 8 };

/** The base model's header with one tensor entry's JSON replaced. */
function baseWithEntry(name: string, entry: unknown, data?: Uint8Array): Uint8Array {
  const { pairs, data: baseData } = tensorSection(tensorsOf(baseSpec));
  const replaced = pairs.map(([key, value]): Pair => (key === name ? [key, JSON.stringify(entry)] : [key, value]));
  return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...replaced]), data ?? baseData);
}

function headerCases(): HostileCase[] {
  const base = baseFile();
  const headerLength = Number(new DataView(base.buffer).getBigUint64(0, true));
  const withLength = (length: bigint): Uint8Array => {
    const copy = base.slice();
    new DataView(copy.buffer).setBigUint64(0, length, true);
    return copy;
  };
  const nested = (depth: number, inner = '1'): string => '['.repeat(depth) + inner + ']'.repeat(depth);
  return [
    modelOk('valid-model', 'the base model: 2 -> 3 tanh -> 1, LogNormal sigma, F32, padded header', { layers: 2 }, baseFile),
    modelOk('header-not-multiple-of-8', 'a valid model whose header length is not a multiple of 8 (no padding)', { layers: 2 }, () => modelFile(baseSpec, { pad: false })),
    modelOk('header-utf8-bom', 'a header starting with a UTF-8 byte-order mark (decoded away)', { layers: 2 }, () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const header = encoder.encode(`\uFEFF${headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs])}`);
      return fileBytes(header, data);
    }),
    modelError('header-length-zero', 'header length 0: an empty header', 'header is not valid JSON', () => fileBytes('', new Uint8Array(16), { pad: false })),
    modelError('header-length-2-pow-63', 'header length 2^63', 'is absurd', () => withLength(2n ** 63n)),
    modelError('header-length-max-u64', 'header length 2^64 - 1', 'is absurd', () => withLength(2n ** 64n - 1n)),
    modelError('header-length-over-cap', `header length MAX_HEADER_BYTES + 1 = ${MAX_HEADER_BYTES + 1}`, 'MAX_HEADER_BYTES', () => withLength(BigInt(MAX_HEADER_BYTES + 1))),
    modelError('header-length-past-end', 'header length 1 byte beyond the end of the file', 'runs beyond the end', () => withLength(BigInt(base.byteLength - 8 + 1))),
    modelError('header-length-short', 'header length 40 bytes short (the JSON is cut)', 'header is not valid JSON', () => withLength(BigInt(headerLength - 40))),
    modelError('header-length-odd-into-data', 'header length 4 bytes into the data (tensor bytes appended to the JSON)', 'safetensors: header is not valid', () =>
      withLength(BigInt(headerLength + 4)),
    ),
    modelError('header-not-object', 'the header is a JSON array', 'header JSON is not an object', () => fileBytes('[1,2,3]')),
    modelError('header-null', 'the header is JSON null', 'header JSON is not an object', () => fileBytes('null')),
    modelError('header-bad-utf8', 'invalid UTF-8 bytes in the header', 'not valid UTF-8', () => fileBytes(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]))),
    modelError('header-overlong-utf8', 'an overlong UTF-8 encoding of "/" in the header', 'not valid UTF-8', () =>
      fileBytes(new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])),
    ),
    modelError('header-trailing-garbage', 'valid JSON followed by more text', 'header is not valid JSON', () => fileBytes('{} {}')),
    modelError('header-depth-100000', 'arrays nested 10^5 deep in a tensor entry', `deeper than ${MAX_JSON_DEPTH} levels`, () => fileBytes(`{"x":${nested(100_000)}}`)),
    generatedInTest(
      modelError('header-depth-100000-objects', 'objects nested 10^5 deep', `deeper than ${MAX_JSON_DEPTH} levels`, () =>
        fileBytes(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`),
      ),
    ),
    modelError('header-depth-cap-plus-one', `a shape nested to total depth MAX_JSON_DEPTH + 1 = ${MAX_JSON_DEPTH + 1}`, `deeper than ${MAX_JSON_DEPTH} levels`, () =>
      fileBytes(`{"x":{"dtype":"F32","shape":${nested(MAX_JSON_DEPTH - 1, '')},"data_offsets":[0,0]}}`),
    ),
    modelError(
      'header-depth-at-cap',
      `a shape nested to total depth exactly MAX_JSON_DEPTH = ${MAX_JSON_DEPTH} (the JSON is read; the shape is refused)`,
      'expected an array of non-negative integers',
      () => fileBytes(`{"x":{"dtype":"F32","shape":${nested(MAX_JSON_DEPTH - 2, '')},"data_offsets":[0,0]}}`),
    ),
    modelError('header-depth-braces-in-strings', 'brackets inside strings do not count as nesting (the name is refused as unknown)', "unknown tensor(s) '[[[[{{{{", () => {
      const { pairs, data } = tensorSection([...tensorsOf(baseSpec), ['[[[[{{{{"\\', filled([], () => 0)]]);
      return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs]), data);
    }),
    modelError('duplicate-tensor-name', 'the same tensor name twice in the header', "key 'layers.0.weight.loc' twice", () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const first = pairs.find(([k]) => k === tensorNames.weightLoc(0)) as Pair;
      return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs, first]), data);
    }),
    modelError('duplicate-tensor-name-escaped', 'the same tensor name twice, once written with \\u escapes', 'twice in one object', () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const first = pairs.find(([k]) => k === tensorNames.biasLoc(1)) as Pair;
      const escaped = headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs]).slice(0, -1) + `,"\\u006cayers.1.bias.loc":${first[1]}}`;
      return fileBytes(escaped, data);
    }),
    modelError('duplicate-metadata', '__metadata__ twice (the second would win in JSON.parse)', "key '__metadata__' twice", () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const decoy = metadataPair(ownMetadata(JSON.stringify(chainSpec(1))));
      return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs, decoy]), data);
    }),
    modelError('duplicate-entry-field', "'dtype' twice inside one tensor entry", "key 'dtype' twice", () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const doubled = pairs.map(([k, v]): Pair => (k === tensorNames.biasLoc(0) ? [k, v.replace('"dtype":"F32"', '"dtype":"F32","dtype":"F16"')] : [k, v]));
      return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...doubled]), data);
    }),
    modelError('duplicate-metadata-key', "'model' twice inside __metadata__", "key 'model' twice", () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const meta = JSON.stringify(ownMetadata(JSON.stringify(baseSpec))).slice(0, -1) + `,"model":${JSON.stringify(JSON.stringify(chainSpec(1)))}}`;
      return fileBytes(headerText([['__metadata__', meta], ...pairs]), data);
    }),
    modelError('metadata-not-object', '__metadata__ is a string', '__metadata__ is not an object', () => fileBytes('{"__metadata__":"x"}')),
    modelError('metadata-value-not-string', 'a __metadata__ value that is a number', "__metadata__['format'] is not a string", () => fileBytes('{"__metadata__":{"format":1}}')),
    modelError('metadata-proto-object', 'a "__proto__" key in __metadata__ holding an object (prototype pollution attempt)', "__metadata__['__proto__'] is not a string", () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const meta = `{"__proto__":{"polluted":"yes"},${JSON.stringify(ownMetadata(JSON.stringify(baseSpec))).slice(1)}`;
      return fileBytes(headerText([['__metadata__', meta], ...pairs]), data);
    }),
    modelOk('metadata-proto-string', 'a "__proto__" key in __metadata__ holding a string: kept as plain data and ignored', { layers: 2 }, () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const meta = `{"__proto__":"x",${JSON.stringify(ownMetadata(JSON.stringify(baseSpec))).slice(1)}`;
      return fileBytes(headerText([['__metadata__', meta], ...pairs]), data);
    }),
    modelError('tensor-named-proto', 'a tensor named "__proto__"', "unknown tensor(s) '__proto__'", () => {
      const { pairs, data } = tensorSection([...tensorsOf(baseSpec), ['__proto__', filled([1], () => 0)]]);
      return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs]), data);
    }),
    modelError('tensor-named-empty', 'a tensor named ""', "unknown tensor(s) ''", () => {
      const { pairs, data } = tensorSection([...tensorsOf(baseSpec), ['', filled([1], () => 0)]]);
      return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs]), data);
    }),
    modelError('tensor-name-lone-surrogate', 'a tensor name holding a lone UTF-16 surrogate (\\ud800)', 'unknown tensor(s)', () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      const header = headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs]).slice(0, -1) + ',"\\ud800x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}';
      return fileBytes(header, data);
    }),
    modelError('entry-not-object', 'a tensor entry that is a number', "header entry 'x' is not an object", () => fileBytes('{"x":5}')),
    modelError('not-a-model', 'a valid safetensors file with no metadata and unknown tensors', 'not a model file this library reads', () => {
      const { pairs, data } = tensorSection([['w', filled([2], niceLoc)]]);
      return fileBytes(headerText(pairs), data);
    }),
    modelError('text-file', 'a text file ("hello world, not a model")', 'is absurd', text('hello world, not a model')),
    modelError('empty-file', 'a 0-byte file', 'shorter than the 8-byte header length', () => new Uint8Array(0)),
  ];
}

function offsetCases(): HostileCase[] {
  const name = tensorNames.weightLoc(0);
  const entry = (offsets: unknown, shape: unknown = [3, 2], dtype: unknown = 'F32'): unknown => ({ dtype, shape, data_offsets: offsets });
  const dataLength = tensorSection(tensorsOf(baseSpec)).data.byteLength;
  return [
    modelError('offsets-overlap', "layers.0.weight.loc's bytes overlapping the next tensor's", 'overlap', () => baseWithEntry(name, entry([4, 28]))),
    modelError('offsets-end-out-of-range', 'data_offsets ending 4 bytes past the data section', 'outside the', () => baseWithEntry(name, entry([dataLength - 20, dataLength + 4]))),
    modelError('offsets-beyond-2-pow-53', 'data_offsets at 2^53 (not a safe integer)', 'expected [begin, end] non-negative integers', () =>
      baseWithEntry(name, entry([2 ** 53, 2 ** 53 + 24])),
    ),
    modelError('offsets-negative', 'data_offsets [-24, 0]', 'expected [begin, end] non-negative integers', () => baseWithEntry(name, entry([-24, 0]))),
    modelError('offsets-fractional', 'data_offsets [0, 23.5]', 'expected [begin, end] non-negative integers', () => baseWithEntry(name, entry([0, 23.5]))),
    modelError('offsets-strings', 'data_offsets as strings', 'expected [begin, end] non-negative integers', () => baseWithEntry(name, entry(['0', '24']))),
    modelError('offsets-three', 'data_offsets with three numbers', 'expected [begin, end] non-negative integers', () => baseWithEntry(name, entry([0, 24, 48]))),
    modelError('offsets-missing', 'no data_offsets', 'expected [begin, end] non-negative integers', () => baseWithEntry(name, { dtype: 'F32', shape: [3, 2] })),
    modelError('offsets-reversed', 'data_offsets [24, 0]', 'outside the', () => baseWithEntry(name, entry([24, 0]))),
    modelError('offsets-size-mismatch', 'data_offsets spanning 20 bytes for 6 float32 values', 'spans 20 bytes', () => baseWithEntry(name, entry([0, 20]))),
    modelError('shape-transposed', 'a weight of shape [2, 3] where the spec needs [3, 2]', 'has shape [2, 3], expected [3, 2]', () => baseWithEntry(name, entry([0, 24], [2, 3]))),
    modelError('shape-negative', 'shape [-3, -2]', 'expected an array of non-negative integers', () => baseWithEntry(name, entry([0, 24], [-3, -2]))),
    modelError('shape-fractional', 'shape [1.5, 4]', 'expected an array of non-negative integers', () => baseWithEntry(name, entry([0, 24], [1.5, 4]))),
    modelError('shape-not-array', 'shape "3x2"', 'expected an array of non-negative integers', () => baseWithEntry(name, entry([0, 24], '3x2'))),
    modelError('shape-nested', 'shape [[3, 2]]', 'expected an array of non-negative integers', () => baseWithEntry(name, entry([0, 24], [[3, 2]]))),
    modelError('shape-huge', 'shape [2^20, 2^20] in a 1 KB file (2^40 elements)', 'MAX_TENSOR_ELEMENTS', () => baseWithEntry(name, entry([0, 24], [2 ** 20, 2 ** 20]))),
    modelError('shape-huge-product', 'shape [65536, 65536, 65536]: 2^48 elements, refused while multiplying', 'MAX_TENSOR_ELEMENTS', () =>
      baseWithEntry(name, entry([0, 24], [65536, 65536, 65536])),
    ),
    modelError('shape-rank-10000', 'a shape of 10^4 ones (right element count, absurd rank)', 'has shape [1, 1, 1', () =>
      baseWithEntry(
        tensorNames.biasLoc(1),
        entry(
          [96, 100],
          Array.from({ length: 10_000 }, () => 1),
        ),
      ),
    ),
  ];
}

function dtypeCases(): HostileCase[] {
  const name = tensorNames.weightLoc(0);
  return [
    modelOk('dtype-f64', 'every tensor stored as F64 (converted to float32)', { layers: 2 }, () => modelFile(baseSpec, { dtype: 'F64' })),
    modelOk('dtype-f16', 'every tensor stored as F16', { layers: 2 }, () => modelFile(baseSpec, { dtype: 'F16' })),
    modelOk('dtype-bf16', 'every tensor stored as BF16', { layers: 2 }, () => modelFile(baseSpec, { dtype: 'BF16' })),
    ...INTEGER_DTYPES.map((dtype) =>
      modelError(`dtype-${dtype.toLowerCase()}`, `a weight stored as ${dtype}`, `integer/bool dtype ${dtype}`, () =>
        baseWithEntry(name, { dtype, shape: [3, 2], data_offsets: [0, 6 * INTEGER_WIDTH[dtype]] }),
      ),
    ),
    modelError('dtype-unknown', 'dtype F8_E4M3 (defined elsewhere, not read here)', 'unknown dtype "F8_E4M3"', () =>
      baseWithEntry(name, { dtype: 'F8_E4M3', shape: [3, 2], data_offsets: [0, 6] }),
    ),
    modelError('dtype-lowercase', 'dtype "f32" (case matters)', 'unknown dtype "f32"', () => baseWithEntry(name, { dtype: 'f32', shape: [3, 2], data_offsets: [0, 24] })),
    modelError('dtype-number', 'dtype 32 (not a string)', 'unknown dtype 32', () => baseWithEntry(name, { dtype: 32, shape: [3, 2], data_offsets: [0, 24] })),
    modelError('dtype-missing', 'no dtype', 'unknown dtype undefined', () => baseWithEntry(name, { shape: [3, 2], data_offsets: [0, 24] })),
  ];
}

/** The base model with one tensor's values replaced (same shape). */
function baseWithValues(name: string, values: readonly number[], dtype: Dtype = 'F32'): Uint8Array {
  const tensors = tensorsOf(baseSpec);
  const old = tensors.get(name);
  if (!old) throw new Error(`no ${name}`);
  tensors.set(name, { shape: old.shape, values, dtype });
  return modelFile(baseSpec, { tensors });
}

function float32Cases(): HostileCase[] {
  const lognormalWith = (loc: number, scale: number, link: 'sigma' | 'sigma2' = 'sigma'): Uint8Array => {
    const spec = { ...baseSpec, likelihood: { ...lognormalSigma, link } };
    return modelFile(spec, { tensors: tensorsOf(spec, { loc, scale }) });
  };
  const gammaWith = (concentration: number, rate: number, link: 'sigma' | 'sigma2' = 'sigma'): Uint8Array => {
    const spec = withNoise({ kind: 'gamma', site: 'sigma' }, link, { concentration: 0.5, rate: 1 });
    return modelFile(spec, { tensors: tensorsOf(spec, { loc: concentration, scale: rate }) });
  };
  const fixedSigmaText = (sigma: string, link = 'sigma'): string =>
    specWith((s) => {
      s['likelihood'] = { noise: { kind: 'fixed', sigma: '@' }, link, sigmaPrior: null };
    }).replace('"@"', sigma);
  const fixedModel = (sigma: string, link = 'sigma'): Uint8Array => {
    const spec = withNoise({ kind: 'fixed', sigma: 1 });
    return modelFile(spec, { specText: fixedSigmaText(sigma, link) });
  };
  const raw = (patch: (s: Record<string, unknown>) => void, literal: string): Uint8Array => modelFile(baseSpec, { specText: specWith(patch).replace('"@"', literal) });
  return [
    modelError('f64-overflows-float32', 'an F64 weight holding 1e39, finite in float64 but not in float32', "holds 1e+39 (F64) at index 2, beyond float32's range", () =>
      baseWithValues(tensorNames.weightLoc(0), [0.5, -0.5, 1e39, 0, 0.25, 0.125], 'F64'),
    ),
    modelError('f64-nan', 'an F64 weight holding NaN', 'non-finite value (NaN) at index 1', () => baseWithValues(tensorNames.weightLoc(0), [0.5, NaN, 0, 0, 0, 0], 'F64')),
    modelError('f32-nan', 'an F32 bias holding NaN', "tensor 'layers.0.bias.loc' has a non-finite value (NaN)", () => baseWithValues(tensorNames.biasLoc(0), [0, NaN, 0])),
    modelError('f32-infinity', 'an F32 weight scale holding +Infinity', 'non-finite value (Infinity)', () => baseWithValues(tensorNames.weightScale(1), [0.125, Infinity, 0.125])),
    modelError('f32-minus-infinity', 'an F32 bias holding -Infinity', 'non-finite value (-Infinity)', () => baseWithValues(tensorNames.biasLoc(1), [-Infinity])),
    modelError('f16-infinity', 'an F16 weight holding +Infinity (0x7c00)', 'non-finite value (Infinity)', () =>
      baseWithValues(tensorNames.weightLoc(0), [0.5, Infinity, 0, 0, 0, 0], 'F16'),
    ),
    modelError('negative-scale', 'a weight scale of -0.5', 'must be >= 0', () => baseWithValues(tensorNames.weightScale(0), [0.125, 0.125, -0.5, 0.125, 0.125, 0.125])),
    modelOk('zero-scale', 'weight scales of exactly 0 (a point mass: allowed)', { layers: 2 }, () => baseWithValues(tensorNames.weightScale(0), [0, 0, 0, 0, 0, 0])),
    modelError('fixed-sigma-1e-300', 'fixed sigma 1e-300 in the spec: 0 in float32', 'likelihood.noise.sigma (fixed) must be a finite number > 0', () => fixedModel('1e-300')),
    modelError('fixed-sigma-1e-20', 'fixed sigma 1e-20: a normal float32, but its variance 1e-40 is subnormal', 'likelihood.noise.sigma (fixed) gives sigma = 1.00e-20', () =>
      fixedModel('1e-20'),
    ),
    modelError('fixed-sigma-1e39', 'fixed sigma 1e39: Infinity in float32', 'likelihood.noise.sigma (fixed) must be a finite number > 0', () => fixedModel('1e39')),
    modelError('fixed-sigma-sigma2-1e10', "fixed sigma 1e10 with link 'sigma2': scale 1e20, variance 1e40 overflows", "with link 'sigma2'", () => fixedModel('1e10', 'sigma2')),
    modelOk('fixed-sigma-1e-10', "fixed sigma 1e-10 with link 'sigma': scale and variance (1e-20) are normal float32", { layers: 2 }, () => fixedModel('1e-10')),
    modelError('spec-number-1e400', 'inputDim written as 1e400 (Infinity after JSON.parse)', 'inputDim must be a positive integer', () =>
      raw((s) => (s['inputDim'] = '@'), '1e400'),
    ),
    modelError('prior-scale-1e-50', 'a prior scale of 1e-50 (0 in float32)', 'layers[0].weight.prior.scale must be a finite number > 0', () =>
      raw((s) => (((layerOf(s, 0)['weight'] as Record<string, unknown>)['prior'] as Record<string, unknown>)['scale'] = '@'), '1e-50'),
    ),
    modelError('prior-scale-subnormal', 'a prior scale of 1e-40 (subnormal in float32)', 'layers[1].bias.prior.scale must be a finite number > 0', () =>
      raw((s) => (((layerOf(s, 1)['bias'] as Record<string, unknown>)['prior'] as Record<string, unknown>)['scale'] = '@'), '1e-40'),
    ),
    modelError('prior-loc-1e39', 'a prior loc of 1e39 (Infinity in float32)', "layers[0].bias.prior.loc must be a finite number within float32's range", () =>
      raw((s) => (((layerOf(s, 0)['bias'] as Record<string, unknown>)['prior'] as Record<string, unknown>)['loc'] = '@'), '1e39'),
    ),
    modelError('leaky-slope-1e300', 'a leakySlope of 1e300', "layers[0].leakySlope must be a finite number within float32's range", () =>
      raw((s) => (layerOf(s, 0)['leakySlope'] = '@'), '1e300'),
    ),
    modelError('dropout-rounds-to-one', 'dropout 0.99999999, which is 1 in float32', 'after rounding to float32', () => raw((s) => (layerOf(s, 1)['dropout'] = '@'), '0.99999999')),
    modelError('sigma-prior-rate-1e-45', 'a sigma prior rate of 1e-45 (subnormal in float32)', 'likelihood.sigmaPrior.rate must be a finite number > 0', () =>
      raw((s) => ((likelihoodOf(s)['sigmaPrior'] as Record<string, unknown>)['rate'] = '@'), '1e-45'),
    ),
    modelError('hetero-min-scale-1e39', 'a heteroscedastic minScale of 1e39', "minScale must be a finite number >= 0 within float32's range", () => {
      const spec: ModelSpec = {
        ...baseSpec,
        layers: [layer(0, 3, 'tanh'), layer(1, 2, 'identity')],
        likelihood: { noise: { kind: 'heteroscedastic', minScale: 1 }, link: 'sigma', sigmaPrior: null },
      };
      return modelFile(spec, { specText: JSON.stringify(spec).replace('"minScale":1', '"minScale":1e39') });
    }),
    modelError('standardization-xstd-subnormal', 'standardization.xStd of 1e-40 (1/xStd overflows float32)', 'standardization.xStd[1] must be a finite number > 0', () => {
      const spec: ModelSpec = { ...baseSpec, standardization: { xMean: [0, 0], xStd: [1, 7], yMean: [0], yStd: [1] } };
      return modelFile(spec, { specText: JSON.stringify(spec).replace('"xStd":[1,7]', '"xStd":[1,1e-40]') });
    }),
    modelError('standardization-ymean-1e39', 'standardization.yMean of 1e39', "standardization.yMean[0] must be a finite number within float32's range", () => {
      const spec: ModelSpec = { ...baseSpec, standardization: { xMean: [0, 0], xStd: [1, 1], yMean: [7], yStd: [1] } };
      return modelFile(spec, { specText: JSON.stringify(spec).replace('"yMean":[7]', '"yMean":[1e39]') });
    }),
    modelOk('standardization-valid', 'a standardization with ordinary values', { layers: 2 }, () =>
      modelFile({ ...baseSpec, standardization: { xMean: [0.5, -1], xStd: [2, 0.25], yMean: [3], yStd: [0.5] } }),
    ),
    modelError('lognormal-loc-100', 'a LogNormal noise loc of 100: sigma = e^100 overflows float32', 'the LogNormal noise posterior (noise.loc = 100', () =>
      lognormalWith(100, 0.125),
    ),
    modelError('lognormal-loc-minus-100', 'a LogNormal noise loc of -100: sigma = e^-100 underflows float32', 'at z = -6', () => lognormalWith(-100, 0.125)),
    modelError(
      'lognormal-scale-20',
      'a LogNormal noise scale of 20: draws at z = ±6 reach e^±120',
      'noise.scale = 20) at z = -6 gives sigma = 7.67e-53, which is 0 in float32',
      () => lognormalWith(0, 20),
    ),
    modelError('lognormal-sigma2-loc-30', "a LogNormal noise loc of 30 with link 'sigma2': scale e^60, variance e^120", "with link 'sigma2'", () =>
      lognormalWith(30, 0.125, 'sigma2'),
    ),
    modelOk('lognormal-sigma-loc-30', "a LogNormal noise loc of 30 with link 'sigma': sigma e^30.75 and its variance fit float32", { layers: 2 }, () => lognormalWith(30, 0.125)),
    modelError(
      'gamma-concentration-1e-3',
      'a Gamma noise posterior with concentration 1e-3: its lower tail underflows float32',
      'the Gamma noise posterior (noise.concentration = 0.001, noise.rate = 1) at its 1e-9 lower quantile bound',
      () => gammaWith(1e-3, 1),
    ),
    modelError(
      'gamma-rate-1e-30',
      'a Gamma noise posterior with rate 1e-30: sigma ~ 1e30, whose variance overflows',
      'noise.rate = 1e-30) at its 1e-9 lower quantile bound gives sigma = 1.82e+27',
      () => gammaWith(3, 1e-30),
    ),
    modelError(
      'gamma-upper-tail',
      'a Gamma(1, 1e-18) noise posterior: its lower tail fits float32, mean + 40 std = 4.1e19 does not',
      'noise.rate = 1e-18) at mean + 40 std gives sigma = 4.10e+19',
      () => gammaWith(1, 1e-18),
    ),
    modelOk('gamma-valid', 'a Gamma noise posterior Gamma(3, 4)', { layers: 2 }, () => gammaWith(3, 4)),
  ];
}

function nameCases(): HostileCase[] {
  const extraTensor = (name: string): Uint8Array => {
    const { pairs, data } = tensorSection([...tensorsOf(baseSpec), [name, filled([0], () => 0)]]);
    return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs]), data);
  };
  const siteNamed = (site: string): Uint8Array => {
    const spec: ModelSpec = { ...baseSpec, layers: [{ ...layer(0, 3, 'tanh'), weight: { site, posterior: 'normal', prior } }, layer(1, 1, 'identity')] };
    return modelFile(spec);
  };
  return [
    modelError('tensor-name-over-cap', `a tensor name of MAX_NAME_LENGTH + 1 = ${MAX_NAME_LENGTH + 1} characters`, `names are limited to ${MAX_NAME_LENGTH} characters`, () =>
      extraTensor('n'.repeat(MAX_NAME_LENGTH + 1)),
    ),
    modelError('tensor-name-at-cap', `a tensor name of exactly MAX_NAME_LENGTH characters (read, then refused as unknown)`, 'unknown tensor(s)', () =>
      extraTensor('n'.repeat(MAX_NAME_LENGTH)),
    ),
    make({
      name: 'tensor-name-10mb',
      loader: 'model',
      exercises: 'a tensor name of 10 MB',
      expected: 'MODEL_FORMAT',
      mentions: 'characters long',
      committed: false,
      bytes: () => extraTensor('x'.repeat(10_000_000)),
    }),
    modelError('metadata-key-over-cap', `a __metadata__ key of ${MAX_NAME_LENGTH + 1} characters`, '__metadata__ key', () => {
      const { pairs, data } = tensorSection(tensorsOf(baseSpec));
      return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec), { ['k'.repeat(MAX_NAME_LENGTH + 1)]: 'v' })), ...pairs]), data);
    }),
    modelError('site-name-over-cap', `a site name of ${MAX_NAME_LENGTH + 1} characters in the spec`, 'layers[0].weight.site', () => siteNamed('s'.repeat(MAX_NAME_LENGTH + 1))),
    make({
      name: 'site-name-10mb',
      loader: 'model',
      exercises: 'a site name of 10 MB in the spec',
      expected: 'MODEL_FORMAT',
      mentions: 'characters long',
      committed: false,
      bytes: () => siteNamed('s'.repeat(10_000_000)),
    }),
    make({
      name: 'tensors-over-cap',
      loader: 'model',
      exercises: `MAX_TENSORS_PER_FILE + 1 = ${MAX_TENSORS_PER_FILE + 1} empty tensors`,
      expected: 'MODEL_FORMAT',
      mentions: 'MAX_TENSORS_PER_FILE',
      committed: false,
      bytes: () => manyTensors(MAX_TENSORS_PER_FILE + 1),
    }),
    make({
      name: 'tensors-at-cap',
      loader: 'model',
      exercises: `exactly MAX_TENSORS_PER_FILE tensors: parsed, then refused as unknown to the spec`,
      expected: 'MODEL_FORMAT',
      mentions: 'more: this spec uses exactly',
      committed: false,
      bytes: () => manyTensors(MAX_TENSORS_PER_FILE),
    }),
    make({
      name: 'header-at-cap',
      loader: 'model',
      exercises: 'a header of exactly MAX_HEADER_BYTES (an empty object padded with spaces)',
      expected: 'MODEL_FORMAT',
      mentions: 'not a model file this library reads',
      committed: false,
      bytes: () => fileBytes(`{}${' '.repeat(MAX_HEADER_BYTES - 2)}`, new Uint8Array(0), { pad: false }),
    }),
  ];
}

/** The base model plus `count - (its own tensors)` empty extra tensors, `count` in all. */
function manyTensors(count: number): Uint8Array {
  const own = [...tensorsOf(baseSpec)];
  const extra = Array.from({ length: count - own.length }, (_, i): [string, TensorValues] => [`extra.${i}`, filled([0], () => 0)]);
  const { pairs, data } = tensorSection([...own, ...extra]);
  return fileBytes(headerText([metadataPair(ownMetadata(JSON.stringify(baseSpec))), ...pairs]), data);
}

function specCases(): HostileCase[] {
  const nestedSpec = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return [
    modelError('spec-depth-100000', 'the model spec JSON in __metadata__ nested 10^5 deep', `__metadata__.model nests arrays and objects deeper than ${MAX_JSON_DEPTH}`, () =>
      modelFile(baseSpec, { specText: nestedSpec(100_000) }),
    ),
    modelError('spec-duplicate-key', "'inputDim' twice in the spec JSON", "key 'inputDim' twice", () =>
      modelFile(baseSpec, { specText: JSON.stringify(baseSpec).replace('"inputDim":2', '"inputDim":2,"inputDim":3') }),
    ),
    modelError('spec-duplicate-key-nested', "'units' twice inside a layer of the spec", "key 'units' twice", () =>
      modelFile(baseSpec, { specText: JSON.stringify(baseSpec).replace('"units":3', '"units":3,"units":4') }),
    ),
    modelError('spec-proto-key', 'a "__proto__" field in the spec', 'unknown field(s) __proto__', () =>
      modelFile(baseSpec, { specText: `{"__proto__":{"inputDim":5},${JSON.stringify(baseSpec).slice(1)}` }),
    ),
    modelError('spec-constructor-key', 'a "constructor" field in a layer', 'unknown field(s) constructor', () =>
      modelFile(baseSpec, { specText: JSON.stringify(baseSpec).replace('"units":3', '"units":3,"constructor":1') }),
    ),
    modelError('spec-not-json', 'a model spec that is not JSON', '__metadata__.model is not valid JSON', () => modelFile(baseSpec, { specText: '{inputDim: 2}' })),
    modelError('spec-missing', 'our format without __metadata__.model', 'has no __metadata__.model', () =>
      modelFile(baseSpec, { metadata: { format: 'webgpu-bnn', version: '1' } }),
    ),
    modelError('spec-version-2', 'our format, version "2"', 'version "2" is not supported', () =>
      modelFile(baseSpec, { metadata: { ...ownMetadata(JSON.stringify(baseSpec)), version: '2' } }),
    ),
    modelError('spec-units-huge', 'a layer of 2^30 units (weights beyond MAX_TENSOR_ELEMENTS)', 'MAX_TENSOR_ELEMENTS', () =>
      modelFile(baseSpec, { specText: JSON.stringify(baseSpec).replace('"units":3', `"units":${2 ** 30}`) }),
    ),
    modelError('spec-missing-tensor', 'a model missing layers.1.bias.scale', "missing tensor 'layers.1.bias.scale'", () => {
      const tensors = tensorsOf(baseSpec);
      tensors.delete(tensorNames.biasScale(1));
      return modelFile(baseSpec, { tensors });
    }),
    modelOk('layers-at-cap', `a valid chain of exactly MAX_LAYERS = ${MAX_LAYERS} layers`, { layers: MAX_LAYERS }, () => modelFile(chainSpec(MAX_LAYERS))),
    modelError('layers-over-cap', `a valid chain of MAX_LAYERS + 1 = ${MAX_LAYERS + 1} layers`, `more than MAX_LAYERS = ${MAX_LAYERS}`, () => modelFile(chainSpec(MAX_LAYERS + 1))),
    make({
      name: 'layers-3000',
      loader: 'model',
      exercises: 'a valid chain of 3000 layers (never finished predicting before the cap)',
      expected: 'MODEL_FORMAT',
      mentions: `more than MAX_LAYERS = ${MAX_LAYERS}`,
      committed: false,
      bytes: () => modelFile(chainSpec(3000)),
    }),
  ];
}

function pyroCases(): HostileCase[] {
  const deep = `{"dims":[2,3,1],"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  return [
    modelOk('pyro-valid', 'a Pyro AutoNormal export (dims 2-3-1, Pyro site names)', { layers: 2 }, () => pyroFile()),
    modelError('pyro-missing-sigma', 'a Pyro export without the sigma site', "no 'sigma' site", () => pyroFile({ drop: ['AutoNormal.locs.sigma', 'AutoNormal.scales.sigma'] })),
    modelError('pyro-missing-scale', 'a Pyro export with a loc but no scale for 0.bias', "site '0.bias' has AutoNormal.locs.0.bias but no AutoNormal.scales.0.bias", () =>
      pyroFile({ drop: ['AutoNormal.scales.0.bias'] }),
    ),
    modelError('pyro-extra-layer-site', 'a site 7.weight beyond the layers dims give', "site '7.weight' refers to layer 7", () =>
      pyroFile({
        add: [
          ['AutoNormal.locs.7.weight', filled([1], () => 0)],
          ['AutoNormal.scales.7.weight', filled([1], () => 0.125)],
        ],
      }),
    ),
    modelError('pyro-extra-tensor', 'a tensor that is neither AutoNormal.locs nor .scales', "tensor 'optimizer.state' is neither", () =>
      pyroFile({ add: [['optimizer.state', filled([1], () => 0)]] }),
    ),
    modelError('pyro-two-weight-sites', 'layer 0 with two weight sites (0.weight and net.0.weight)', 'layer 0 has several weight sites', () =>
      pyroFile({
        add: [
          ['AutoNormal.locs.net.0.weight', filled([3, 2], niceLoc)],
          ['AutoNormal.scales.net.0.weight', filled([3, 2], niceScale)],
        ],
      }),
    ),
    modelError('pyro-missing-metadata', 'AutoNormal tensors without __metadata__.model', '__metadata__.model is missing', () => pyroFile({ info: null })),
    modelError('pyro-metadata-not-json', '__metadata__.model that is not JSON', 'Pyro AutoNormal export: __metadata__.model is not valid JSON', () =>
      pyroFile({ info: '{dims: [2, 3, 1]}' }),
    ),
    generatedInTest(modelError('pyro-metadata-depth-100000', 'Pyro model info nested 10^5 deep', `deeper than ${MAX_JSON_DEPTH} levels`, () => pyroFile({ info: deep }))),
    modelError('pyro-metadata-duplicate-dims', "'dims' twice in the Pyro model info", "key 'dims' twice", () =>
      pyroFile({ info: `{"dims":[2,3,1],${JSON.stringify(pyroInfo).slice(1)}` }),
    ),
    modelError('pyro-guide-autodelta', 'a guide other than AutoNormal', 'guide "AutoDelta" is not supported', () =>
      pyroFile({ info: JSON.stringify({ ...pyroInfo, guide: 'AutoDelta' }) }),
    ),
    modelError('pyro-dims-too-short', 'dims [2]: no layer', 'must list the input size and at least one layer', () =>
      pyroFile({ info: JSON.stringify({ ...pyroInfo, dims: [2] }) }),
    ),
    modelError('pyro-dims-over-cap', `dims giving MAX_LAYERS + 1 layers`, `more than MAX_LAYERS = ${MAX_LAYERS}`, () =>
      pyroFile({ info: JSON.stringify({ ...pyroInfo, dims: Array.from({ length: MAX_LAYERS + 2 }, () => 1) }) }),
    ),
    modelError('pyro-sigma-not-scalar', 'a sigma loc of shape [2]', 'must be a scalar', () =>
      pyroFile({ drop: ['AutoNormal.locs.sigma'], add: [['AutoNormal.locs.sigma', filled([2], () => -1)]] }),
    ),
    modelError('pyro-sigma-loc-100', 'a Pyro sigma loc (of log sigma) of 100', 'the LogNormal noise posterior (noise.loc = 100', () => pyroFile({ sigmaLoc: 100 })),
    modelError('pyro-prior-scale-zero', 'weight_prior_scale 0', 'prior.scale must be a finite number > 0', () =>
      pyroFile({ info: JSON.stringify({ ...pyroInfo, weight_prior_scale: 0 }) }),
    ),
  ];
}

function ensembleCases(): HostileCase[] {
  const three = [baseSpec, baseSpec, chainSpec(2)];
  const ens = (name: string, exercises: string, mentions: string, bytes: () => Uint8Array) => modelError(name, exercises, mentions, bytes, 'ensemble');
  return [
    modelOk('ensemble-valid', 'a 3-member ensemble file (two base models and a 2-layer chain)', { members: 3, layers: 2 }, () => ensembleFile(three), 'ensemble'),
    modelOk('ensemble-single-model', 'a single-model file read as an ensemble of one', { members: 1, layers: 2 }, baseFile, 'ensemble'),
    ens('ensemble-stray-tensor', 'a tensor members.3.* for a 3-member ensemble', "tensor 'members.3.layers.0.weight.loc' belongs to no member", () =>
      ensembleFile(three, { extra: [['members.3.layers.0.weight.loc', filled([1], () => 0)]] }),
    ),
    ens('ensemble-leading-zero', "a tensor under 'members.01.' (not member 1's prefix)", "tensor 'members.01.x' belongs to no member", () =>
      ensembleFile(three, { extra: [['members.01.x', filled([1], () => 0)]] }),
    ),
    ens('ensemble-member-missing-tensor', 'member 1 without its layers.0.bias.loc', "ensemble member 1: model: missing tensor 'layers.0.bias.loc'", () =>
      ensembleFile(three, { drop: 'members.1.layers.0.bias.loc' }),
    ),
    ens('ensemble-empty-list', 'an ensemble list []', 'must list 1..1024 member specs', () => ensembleFile([], { specsText: '[]' })),
    ens('ensemble-over-cap', `an ensemble list of MAX_ENSEMBLE_MEMBERS + 1 = ${MAX_ENSEMBLE_MEMBERS + 1} entries`, `got ${MAX_ENSEMBLE_MEMBERS + 1} entries`, () =>
      ensembleFile([], { specsText: `[${Array.from({ length: MAX_ENSEMBLE_MEMBERS + 1 }, () => '{}').join(',')}]` }),
    ),
    ens('ensemble-list-not-json', 'an ensemble list that is not JSON', '__metadata__.ensemble is not valid JSON', () => ensembleFile(three, { specsText: '[{' })),
    generatedInTest(
      ens('ensemble-list-depth-100000', 'an ensemble list nested 10^5 deep', `deeper than ${MAX_JSON_DEPTH} levels`, () =>
        ensembleFile(three, { specsText: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }),
      ),
    ),
    ens('ensemble-duplicate-key', "a member spec with 'layers' twice", "key 'layers' twice", () =>
      ensembleFile(three, { specsText: JSON.stringify(three).replace('"layers":', '"layers":[],"layers":') }),
    ),
    ens('ensemble-member-over-layer-cap', `a member of MAX_LAYERS + 1 layers`, `ensemble member 1: model: has ${MAX_LAYERS + 1} layers`, () =>
      ensembleFile([baseSpec, chainSpec(MAX_LAYERS + 1)]),
    ),
    ens('ensemble-version-2', 'an ensemble file of version "2"', 'ensemble file version "2" is not supported', () => ensembleFile(three, { version: '2' })),
  ];
}

function pointCases(): HostileCase[] {
  const point = (name: string, exercises: string, mentions: string, bytes: () => Uint8Array) => modelError(name, exercises, mentions, bytes, 'point');
  return [
    modelOk('point-valid', 'a parameter point for the base model (sigma = 0.5)', { sites: 5 }, () => pointFile(), 'point'),
    modelOk(
      'point-guide-locs',
      "a guide file's AutoNormal.locs (sigma = exp(loc)) as the point, scales ignored",
      { sites: 5 },
      () =>
        pointFile({
          drop: ['sigma'],
          set: [
            ['AutoNormal.locs.sigma', scalar(-0.75)],
            ['AutoNormal.scales.sigma', scalar(0.125)],
          ],
        }),
      'point',
    ),
    point('point-guide-sigma-exp-100', 'AutoNormal.locs.sigma = 100: exp overflows float32', 'exp(100) = 2.69e+43', () =>
      pointFile({ drop: ['sigma'], set: [['AutoNormal.locs.sigma', scalar(100)]] }),
    ),
    point('point-guide-sigma-exp-minus-100', 'AutoNormal.locs.sigma = -100: exp underflows float32', 'exp(-100) = 3.72e-44', () =>
      pointFile({ drop: ['sigma'], set: [['AutoNormal.locs.sigma', scalar(-100)]] }),
    ),
    point('point-sigma-zero', 'sigma = 0', "site 'sigma' has value 0 at index 0; it must be > 0", () => pointFile({ set: [['sigma', scalar(0)]] })),
    point('point-sigma-1e-30', 'sigma = 1e-30: its variance underflows float32', 'it must be > 0 and', () => pointFile({ set: [['sigma', scalar(1e-30)]] })),
    point('point-unknown-site', 'a site the model does not have', "unknown site '2.weight'", () => pointFile({ set: [['2.weight', filled([1], () => 0)]] })),
    point('point-site-twice', "sigma given as 'sigma' and as AutoNormal.locs.sigma", "site 'sigma' is given twice", () =>
      pointFile({ set: [['AutoNormal.locs.sigma', scalar(0)]] }),
    ),
    point('point-missing-site', 'no 0.weight', "missing site '0.weight'", () => pointFile({ drop: ['0.weight'] })),
    point('point-wrong-shape', '0.weight of shape [2, 3]', "site '0.weight' has shape [2, 3], expected [3, 2]", () => pointFile({ set: [['0.weight', filled([2, 3], niceLoc)]] })),
    point('point-nan', 'NaN in 1.bias', "site '1.bias' has a non-finite value (NaN)", () => pointFile({ set: [['1.bias', filled([1], () => NaN)]] })),
    point('point-truncated', 'a point file cut inside its data', 'outside the', () => pointFile().slice(0, -3)),
    point('point-duplicate-site', "the site '0.bias' twice in the header (both entries on the same bytes)", "key '0.bias' twice", () => {
      const { pairs, data } = tensorSection([
        ['0.weight', filled([3, 2], niceLoc)],
        ['0.bias', filled([3], niceLoc)],
        ['1.weight', filled([1, 3], niceLoc)],
        ['1.bias', filled([1], niceLoc)],
        ['sigma', scalar(0.5)],
      ]);
      const bias = pairs.find(([k]) => k === '0.bias') as Pair;
      return fileBytes(headerText([...pairs, bias]), data);
    }),
  ];
}

function tableCases(): HostileCase[] {
  const table = (name: string, extension: 'csv' | 'json', exercises: string, expected: Expected, content: string, detail: { mentions?: string; check?: OkCheck }): HostileCase =>
    make({ name, extension, loader: 'table', exercises, expected, bytes: text(content), ...detail });
  return [
    table('table-csv-header', 'csv', 'a CSV with a header row', 'ok', 'a,b\n1,2\n3,4\n', { check: { rows: 2 } }),
    table('table-csv-no-header', 'csv', 'a CSV of numbers only', 'ok', '1 2\n3 4\n5 6\n', { check: { rows: 3 } }),
    table('table-csv-typo-first-row', 'csv', "a first row '1.5,2x' (data with a typo, not a header)", 'INVALID_INPUT', '1.5,2x\n3,4\n', {
      mentions: "line 1 is neither a header (it has the number '1.5' in column 1) nor data (column 2: '2x' is not a number)",
    }),
    table('table-csv-empty-cell-first-row', 'csv', "a first row '1,' (a number and an empty cell)", 'INVALID_INPUT', '1,\n3,4\n', { mentions: 'column 2: empty is not a number' }),
    table('table-csv-typo-later-row', 'csv', 'a typo in the third data row', 'INVALID_INPUT', 'a,b\n1,2\n3,4\n5,6x\n', {
      mentions: "line 4 column 2: '6x' is not a finite number",
    }),
    table('table-csv-nan', 'csv', 'NaN in a data row', 'INVALID_INPUT', 'a,b\n1,NaN\n', { mentions: "'NaN' is not a finite number" }),
    generatedInTest(
      table('table-json-depth-100000', 'json', 'a JSON table nested 10^5 deep', 'INVALID_INPUT', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, {
        mentions: `deeper than ${MAX_JSON_DEPTH} levels`,
      }),
    ),
    table(
      'table-json-depth-cap-plus-one',
      'json',
      `a JSON table nested MAX_JSON_DEPTH + 1 deep`,
      'INVALID_INPUT',
      `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`,
      { mentions: `deeper than ${MAX_JSON_DEPTH} levels` },
    ),
    table('table-json-duplicate-key', 'json', 'a JSON table row that is an object with a key twice', 'INVALID_INPUT', '[{"a":1,"a":2}]', { mentions: "key 'a' twice" }),
    table('table-json-rows', 'json', 'a JSON table of rows', 'ok', '[[1,2],[3,4]]', { check: { rows: 2 } }),
    table('table-json-not-json', 'json', 'a JSON table cut short', 'INVALID_INPUT', '[[1,2],[3', { mentions: 'is not valid JSON' }),
  ];
}

/** Every case, in a stable order. */
export function hostileCases(): HostileCase[] {
  const cases = [
    ...headerCases(),
    ...truncationCases(),
    ...offsetCases(),
    ...dtypeCases(),
    ...float32Cases(),
    ...nameCases(),
    ...specCases(),
    ...pyroCases(),
    ...ensembleCases(),
    ...pointCases(),
    ...tableCases(),
  ];
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`two cases are named ${c.name}`);
    names.add(c.name);
  }
  return cases;
}

/** What the manifest records of a case (everything but the bytes). */
export interface ManifestEntry {
  readonly name: string;
  readonly file: string;
  readonly loader: Loader;
  readonly exercises: string;
  readonly expected: Expected;
  readonly mentions?: string;
  readonly check?: OkCheck;
}

export const fileName = (c: HostileCase): string => `${c.name}.${c.extension}`;

export function manifestEntry(c: HostileCase): ManifestEntry {
  return {
    name: c.name,
    file: fileName(c),
    loader: c.loader,
    exercises: c.exercises,
    expected: c.expected,
    ...(c.mentions === undefined ? {} : { mentions: c.mentions }),
    ...(c.check === undefined ? {} : { check: c.check }),
  };
}
