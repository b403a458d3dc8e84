/** What the commands print: prediction tables and JSON, score tables and model summaries. */
import { describeSigmaPrior } from '../model/sigma-prior.js';
import type { AdapterDescription } from '../gpu/device.js';
import type { PredictResult, ScoreResult } from '../infer/types.js';
import { layerInputs, normalLikelihood, outputDim, scaleLikelihood, sigmaIsLatent, type LikelihoodSpec, type Model, type NoiseSpec } from '../model/spec.js';
import { float32List, float32Number, formatNumber, renderFields, renderTable, type Column } from './format.js';
import type { NumericTable } from './matrix-file.js';

/** Most x columns shown in a prediction table. */
const MAX_X_COLUMNS = 3;

/** 0.9 -> '90%', 0.999 -> '99.9%'. */
export function formatLevel(level: number): string {
  return `${Number((level * 100).toPrecision(6))}%`;
}

/** Most class probabilities shown as columns of a classifier's table; past it, the most probable class and its probability. */
const MAX_PROB_COLUMNS = 10;

/**
 * A classifier's table, one row per input: the first x columns, the mean probability of each class
 * (bernoulli: P(y_d = 1) per output; past MAX_PROB_COLUMNS the most probable class and its
 * probability), the predicted class (categorical), the entropy split into expected entropy
 * (aleatoric) and mutual information (epistemic), the variation ratio and, with y, the lpd.
 */
function classifierTable(x: NumericTable, r: PredictResult, probs: Float32Array): string {
  const D = r.outputDim;
  const categorical = r.likelihood === 'categorical';
  const shownX = Math.min(x.cols, MAX_X_COLUMNS);
  const xTitle = (c: number) => x.header?.[c] ?? (x.cols === 1 ? 'x' : `x${c}`);
  const each = D <= MAX_PROB_COLUMNS;
  const lpd = r.logPredictiveDensity;
  const columns: Column[] = [
    { title: '#' },
    ...Array.from({ length: shownX }, (_, c) => ({ title: xTitle(c) })),
    ...(x.cols > shownX ? [{ title: '...', align: 'left' as const }] : []),
    ...(each ? Array.from({ length: D }, (_, d) => ({ title: categorical ? `p(${d})` : `p(y${D > 1 ? d : ''}=1)` })) : [{ title: 'p(class)' }]),
    ...(categorical ? [{ title: 'class' }] : []),
    { title: 'entropy' },
    { title: 'aleatoric (E[H])' },
    { title: 'epistemic (MI)' },
    { title: 'variation ratio' },
    ...(lpd ? [{ title: 'log pred. density' }] : []),
  ];
  const rows = Array.from({ length: r.n }, (_, n) => {
    const row = probs.subarray(n * D, (n + 1) * D);
    let best = 0;
    row.forEach((p, d) => {
      if (p > (row[best] as number)) best = d;
    });
    return [
      String(n),
      ...Array.from({ length: shownX }, (_, c) => formatNumber(x.data[n * x.cols + c] ?? NaN)),
      ...(x.cols > shownX ? [''] : []),
      ...(each ? Array.from(row, (p) => formatNumber(p)) : [formatNumber(row[best] ?? NaN)]),
      ...(categorical ? [String(best)] : []),
      formatNumber(r.entropy?.[n] ?? NaN),
      formatNumber(r.expectedEntropy?.[n] ?? NaN),
      formatNumber(r.mutualInformation?.[n] ?? NaN),
      formatNumber(r.variationRatio?.[n] ?? NaN),
      ...(lpd ? [formatNumber(lpd[n] ?? NaN)] : []),
    ];
  });
  return renderTable(columns, rows);
}

