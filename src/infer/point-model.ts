/**
 * score() evaluates a parameter point with the same kernels as predict: the point becomes a model
 * whose every parameter is a delta at the given value, dropout off (eval mode) and sigma fixed at
 * the point's value. The prior log-densities are then sums over ranges of that model's params.
 */
import {
  SITE_KIND_EXPONENTIAL,
  SITE_KIND_GAMMA,
  SITE_KIND_HALFCAUCHY,
  SITE_KIND_HALFNORMAL,
  SITE_KIND_LOGNORMAL,
  SITE_KIND_NORMAL,
  SITE_KIND_UNIFORM,
  SITE_WORDS,
} from '../kernels/infer/site-logprob.js';
import { InvalidInputError, preview } from '../errors.js';
import { describeValue, isFiniteFloat32 } from '../options.js';
import { FLOAT32_MIN_NORMAL } from '../float32.js';
import type { ModelLayout } from '../model/gpu-layout.js';
import type { LayerSpec, Model, ModelSpec, NoiseSpec, SigmaPrior, Tensor } from '../model/spec.js';
import { latentNoise, scaleLikelihood, layerInputs, tensorNames } from '../model/spec.js';

/** A parameter point as callers give it: site name -> values (a Map or a plain object; a scalar site may be a number). */
export type PointInput = ReadonlyMap<string, ArrayLike<number> | number> | Readonly<Record<string, ArrayLike<number> | number>>;

/**
 * The point as site -> float32 values, every value checked: a number finite in float32 (the GPU's
 * type), in a Map or plain object keyed by site name. Shapes are checked against the model later.
 */
export function readPoint(point: unknown): Map<string, Float32Array> {
  let entries: [unknown, unknown][];
  if (point instanceof Map) entries = [...(point as Map<unknown, unknown>)];
  else if (typeof point === 'object' && point !== null && !Array.isArray(point)) entries = Object.entries(point);
  else throw new InvalidInputError(`a parameter point must be a Map or an object of site name -> values, got ${describeValue(point)}`);
  const out = new Map<string, Float32Array>();
  for (const [site, value] of entries) {
    if (typeof site !== 'string') throw new InvalidInputError(`a parameter point's keys must be site names (strings), got ${describeValue(site)}`);
    const values: ArrayLike<unknown> | null = typeof value === 'number' ? [value] : isArrayLike(value) ? value : null;
    if (values === null) throw new InvalidInputError(`site '${preview(site)}' must be an array of numbers (or one number), got ${describeValue(value)}`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!isFiniteFloat32(v)) throw new InvalidInputError(`site '${preview(site)}' value ${i} is ${describeValue(v)}; values must be finite in float32`);
    }
    out.set(site, Float32Array.from(values as ArrayLike<number>));
  }
  return out;
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function siteValues(point: ReadonlyMap<string, Float32Array>, site: string, count: number, fallback: Tensor | undefined): Float32Array {
  const values = point.get(site) ?? fallback?.data;
  if (!values) throw new InvalidInputError(`the point has no value for site '${preview(site)}'`);
  if (values.length !== count) throw new InvalidInputError(`site '${preview(site)}' has ${values.length} values; expected ${count}`);
  return values;
}

