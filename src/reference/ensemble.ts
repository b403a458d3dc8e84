/**
 * The oracle of an ensemble engine (src/infer/engine.ts): S samples split evenly over the M
 * members, member m drawing on memberKey(seed, m), a member without randomness evaluated once and
 * repeated for its S/M samples; the statistics then computed from all S samples together, as one
 * sample set (not by merging the members' statistics as the engine does), so the two check each
 * other.
 */
import { InvalidInputError } from '../errors.js';
import { DEFAULT_SAMPLES, resolveEnsemblePath, resolvePredictOptions } from '../infer/predict-options.js';
import type { PredictOptions } from '../infer/types.js';
import { likelihoodKind, targetDim, type Model } from '../model/spec.js';
import { checkTargets } from '../infer/targets.js';
import { isDeterministic } from '../model/deterministic.js';
import { oracleSamples, readInputs, readTargets, type OracleInput } from './forward.js';
import { classifierPredictive, predictiveFromSamples, type OraclePredictResult } from './predict.js';

export function oracleEnsemblePredict(members: readonly Model[], x: OracleInput, opts: PredictOptions = {}): OraclePredictResult {
  const M = members.length;
  const o = resolvePredictOptions(opts);
  const deterministic = members.map((m) => isDeterministic(m.spec));
  const S = opts.samples === undefined ? (deterministic.every(Boolean) ? M : Math.ceil(DEFAULT_SAMPLES / M) * M) : o.samples;
  if (S % M !== 0) throw new InvalidInputError(`samples must be a multiple of the ensemble's ${M} members, got ${S}`);
  const per = S / M;
  const path = resolveEnsemblePath(inputRows(members, x), o);
  let N = 0;
  let D = 0;
  let f = new Float64Array(0);
  let scale = new Float64Array(0);
  let ys = new Float64Array(0);
  members.forEach((model, m) => {
    // With returnSamples every member draws its own y per sample, so none is evaluated only once.
    const once = deterministic[m] === true && !o.returnSamples;
    const drawn = oracleSamples(model, x, { samples: once ? 1 : per, seed: o.seed, path, member: m });
    if (m === 0) {
      N = drawn.n;
      D = drawn.outputDim;
      f = new Float64Array(S * N * D);
      scale = new Float64Array(S * N * D);
      ys = new Float64Array(S * N * targetDim(model.spec));
    }
    const size = N * D;
    for (let s = 0; s < per; s++) {
      const from = drawn.samples === per ? s : 0;
      f.set(drawn.f.subarray(from * size, (from + 1) * size), (m * per + s) * size);
      scale.set(drawn.scale.subarray(from * size, (from + 1) * size), (m * per + s) * size);
      const ySize = N * targetDim(model.spec);
      ys.set(drawn.y.subarray(from * ySize, (from + 1) * ySize), (m * per + s) * ySize);
    }
  });
  const first = members[0] as Model;
  const kind = likelihoodKind(first.spec.likelihood);
  const y = opts.y === undefined ? null : readTargets(opts.y, N, targetDim(first.spec));
  if (y) checkTargets(kind, y, D);
  if (kind === 'categorical' || kind === 'bernoulli') return classifierPredictive(kind, f, S, N, D, y, { ...o, samples: S }, path, ys);
  if (kind !== 'normal') throw new InvalidInputError(`an ensemble of '${kind}' models is not predicted yet (normal and classifier ensembles are)`);
  return predictiveFromSamples({ f, scale, y: ys, S, N, D }, y, { ...o, samples: S }, path);
}

/** N, read from x by the first member (an ensemble's members share the input dimension). */
function inputRows(members: readonly Model[], x: OracleInput): number {
  const first = members[0];
  if (!first) throw new InvalidInputError('an ensemble needs at least one member');
  return readInputs(first.spec, x).rows;
}