/** One row per input (and output, when D > 1): index, the first x columns, mean, std, epistemic, aleatoric, interval, lpd (a classifier: classifierTable). */
export function predictionTable(x: NumericTable, r: PredictResult): string {
  if (r.probs) return classifierTable(x, r, r.probs);
  const D = r.outputDim;
  const shownX = Math.min(x.cols, MAX_X_COLUMNS);
  const xTitle = (c: number) => x.header?.[c] ?? (x.cols === 1 ? 'x' : `x${c}`);
  const level = formatLevel(r.intervalLevel);
  const lpd = r.logPredictiveDensity;
  const columns: Column[] = [
    { title: '#' },
    ...Array.from({ length: shownX }, (_, c) => ({ title: xTitle(c) })),
    ...(x.cols > shownX ? [{ title: '...', align: 'left' as const }] : []),
    ...(D > 1 ? [{ title: 'out' }] : []),
    { title: 'mean' },
    { title: 'std' },
    { title: 'epistemic' },
    { title: 'aleatoric' },
    { title: `${level} lower` },
    { title: `${level} upper` },
    ...(lpd ? [{ title: 'log pred. density' }] : []),
    ...(r.quantileLevels ?? []).map((q) => ({ title: `q ${formatLevel(q)}` })),
  ];
  const rows: string[][] = [];
  for (let n = 0; n < r.n; n++) {
    for (let d = 0; d < D; d++) {
      const k = n * D + d;
      const first = d === 0;
      rows.push([
        first ? String(n) : '',
        ...Array.from({ length: shownX }, (_, c) => (first ? formatNumber(x.data[n * x.cols + c] ?? NaN) : '')),
        ...(x.cols > shownX ? [''] : []),
        ...(D > 1 ? [String(d)] : []),
        formatNumber(r.mean[k] ?? NaN),
        formatNumber(r.std[k] ?? NaN),
        formatNumber(r.epistemicStd[k] ?? NaN),
        formatNumber(r.aleatoricStd[k] ?? NaN),
        formatNumber(r.lower[k] ?? NaN),
        formatNumber(r.upper[k] ?? NaN),
        ...(lpd ? [first ? formatNumber(lpd[n] ?? NaN) : ''] : []),
        ...(r.quantileLevels ?? []).map((_, q) => formatNumber(r.quantiles?.[q * r.n * D + k] ?? NaN)),
      ]);
    }
  }
  return renderTable(columns, rows);
}

/** Mean of the per-input log predictive densities (the usual test-set summary). */
export function meanLogPredictiveDensity(r: PredictResult): number | null {
  const lpd = r.logPredictiveDensity;
  if (!lpd || lpd.length === 0) return null;
  let sum = 0;
  for (const v of lpd) sum += v;
  return sum / lpd.length;
}

export interface PredictRun {
  readonly model: string;
  readonly adapter: AdapterDescription;
  readonly seed: number;
  readonly path: string;
  readonly kernel: string;
  readonly predictMs: number;
}

/** Samples x inputs per second of one predict call. */
export function throughput(samples: number, inputs: number, ms: number): number {
  return (samples * inputs) / (ms / 1000);
}

/** A flat [N, D] array as N rows of D numbers. */
function rowsOf(values: ArrayLike<number>, D: number): number[][] {
  const list = float32List(values);
  return Array.from({ length: list.length / D }, (_, n) => list.slice(n * D, (n + 1) * D));
}

