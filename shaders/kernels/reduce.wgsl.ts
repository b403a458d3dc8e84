/**
 * Reductions of a chunk's Monte-Carlo samples into running, mergeable statistics, so any number of
 * sample chunks can be folded in without keeping samples:
 * - moments: per (n, d) Welford mean / M2 of f and the mean noise variance, merged with Chan et al.'s
 *   pairwise update into `acc` (3 floats per (n, d));
 * - loglik: per (s, n) sum_d log N(y | f, scale);
 * - lpd: per n a running (max, sum exp) logsumexp over samples, merged into `lpd_acc`;
 * - sample_loglik: per sample sum over the chunk's inputs, added into `sample_ll`;
 * - finalize: statistics for the chunk's inputs into the planar `stats` buffer.
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import type { ModelLayout } from '../../src/kernels/model-layout.js';
import { f32Literal } from '../../src/kernels/model-layout.js';
import { mathWgsl } from '../lib/math.wgsl.js';
import { randomWgsl } from '../lib/random.wgsl.js';
import { STREAM_OBSERVATION } from '../../src/random/streams.js';
import { WORKGROUP_SIZE, chunkBinding, flatParams, kernelPrelude, readArray, untyped, writeArray, type TypedBinding } from './common.js';

export const STAT_NAMES = ['mean', 'std', 'epistemicStd', 'aleatoricStd', 'lower', 'upper'] as const;

const NEG_MAX = '-3.4028234663852886e38';

function isHetero(layout: ModelLayout): boolean {
  return layout.noise.spec.kind === 'heteroscedastic';
}

/** WGSL: constants and f_of / scale_of for output (s, n, d), de-standardised. Reads act, params, scales. */
function outputsWgsl(layout: ModelLayout): string {
  const noise = layout.noise.spec;
  const hetero = noise.kind === 'heteroscedastic';
  const sigma = hetero
    ? `softplus(act[(s * chunk.nCount + n) * LAST + D + d]) + ${f32Literal(noise.minScale)}`
    : 'scales[s]';
  const linked = hetero && layout.noise.link === 'sigma2' ? 'sigma * sigma' : 'sigma';
  return `
const D: u32 = ${layout.outputDim}u;
const LAST: u32 = ${layout.lastUnitsPadded}u;
const Y_MEAN: u32 = ${layout.yMeanOffset}u;
const Y_STD: u32 = ${layout.yStdOffset}u;

fn f_of(s: u32, n: u32, d: u32) -> f32 {
  return params[Y_MEAN + d] + params[Y_STD + d] * act[(s * chunk.nCount + n) * LAST + d];
}

fn scale_of(s: u32, n: u32, d: u32) -> f32 {
  let sigma = ${sigma};
  return params[Y_STD + d] * ${linked};
}
`;
}

function outputBindings(layout: ModelLayout): TypedBinding[] {
  return [readArray('params'), readArray('act'), ...(isHetero(layout) ? [] : [readArray('scales')])];
}

/**
 * Moments of f and the noise variance per (n, d), merged over sample chunks. `storeSamples` also
 * writes each sample's f and scale (for returnSamples and quantiles); `drawObservations` also a
 * draw of y = f + scale * eps per sample (Pyro's Predictive 'obs'), eps from the observation
 * stream at element (global input) * D + d, so it depends on neither chunking nor kernel.
 */
export function momentsKernel(layout: ModelLayout, storeSamples: boolean, drawObservations = false): Kernel {
  const bindings = [
    chunkBinding,
    ...outputBindings(layout),
    writeArray('acc'),
    ...(storeSamples ? [writeArray('f_out'), writeArray('scale_out')] : []),
    ...(drawObservations ? [writeArray('y_out')] : []),
  ];
  const source = `
${kernelPrelude}
${mathWgsl}
${drawObservations ? `${randomWgsl}\nconst STREAM_OBSERVATION: u32 = ${STREAM_OBSERVATION}u;` : ''}
${bindingDeclarations(bindings)}
${outputsWgsl(layout)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= chunk.nCount * D) {
    return;
  }
  let n = idx / D;
  let d = idx % D;
  var mean = 0.0;
  var m2 = 0.0;
  var mean_var = 0.0;
  for (var s = 0u; s < chunk.sampleCount; s++) {
    let f = f_of(s, n, d);
    let sc = scale_of(s, n, d);
    let count = f32(s + 1u);
    let delta = f - mean;
    mean = mean + delta / count;
    m2 = m2 + delta * (f - mean);
    mean_var = mean_var + (sc * sc - mean_var) / count;
${storeSamples ? '    f_out[(s * chunk.nCount + n) * D + d] = f;\n    scale_out[(s * chunk.nCount + n) * D + d] = sc;' : ''}
${drawObservations ? '    let e = (chunk.nOffset + n) * D + d;\n    y_out[(s * chunk.nCount + n) * D + d] = f + sc * normals4(e / 4u, chunk.sampleOffset + s, STREAM_OBSERVATION, seed_key())[e % 4u];' : ''}
  }
  let a = idx * 3u;
  if (chunk.samplesBefore == 0u) {
    acc[a] = mean;
    acc[a + 1u] = m2;
    acc[a + 2u] = mean_var;
    return;
  }
  // Chan, Golub & LeVeque pairwise merge of (count, mean, M2).
  let na = f32(chunk.samplesBefore);
  let nb = f32(chunk.sampleCount);
  let total = na + nb;
  let delta = mean - acc[a];
  acc[a] = acc[a] + delta * (nb / total);
  acc[a + 1u] = acc[a + 1u] + m2 + delta * delta * (na * nb / total);
  acc[a + 2u] = acc[a + 2u] + (mean_var - acc[a + 2u]) * (nb / total);
}
`;
  return {
    name: 'moments',
    cacheKey: `moments|${layoutKey(layout)}|${storeSamples}|${drawObservations}`,
    source,
    bindings: untyped(bindings),
  };
}

