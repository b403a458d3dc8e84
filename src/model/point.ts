/**
 * One point in parameter space (one value per latent site), read from a safetensors file, for
 * scoring: tensors are named by site (`0.weight`, `layers.2.bias`, `sigma`), or as a guide file's
 * `AutoNormal.locs.<site>` so a trained AutoNormal guide's locs can serve as the point.
 */
import { ModelFormatError } from '../errors.js';
import { quoteName, quoteNames } from './names.js';
import { linkText, noiseScaleFits, sigmaRangeText } from './noise-range.js';
import { AUTONORMAL_LOCS_PREFIX, AUTONORMAL_SCALES_PREFIX } from './pyro.js';
import { parseSafetensors } from './safetensors.js';
import { sigmoid } from '../math/activations.js';
import { expectScaleLikelihood, type Model, type NoiseSpec, latentNoise, layerInputs, tensorNames } from './spec.js';
import { formatShape, sameShape } from './shapes.js';

function fail(message: string): never {
  throw new ModelFormatError(`parameter point: ${message}`);
}

/** What one site's value must look like. */
interface SiteRule {
  readonly shapes: readonly (readonly number[])[];
  /** sigma is positive; weights and biases are any finite number. */
  readonly positive: boolean;
  /** Canonical model tensor holding the value used when the file omits the site ('delta' posteriors). */
  readonly fallbackTensor: string | null;
}

function siteRules(model: Model): Map<string, SiteRule> {
  const { spec } = model;
  const rules = new Map<string, SiteRule>();
  spec.layers.forEach((layer, l) => {
    const params = [
      [layer.weight, [layer.units, layerInputs(spec, l)], tensorNames.weightLoc(l)],
      [layer.bias, [layer.units], tensorNames.biasLoc(l)],
    ] as const;
    for (const [param, shape, locName] of params) {
      rules.set(param.site, {
        shapes: [shape],
        positive: false,
        fallbackTensor: param.posterior === 'delta' ? locName : null,
      });
    }
  });
  const noise = latentNoise(expectScaleLikelihood(spec).noise);
  if (noise) rules.set(noise.site, { shapes: [[], [1]], positive: true, fallbackTensor: null });
  return rules;
}

/**
 * sigma from a guide file's `AutoNormal.locs.<site>`, the loc of sigma's unconstrained value: the
 * inverse of AutoNormal's transform, exp for a positive site, low + (high - low) sigmoid for an
 * interval (logitnormal). Both are increasing, so the value is the guide's median of sigma. In
 * float64, so a loc of 100 is seen as the 2.7e43 it means rather than float32's Infinity.
 */
function sigmaFromGuideLoc(noise: NoiseSpec, loc: number): { sigma: number; shown: string } {
  if (noise.kind === 'logitnormal') {
    const sigma = noise.low + (noise.high - noise.low) * sigmoid(loc);
    return { sigma, shown: `${noise.low} + ${noise.high - noise.low} * sigmoid(${loc}) = ${sigma.toPrecision(3)}` };
  }
  const sigma = Math.exp(loc);
  return { sigma, shown: `exp(${loc}) = ${sigma.toPrecision(3)}` };
}

/**
 * Reads a parameter point for `model`: site name -> values (weights [out, in] row-major, biases
 * [out], sigma one element). A weight/bias site missing from the file takes the model's loc when its
 * posterior is 'delta'; any other missing site is an error, as are unknown sites, wrong shapes,
 * NaN/Inf and a sigma whose likelihood scale or noise variance float32 cannot hold (sigma <= 0
 * included; see noise-range.ts for the range).
 *
 * `AutoNormal.locs.<site>` of sigma is the loc of sigma's unconstrained value, as AutoNormal works
 * in unconstrained space, so its value is the guide's median: exp(loc), or low + (high - low)
 * sigmoid(loc) for a 'logitnormal' sigma. `AutoNormal.scales.*` tensors are ignored, so a whole
 * guide file can be passed.
 */
export function pointFromBytes(bytes: Uint8Array, model: Model): Map<string, Float32Array> {
  const rules = siteRules(model);
  const { link } = expectScaleLikelihood(model.spec);
  const point = new Map<string, Float32Array>();
  for (const [name, tensor] of parseSafetensors(bytes).tensors) {
    if (name.startsWith(AUTONORMAL_SCALES_PREFIX)) continue;
    const fromGuide = name.startsWith(AUTONORMAL_LOCS_PREFIX);
    const site = fromGuide ? name.slice(AUTONORMAL_LOCS_PREFIX.length) : name;
    const rule = rules.get(site);
    if (!rule) fail(`unknown site ${quoteName(site)} (tensor ${quoteName(name)}); the model's sites: ${quoteNames(rules.keys(), 16)}`);
    if (point.has(site)) fail(`site ${quoteName(site)} is given twice (as itself and as ${AUTONORMAL_LOCS_PREFIX}<site>)`);
    if (!rule.shapes.some((shape) => sameShape(shape, tensor.shape))) {
      fail(`site ${quoteName(site)} has shape ${formatShape(tensor.shape)}, expected ${rule.shapes.map(formatShape).join(' or ')}`);
    }
    tensor.data.forEach((v, i) => {
      if (!Number.isFinite(v)) fail(`site ${quoteName(site)} has a non-finite value (${v}) at index ${i}`);
    });
    if (!rule.positive) {
      point.set(site, tensor.data);
      continue;
    }
    const noise = expectScaleLikelihood(model.spec).noise;
    const fromLoc = Array.from(tensor.data, (loc) => sigmaFromGuideLoc(noise, loc));
    const sigmas = fromGuide ? fromLoc.map((s) => s.sigma) : Array.from(tensor.data);
    sigmas.forEach((v, i) => {
      if (!noiseScaleFits(v, link)) {
        const given = fromGuide ? (fromLoc[i]?.shown ?? '') : `value ${v}`;
        fail(
          `site ${quoteName(site)} has ${given} at index ${i}; it must be > 0 and, ${linkText(link)}, ` +
            `lie in ${sigmaRangeText(link)} so that float32 holds its likelihood scale and variance`,
        );
      }
    });
    point.set(site, Float32Array.from(sigmas));
  }
  for (const [site, rule] of rules) {
    if (point.has(site)) continue;
    if (rule.fallbackTensor === null) fail(`missing site '${site}'`);
    const loc = model.tensors.get(rule.fallbackTensor);
    if (!loc) fail(`missing site '${site}', and the model has no '${rule.fallbackTensor}' to take it from`);
    point.set(site, Float32Array.from(loc.data));
  }
  return point;
}
