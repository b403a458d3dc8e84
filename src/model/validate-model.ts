/**
 * Checks a whole model before any kernel, oracle or file writer sees it: its spec (validate.ts),
 * then every tensor the spec implies present with the right shape and finite, in-range values, and
 * nothing else there; a latent sigma's posterior must draw scales float32 holds (noise-range.ts).
 */
import { quoteNames } from './names.js';
import { gammaExtremes, GAMMA_LOWER_TAIL, GAMMA_UPPER_STDS, logitnormalExtremes, lognormalExtremes, LOGNORMAL_Z_MAX } from './noise-range.js';
import { previewJson } from './strict-json.js';
import { scaleLikelihood, type LayerSpec, type Model, type ModelSpec, type Tensor, layerInputs, tensorNames } from './spec.js';
import { fail, float32Text, checkNoiseScale, isRecord } from './validation-checks.js';
import { SCALAR_SHAPE, formatShape, sameShape } from './shapes.js';
import { validateSpec } from './validate.js';

interface TensorRule {
  /** Accepted shapes (PReLU slopes may be per unit or shared). */
  readonly shapes: readonly (readonly number[])[];
  readonly values: 'finite' | 'nonNegative' | 'positive';
}

/** Every tensor the spec implies, by canonical name (tensorNames). */
function tensorRules(spec: ModelSpec): Map<string, TensorRule> {
  const rules = new Map<string, TensorRule>();
  const add = (name: string, shape: readonly number[], values: TensorRule['values'] = 'finite'): void => {
    rules.set(name, { shapes: [shape], values });
  };
  spec.layers.forEach((layer: LayerSpec, l) => {
    const weightShape = [layer.units, layerInputs(spec, l)];
    add(tensorNames.weightLoc(l), weightShape);
    add(tensorNames.biasLoc(l), [layer.units]);
    if (layer.weight.posterior === 'normal') add(tensorNames.weightScale(l), weightShape, 'nonNegative');
    if (layer.bias.posterior === 'normal') add(tensorNames.biasScale(l), [layer.units], 'nonNegative');
    if (layer.activation === 'prelu') {
      rules.set(tensorNames.preluSlope(l), { shapes: [[layer.units], [1]], values: 'finite' });
    }
    if (layer.batchNorm) {
      add(tensorNames.bnScale(l), [layer.units]);
      add(tensorNames.bnShift(l), [layer.units]);
    }
  });
  // Only the likelihoods with a noise scale (Normal, Student-t) can have noise tensors.
  const noise = scaleLikelihood(spec.likelihood)?.noise;
  if (noise === undefined) return rules;
  if (noise.kind === 'lognormal' || noise.kind === 'logitnormal') {
    add(tensorNames.noiseLoc, SCALAR_SHAPE);
    add(tensorNames.noiseScale, SCALAR_SHAPE, 'nonNegative');
  } else if (noise.kind === 'gamma') {
    add(tensorNames.noiseConcentration, SCALAR_SHAPE, 'positive');
    add(tensorNames.noiseRate, SCALAR_SHAPE, 'positive');
  }
  return rules;
}

const VALUE_REQUIREMENT: Readonly<Record<TensorRule['values'], { ok: (v: number) => boolean; says: string }>> = {
  finite: { ok: () => true, says: '' },
  nonNegative: { ok: (v) => v >= 0, says: 'must be >= 0 (it is a scale)' },
  positive: { ok: (v) => v > 0, says: 'must be > 0' },
};