export function pointModel(model: Model, point: ReadonlyMap<string, Float32Array>): Model {
  const { spec, tensors } = model;
  const known = new Set<string>();
  const out = new Map<string, Tensor>();
  const layers = spec.layers.map((layer, l): LayerSpec => {
    const inputs = layerInputs(spec, l);
    known.add(layer.weight.site).add(layer.bias.site);
    const delta = (p: LayerSpec['weight']) => ({ ...p, posterior: 'delta' as const });
    const wFallback = layer.weight.posterior === 'delta' ? tensors.get(tensorNames.weightLoc(l)) : undefined;
    const bFallback = layer.bias.posterior === 'delta' ? tensors.get(tensorNames.biasLoc(l)) : undefined;
    out.set(tensorNames.weightLoc(l), { shape: [layer.units, inputs], data: siteValues(point, layer.weight.site, layer.units * inputs, wFallback) });
    out.set(tensorNames.biasLoc(l), { shape: [layer.units], data: siteValues(point, layer.bias.site, layer.units, bFallback) });
    for (const name of [tensorNames.preluSlope(l), tensorNames.bnScale(l), tensorNames.bnShift(l)]) {
      const t = tensors.get(name);
      if (t) out.set(name, t);
    }
    return { ...layer, dropout: 0, weight: delta(layer.weight), bias: delta(layer.bias) };
  });
  // A classifier (or any likelihood without a noise model) has no sigma site: its likelihood stays as it is.
  const scale = scaleLikelihood(spec.likelihood);
  const noise = scale ? latentNoise(scale.noise) : null;
  let pointNoise: NoiseSpec | null = scale ? scale.noise : null;
  if (scale && noise) {
    known.add(noise.site);
    const sigma = siteValues(point, noise.site, 1, undefined)[0] as number;
    const linked = scale.link === 'sigma2' ? sigma * sigma : sigma;
    if (!(sigma > 0) || !(linked >= FLOAT32_MIN_NORMAL) || !isFiniteFloat32(linked)) {
      throw new InvalidInputError(
        `site '${preview(noise.site)}' (sigma) is ${sigma}; it must be > 0 and give an observation scale${scale.link === 'sigma2' ? ' (sigma^2)' : ''} that is a positive normal float32`,
      );
    }
    pointNoise = { kind: 'fixed', sigma };
  }
  for (const site of point.keys()) {
    if (!known.has(site)) throw new InvalidInputError(`the point names site '${preview(site)}', which the model does not have (sites: ${preview([...known].join(', '), 200)})`);
  }
  const pointSpec: ModelSpec = { ...spec, layers, likelihood: scale && pointNoise ? { ...scale, noise: pointNoise } : spec.likelihood };
  return { spec: pointSpec, tensors: out };
}

export interface SiteRange {
  readonly site: string;
  readonly words: Uint32Array;
}

function siteWords(offset: number, count: number, kind: number, p1: number, p2: number): Uint32Array {
  const words = new Uint32Array(SITE_WORDS);
  const floats = new Float32Array(words.buffer);
  words[0] = offset;
  words[1] = count;
  words[2] = kind;
  floats[3] = p1;
  floats[4] = p2;
  return words;
}

/** The site-logprob kernel's kind and two parameters for a sigma prior (see SITE_KIND_*). */
function sigmaPriorWords(prior: SigmaPrior): [kind: number, p1: number, p2: number] {
  if (prior.kind === undefined || prior.kind === 'gamma') return [SITE_KIND_GAMMA, prior.concentration, prior.rate];
  switch (prior.kind) {
    case 'lognormal':
      return [SITE_KIND_LOGNORMAL, prior.loc, prior.scale];
    case 'halfnormal':
      return [SITE_KIND_HALFNORMAL, prior.scale, 0];
    case 'halfcauchy':
      return [SITE_KIND_HALFCAUCHY, prior.scale, 0];
    case 'exponential':
      return [SITE_KIND_EXPONENTIAL, prior.rate, 0];
    case 'uniform':
      return [SITE_KIND_UNIFORM, prior.low, prior.high];
  }
}

/** The latent sites of `spec` as ranges of the point model's params buffer, with their priors. */
export function scoreSites(spec: ModelSpec, pointLayout: ModelLayout): SiteRange[] {
  const sites: SiteRange[] = [];
  spec.layers.forEach((layer, l) => {
    const ll = pointLayout.layers[l];
    if (!ll) return;
    const wp = layer.weight.prior;
    const bp = layer.bias.prior;
    sites.push({ site: layer.weight.site, words: siteWords(ll.weightLoc, ll.units * ll.inputs, SITE_KIND_NORMAL, wp.loc, wp.scale) });
    sites.push({ site: layer.bias.site, words: siteWords(ll.biasLoc, ll.units, SITE_KIND_NORMAL, bp.loc, bp.scale) });
  });
  const scale = scaleLikelihood(spec.likelihood);
  const noise = scale ? latentNoise(scale.noise) : null;
  const prior = scale?.sigmaPrior ?? null;
  if (noise && prior && pointLayout.noise) {
    // The point model holds the point's sigma as a fixed sigma (pointModel), at noise.first.
    const [kind, p1, p2] = sigmaPriorWords(prior);
    sites.push({ site: noise.site, words: siteWords(pointLayout.noise.first, 1, kind, p1, p2) });
  }
  return sites;
}