/** A number for JSON, null when it is not finite (an empty calibration bin's NaN mean). */
function jsonNumber(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * A classifier's fields of `predict --json`: probs and probsStd as N rows, the per-input entropies,
 * mutual information and variation ratio, and with y the metrics (the calibration bins' empty
 * means are null).
 */
function classifierJson(r: PredictResult) {
  if (!r.probs) return {};
  const m = r.metrics;
  return {
    likelihood: r.likelihood,
    probs: rowsOf(r.probs, r.outputDim),
    probsStd: rowsOf(r.probsStd ?? [], r.outputDim),
    entropy: float32List(r.entropy ?? []),
    expectedEntropy: float32List(r.expectedEntropy ?? []),
    mutualInformation: float32List(r.mutualInformation ?? []),
    variationRatio: float32List(r.variationRatio ?? []),
    ...(m
      ? {
          metrics: {
            accuracy: m.accuracy,
            nll: m.nll,
            brier: m.brier,
            ece: m.ece,
            calibration: m.calibration.map((b) => ({ ...b, confidence: jsonNumber(b.confidence), accuracy: jsonNumber(b.accuracy) })),
          },
        }
      : {}),
  };
}

/** The JSON document of `predict --json`: every result array (flat, row-major [N, D]) plus timing and adapter; a classifier's fields (classifierJson) too. */
export function predictionJson(r: PredictResult, run: PredictRun): string {
  const lpd = r.logPredictiveDensity;
  const doc = {
    ...classifierJson(r),
    model: run.model,
    adapter: run.adapter,
    n: r.n,
    outputDim: r.outputDim,
    samples: r.samples,
    seed: run.seed,
    path: run.path,
    kernel: run.kernel,
    kernels: r.kernels ?? null,
    intervalLevel: r.intervalLevel,
    mean: float32List(r.mean),
    std: float32List(r.std),
    epistemicStd: float32List(r.epistemicStd),
    aleatoricStd: float32List(r.aleatoricStd),
    lower: float32List(r.lower),
    upper: float32List(r.upper),
    ...(lpd
      ? {
          logPredictiveDensity: float32List(lpd),
          meanLogPredictiveDensity: meanLogPredictiveDensity(r),
          sampleLogLikelihood: float32List(r.sampleLogLikelihood ?? []),
        }
      : {}),
    ...(r.quantiles ? { quantileLevels: r.quantileLevels, quantiles: float32List(r.quantiles) } : {}),
    timing: {
      predictMs: run.predictMs,
      sampleInputsPerSecond: throughput(r.samples, r.n, run.predictMs),
    },
  };
  return JSON.stringify(doc) + '\n';
}

/**
 * `predict --output csv`: a header, then one line per input with its x columns and, per output d
 * (suffix _d when D > 1), mean, std, epistemic_std, aleatoric_std, lower, upper, q<level>...; with y
 * a log_predictive_density column. Numbers are the shortest decimals of the float32 results.
 */
export function predictionCsv(x: NumericTable, r: PredictResult): string {
  if (r.probs) return classifierCsv(x, r, r.probs);
  const D = r.outputDim;
  const xNames = Array.from({ length: x.cols }, (_, c) => csvField(x.header?.[c] ?? (x.cols === 1 ? 'x' : `x${c}`)));
  const suffix = (d: number) => (D > 1 ? `_${d}` : '');
  const stats = ['mean', 'std', 'epistemic_std', 'aleatoric_std', 'lower', 'upper'] as const;
  const arrays = [r.mean, r.std, r.epistemicStd, r.aleatoricStd, r.lower, r.upper];
  const levels = r.quantileLevels ?? [];
  const header = [
    ...xNames,
    ...Array.from({ length: D }, (_, d) => [...stats.map((s) => `${s}${suffix(d)}`), ...levels.map((q) => `q${q}${suffix(d)}`)]).flat(),
    ...(r.logPredictiveDensity ? ['log_predictive_density'] : []),
  ];
  const lines = [header.join(',')];
  for (let n = 0; n < r.n; n++) {
    const cells = Array.from({ length: x.cols }, (_, c) => String(x.data[n * x.cols + c] ?? NaN));
    for (let d = 0; d < D; d++) {
      const k = n * D + d;
      cells.push(...arrays.map((a) => String(float32Number(a[k] ?? NaN))));
      cells.push(...levels.map((_, q) => String(float32Number(r.quantiles?.[q * r.n * D + k] ?? NaN))));
    }
    if (r.logPredictiveDensity) cells.push(String(float32Number(r.logPredictiveDensity[n] ?? NaN)));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * A classifier's `predict --output csv`: per input its x columns, p_d and p_std_d per class (or
 * output), entropy, expected_entropy, mutual_information, variation_ratio and, with y,
 * log_predictive_density.
 */
function classifierCsv(x: NumericTable, r: PredictResult, probs: Float32Array): string {
  const D = r.outputDim;
  const xNames = Array.from({ length: x.cols }, (_, c) => csvField(x.header?.[c] ?? (x.cols === 1 ? 'x' : `x${c}`)));
  const perInput = [r.entropy, r.expectedEntropy, r.mutualInformation, r.variationRatio, r.logPredictiveDensity];
  const header = [
    ...xNames,
    ...Array.from({ length: D }, (_, d) => `p_${d}`),
    ...Array.from({ length: D }, (_, d) => `p_std_${d}`),
    'entropy',
    'expected_entropy',
    'mutual_information',
    'variation_ratio',
    ...(r.logPredictiveDensity ? ['log_predictive_density'] : []),
  ];
  const lines = [header.join(',')];
  const num = (v: number | undefined) => String(float32Number(v ?? NaN));
  for (let n = 0; n < r.n; n++) {
    const cells = Array.from({ length: x.cols }, (_, c) => String(x.data[n * x.cols + c] ?? NaN));
    for (let d = 0; d < D; d++) cells.push(num(probs[n * D + d]));
    for (let d = 0; d < D; d++) cells.push(num(r.probsStd?.[n * D + d]));
    for (const a of perInput) if (a) cells.push(num(a[n]));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** A CSV field, quoted when it holds a comma, quote or line break. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `score --json`: exactly {"sites": {...}, "log_joint": number}. */
export function scoreJson(s: ScoreResult): string {
  return JSON.stringify({ sites: s.sites, log_joint: s.logJoint }) + '\n';
}

export function scoreTable(s: ScoreResult): string {
  const rows = Object.entries(s.sites).map(([site, lp]) => [site, site === 'obs' ? 'likelihood' : 'prior', formatNumber(lp)]);
  rows.push(['log joint', '', formatNumber(s.logJoint)]);
  return renderTable([{ title: 'site', align: 'left' }, { title: 'term', align: 'left' }, { title: 'log prob' }], rows);
}

/** '1 -> 32 relu -> 32 relu -> 1' */
export function architecture(model: Model): string {
  const { spec } = model;
  const last = spec.layers.length - 1;
  const parts = spec.layers.map((layer, l) => {
    const extras = [
      l === last && layer.activation === 'identity' ? '' : layer.activation,
      layer.batchNorm ? 'batchnorm' : '',
      layer.dropout > 0 ? `dropout ${layer.dropout} on input` : '',
    ].filter((s) => s !== '');
    return extras.length > 0 ? `${layer.units} ${extras.join(', ')}` : String(layer.units);
  });
  return [String(spec.inputDim), ...parts].join(' -> ');
}

function describeNoise(noise: NoiseSpec): string {
  switch (noise.kind) {
    case 'fixed':
      return `fixed sigma = ${noise.sigma}`;
    case 'lognormal':
      return `latent sigma (site '${noise.site}'), LogNormal posterior`;
    case 'gamma':
      return `latent sigma (site '${noise.site}'), Gamma posterior`;
    case 'logitnormal':
      return `latent sigma (site '${noise.site}') in (${noise.low}, ${noise.high}), logit-normal posterior (sigma = low + (high - low) sigmoid(u))`;
    case 'heteroscedastic':
      return `heteroscedastic: sigma = softplus(second half of the last layer) + ${noise.minScale}`;
  }
}

/** Counts: latent elements (weights, biases, sigma) and stored values (all tensors). */
export function parameterCounts(model: Model): { network: number; latent: number; stored: number } {
  const { spec } = model;
  let network = 0;
  spec.layers.forEach((layer, l) => {
    network += layer.units * layerInputs(spec, l) + layer.units;
  });
  let stored = 0;
  for (const t of model.tensors.values()) stored += t.data.length;
  return { network, latent: network + (sigmaIsLatent(spec) ? 1 : 0), stored };
}

/** The observation model in words, for `info`. */
export function describeLikelihood(likelihood: LikelihoodSpec): string {
  switch (likelihood.kind) {
    case undefined:
    case 'normal':
      return `y ~ Normal(f(x), ${(normalLikelihood(likelihood)?.link ?? 'sigma') === 'sigma2' ? 'sigma^2' : 'sigma'})`;
    case 'student-t':
      return `y ~ StudentT(df = ${likelihood.df}, f(x), ${likelihood.link === 'sigma2' ? 'sigma^2' : 'sigma'})`;
    case 'categorical':
      return `y ~ Categorical(softmax(f(x))) over ${likelihood.classes} classes (y a class index 0..${likelihood.classes - 1})`;
    case 'bernoulli':
      return 'y_d ~ Bernoulli(sigmoid(f_d(x))) per output (y_d 0 or 1)';
    case 'beta':
      return `y_d ~ Beta(alpha, beta) in (0, 1), alpha = softplus(f_d) + ${likelihood.minConcentration}, beta = softplus(f_{D+d}) + ${likelihood.minConcentration}`;
    case 'dirichlet':
      return `y ~ Dirichlet(alpha) over ${likelihood.classes} components (rows summing to 1), alpha_k = softplus(f_k) + ${likelihood.minConcentration}`;
    default:
      return `a '${String((likelihood as { kind?: unknown }).kind)}' likelihood`;
  }
}

export function modelInfo(model: Model, source: string): string {
  const { spec } = model;
  const counts = parameterCounts(model);
  const lik = scaleLikelihood(spec.likelihood);
  const fields: [string, string][] = [
    ['model', source],
    ['architecture', architecture(model)],
    ['inputs', String(spec.inputDim)],
    ['outputs', String(outputDim(spec))],
    ...(lik ? [['noise', describeNoise(lik.noise)] as [string, string]] : []),
    ['likelihood', describeLikelihood(spec.likelihood)],
    ...(lik?.sigmaPrior ? [['sigma prior', describeSigmaPrior(lik.sigmaPrior)] as [string, string]] : []),
    ['standardization', spec.standardization ? 'x and y standardised (undone in the outputs)' : 'none'],
    ['parameters', `${counts.network} weights and biases${counts.latent > counts.network ? ' + sigma' : ''}; ${counts.stored} stored values`],
  ];
  const sites = spec.layers.flatMap((layer, l) => {
    const inputs = layerInputs(spec, l);
    return [
      [layer.weight.site, `[${layer.units}, ${inputs}]`, layer.weight.posterior, `Normal(${layer.weight.prior.loc}, ${layer.weight.prior.scale})`],
      [layer.bias.site, `[${layer.units}]`, layer.bias.posterior, `Normal(${layer.bias.prior.loc}, ${layer.bias.prior.scale})`],
    ];
  });
  if (lik && sigmaIsLatent(spec) && 'site' in lik.noise) {
    sites.push([lik.noise.site, '[]', lik.noise.kind, lik.sigmaPrior ? describeSigmaPrior(lik.sigmaPrior) : 'none']);
  }
  const table = renderTable(
    [
      { title: 'site', align: 'left' },
      { title: 'shape', align: 'left' },
      { title: 'posterior', align: 'left' },
      { title: 'prior', align: 'left' },
    ],
    sites,
  );
  return `${renderFields(fields)}\n${table}`;
}

/** `info --json` (of member 0 of an ensemble file, with `ensembleMembers`). */
export function modelInfoJson(model: Model, source: string, ensembleMembers = 1): string {
  const counts = parameterCounts(model);
  return (
    JSON.stringify({
      model: source,
      ...(ensembleMembers > 1 ? { ensembleMembers } : {}),
      architecture: architecture(model),
      inputDim: model.spec.inputDim,
      outputDim: outputDim(model.spec),
      parameters: counts,
      spec: model.spec,
    }) + '\n'
  );
}