/** Throws ModelFormatError naming the first problem: spec, missing/extra tensor, shape or value. */
export function validateModel(model: Model): void {
  const value: unknown = model;
  if (!isRecord(value)) fail(`a model must be an object { spec, tensors } (got ${previewJson(value)})`);
  validateSpec(model.spec);
  if (!((model.tensors as unknown) instanceof Map)) fail(`model.tensors must be a Map from tensor name to { shape, data } (got ${previewJson(model.tensors)})`);
  const rules = tensorRules(model.spec);
  for (const name of rules.keys()) {
    const tensor: unknown = model.tensors.get(name);
    if (tensor === undefined) fail(`missing tensor '${name}'`);
    if (!isRecord(tensor) || !Array.isArray(tensor['shape']) || !(tensor['data'] instanceof Float32Array)) {
      fail(`tensor '${name}' must be { shape: number[], data: Float32Array }`);
    }
  }
  for (const [name, rule] of rules) {
    const tensor = model.tensors.get(name) as Tensor;
    if (!rule.shapes.some((shape) => sameShape(shape, tensor.shape))) {
      const expected = rule.shapes.map(formatShape).join(' or ');
      fail(`tensor '${name}' has shape ${formatShape(tensor.shape)}, expected ${expected}`);
    }
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== elements) {
      fail(`tensor '${name}' has ${tensor.data.length} values for shape ${formatShape(tensor.shape)}`);
    }
    const requirement = VALUE_REQUIREMENT[rule.values];
    tensor.data.forEach((v, i) => {
      if (!Number.isFinite(v)) fail(`tensor '${name}' has a non-finite value (${v}) at index ${i}`);
      if (!requirement.ok(v)) fail(`tensor '${name}' has value ${v} at index ${i}; it ${requirement.says}`);
    });
  }
  const unknown = [...model.tensors.keys()].filter((name) => !rules.has(name));
  if (unknown.length > 0) {
    fail(`unknown tensor(s) ${quoteNames(unknown)}: this spec uses exactly ${[...rules.keys()].join(', ')}`);
  }
  validateNoiseDraws(model);
}

const scalarOf = (tensors: Model['tensors'], name: string): number => tensors.get(name)?.data[0] ?? NaN;

/**
 * A latent sigma's posterior must draw values whose likelihood scale and variance float32 holds,
 * at both ends of its draws (noise-range.ts): LogNormal and LogitNormal at loc ± 6 scale, Gamma
 * from its 1e-9 lower-quantile bound to mean + 40 std.
 */
function validateNoiseDraws({ spec, tensors }: Model): void {
  const scale = scaleLikelihood(spec.likelihood);
  if (!scale) return;
  const { noise, link } = scale;
  if (noise.kind === 'lognormal') {
    const loc = scalarOf(tensors, tensorNames.noiseLoc);
    const scale = scalarOf(tensors, tensorNames.noiseScale);
    const { low, high } = lognormalExtremes(loc, scale);
    const what = (end: string) => `the LogNormal noise posterior (noise.loc = ${float32Text(loc)}, noise.scale = ${float32Text(scale)}) at z = ${end}${LOGNORMAL_Z_MAX}`;
    checkNoiseScale(low, link, what('-'));
    checkNoiseScale(high, link, what('+'));
  } else if (noise.kind === 'logitnormal') {
    const loc = scalarOf(tensors, tensorNames.noiseLoc);
    const scale = scalarOf(tensors, tensorNames.noiseScale);
    const { low, high } = logitnormalExtremes(loc, scale, noise.low, noise.high);
    const what = (end: string) =>
      `the LogitNormal noise posterior on (${noise.low}, ${noise.high}) (noise.loc = ${float32Text(loc)}, ` +
      `noise.scale = ${float32Text(scale)}) at z = ${end}${LOGNORMAL_Z_MAX}`;
    checkNoiseScale(low, link, what('-'));
    checkNoiseScale(high, link, what('+'));
  } else if (noise.kind === 'gamma') {
    const concentration = scalarOf(tensors, tensorNames.noiseConcentration);
    const rate = scalarOf(tensors, tensorNames.noiseRate);
    const { low, high } = gammaExtremes(concentration, rate);
    const what = `the Gamma noise posterior (noise.concentration = ${float32Text(concentration)}, noise.rate = ${float32Text(rate)})`;
    checkNoiseScale(low, link, `${what} at its ${GAMMA_LOWER_TAIL} lower quantile bound`);
    checkNoiseScale(high, link, `${what} at mean + ${GAMMA_UPPER_STDS} std`);
  }
}