export function loglikKernel(layout: ModelLayout): Kernel {
  const bindings = [chunkBinding, ...outputBindings(layout), readArray('y'), writeArray('ll')];
  const source = `
${kernelPrelude}
${mathWgsl}
${bindingDeclarations(bindings)}
${outputsWgsl(layout)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${flatParams}) {
  let t = flat_index(gid, groups);
  let s = t / chunk.nCount;
  let n = t % chunk.nCount;
  if (s >= chunk.sampleCount) {
    return;
  }
  var total = 0.0;
  for (var d = 0u; d < D; d++) {
    total = total + normal_log_pdf(y[n * D + d], f_of(s, n, d), scale_of(s, n, d));
  }
  ll[s * chunk.nCount + n] = total;
}
`;
  return { name: 'loglik', cacheKey: `loglik|${layoutKey(layout)}`, source, bindings: untyped(bindings) };
}

export function lpdKernel(): Kernel {
  const bindings = [chunkBinding, readArray('ll'), writeArray('lpd_acc')];
  const source = `
${kernelPrelude}
${bindingDeclarations(bindings)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= chunk.nCount) {
    return;
  }
  // Online logsumexp: (m, sum) with sum = sum_s exp(v_s - m).
  var m = ${NEG_MAX};
  var sum = 0.0;
  for (var s = 0u; s < chunk.sampleCount; s++) {
    let v = ll[s * chunk.nCount + n];
    if (v > m) {
      sum = sum * exp(m - v) + 1.0;
      m = v;
    } else {
      sum = sum + exp(v - m);
    }
  }
  if (chunk.samplesBefore > 0u) {
    let ma = lpd_acc[2u * n];
    let sa = lpd_acc[2u * n + 1u];
    let mm = max(ma, m);
    sum = sa * exp(ma - mm) + sum * exp(m - mm);
    m = mm;
  }
  lpd_acc[2u * n] = m;
  lpd_acc[2u * n + 1u] = sum;
}
`;
  return { name: 'lpd', cacheKey: 'lpd', source, bindings: untyped(bindings) };
}

export function sampleLoglikKernel(): Kernel {
  const bindings = [chunkBinding, readArray('ll'), writeArray('sample_ll')];
  const source = `
${kernelPrelude}
${bindingDeclarations(bindings)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= chunk.sampleCount) {
    return;
  }
  var total = 0.0;
  for (var n = 0u; n < chunk.nCount; n++) {
    total = total + ll[s * chunk.nCount + n];
  }
  let g = chunk.sampleOffset + s;
  sample_ll[g] = select(sample_ll[g] + total, total, chunk.nOffset == 0u);
}
`;
  return { name: 'sample_loglik', cacheKey: 'sample_loglik', source, bindings: untyped(bindings) };
}

export function finalizeKernel(layout: ModelLayout, withLpd: boolean): Kernel {
  const bindings = [chunkBinding, readArray('acc'), ...(withLpd ? [readArray('lpd_acc')] : []), writeArray('stats')];
  const source = `
${kernelPrelude}
${bindingDeclarations(bindings)}
const D: u32 = ${layout.outputDim}u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= chunk.nCount * D) {
    return;
  }
  let plane = chunk.totalInputs * D;
  let at = chunk.nOffset * D + idx;
  let mean = acc[3u * idx];
  let epistemic = sqrt(max(acc[3u * idx + 1u] / f32(chunk.totalSamples), 0.0));
  let aleatoric = sqrt(max(acc[3u * idx + 2u], 0.0));
  let total = sqrt(epistemic * epistemic + aleatoric * aleatoric);
  stats[at] = mean;
  stats[plane + at] = total;
  stats[2u * plane + at] = epistemic;
  stats[3u * plane + at] = aleatoric;
  stats[4u * plane + at] = mean - chunk.intervalZ * total;
  stats[5u * plane + at] = mean + chunk.intervalZ * total;
${
  withLpd
    ? `  if (idx % D == 0u) {
    let n = idx / D;
    stats[6u * plane + chunk.nOffset + n] = lpd_acc[2u * n] + log(lpd_acc[2u * n + 1u]) - log(f32(chunk.totalSamples));
  }`
    : ''
}
}
`;
  return { name: 'finalize', cacheKey: `finalize|${layout.outputDim}|${withLpd}`, source, bindings: untyped(bindings) };
}

function layoutKey(layout: ModelLayout): string {
  const noise = layout.noise.spec;
  return [layout.outputDim, layout.lastUnits, layout.yMeanOffset, layout.yStdOffset, noise.kind, layout.noise.link, noise.kind === 'heteroscedastic' ? noise.minScale : ''].join(',');
}
