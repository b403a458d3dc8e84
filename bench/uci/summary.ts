/**
 * The summary of a UCI run: test RMSE and test log-likelihood as mean ± standard error over the
 * splits (standard error = population std / sqrt(splits), as the published tables compute it:
 * numpy's std / sqrt(n_splits)), the JSON document, and text / markdown tables beside the
 * published columns.
 */
import type { AdapterDescription } from '../../src/gpu/device.js';
import type { SamplerOptions } from '../../src/objective/types.js';
import type { UciRun, UciSettings, UciSplitResult, UciTiming } from './protocol.js';
import type { MeanSe, PublishedColumn } from './published.js';
import type { HyperPoint } from './methods.js';

export interface UciSummary {
  readonly rmse: MeanSe;
  readonly ll: MeanSe;
  readonly splits: readonly UciSplitResult[];
  readonly dataset: string;
  readonly method: UciSettings['method'];
  readonly settings: UciSettings;
  readonly timing: UciTiming;
  readonly adapter: AdapterDescription | null;
  /** The published columns for this data set (bench/uci/PROTOCOL.md), or null. */
  readonly published: readonly PublishedColumn[] | null;
  /** The files this summary was merged from (merge.ts); absent for a single run. */
  readonly mergedFrom?: readonly string[];
}

/** Mean and standard error (population std / sqrt(n)). */
export function meanSe(values: readonly number[]): MeanSe {
  const n = values.length;
  if (n === 0) return { mean: NaN, se: NaN };
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return { mean, se: Math.sqrt(variance) / Math.sqrt(n) };
}

export function summarize(run: UciRun, adapter: AdapterDescription | null, published: readonly PublishedColumn[] | null): UciSummary {
  return {
    rmse: meanSe(run.splits.map((s) => s.rmse)),
    ll: meanSe(run.splits.map((s) => s.ll)),
    splits: run.splits,
    dataset: run.dataset,
    method: run.settings.method,
    settings: run.settings,
    timing: run.timing,
    adapter,
    published,
  };
}

/** JSON text of the summary (non-finite numbers become null, as JSON has no NaN). */
export function summaryJson(summary: UciSummary): string {
  return JSON.stringify(summary, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

export function formatMeanSe(v: MeanSe | null, digits = 2): string {
  return v ? `${fixed(v.mean, digits)} ± ${fixed(v.se, digits)}` : '—';
}

export function formatPoint(p: HyperPoint): string {
  const parts: string[] = [];
  if (p.dropout !== undefined) parts.push(`p=${p.dropout}`);
  if (p.tau !== undefined) parts.push(`tau=${p.tau}`);
  if (p.priorScale !== undefined) parts.push(`prior scale=${p.priorScale}`);
  if (p.lr !== undefined) parts.push(`lr=${p.lr}`);
  if (p.epochs !== undefined) parts.push(`${p.epochs} epochs`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

/**
 * The method and its variant, as summaries, file names and tables name it: 'vi', 'vi heteroscedastic',
 * 'ensemble mixture' (scored by the mixture density rather than the paper's moment-matched normal).
 */
export function methodLabel(s: Pick<UciSummary, 'method' | 'settings'>): string {
  const lp = s.settings.laplace;
  const sampler = s.settings.hmc?.algorithm === 'nuts' ? `${s.method} nuts` : s.method;
  const laplace = lp ? [s.method, ...(lp.structure === 'last-layer' ? [] : [lp.structure]), ...(lp.predictive === 'linearized' ? ['linearized'] : [])].join(' ') : sampler;
  const base = s.settings.ensembleDensity === 'mixture' ? `${laplace} mixture` : laplace;
  const started = s.settings.warmStart === true ? `${base} warm-start` : base;
  const head = s.settings.heteroscedastic === true ? `${started} heteroscedastic` : started;
  return s.settings.betaNll === undefined ? head : `${head} beta-nll ${s.settings.betaNll}`;
}

/** Rows of the comparison: ours first, then the published columns. */
function comparisonRows(s: UciSummary): [string, string, string][] {
  const ours: [string, string, string] = [`ours (${methodLabel(s)}, ${s.splits.length} split${s.splits.length === 1 ? '' : 's'})`, formatMeanSe(s.rmse, 3), formatMeanSe(s.ll, 3)];
  return [ours, ...(s.published ?? []).map((c): [string, string, string] => [c.column, formatMeanSe(c.rmse), formatMeanSe(c.ll)])];
}

/** The run's epochs, or each grid point's where the grid searches them ('40/400'). */
export function epochsLabel(s: UciSettings): string {
  // Files written by hand or by older versions may lack the grid.
  const grid: readonly HyperPoint[] = Array.isArray(s.grid) ? s.grid : [];
  const perPoint = [...new Set(grid.flatMap((p) => (p.epochs === undefined ? [] : [p.epochs])))].sort((a, b) => a - b);
  return perPoint.length > 0 ? perPoint.join('/') : String(s.epochs);
}

/** 'sgmcmc''s sampler in a summary: kind, cycles and samples (the step size is printed as the rate). */
function describeSampler(sampler: SamplerOptions): string {
  const kind = (sampler.kind ?? 'sghmc').toUpperCase();
  const cycles = sampler.cycles ? `${sampler.cycles} cycles, ${sampler.samplesPerCycle ?? 3} samples each` : 'constant step';
  return `${kind} (${cycles}) step size`;
}

export function describeSettings(s: UciSettings): string {
  const grid =
    s.grid.length > 1
      ? `${s.grid.length}-point grid (${s.grid.map(formatPoint).join('; ')}) searched on the last ${s.validationFraction * 100}% of each training part`
      : `no grid (${formatPoint(s.grid[0] ?? {})})`;
  const h = s.hmc;
  if (h) {
    return (
      `${s.inputDim}-${s.hidden.join('-')}-1 ${s.activation}, HMC: ${h.chains ?? 4} chains, each after ${s.epochs} full-batch Adam steps (lr ${s.lr}), ` +
      `${h.warmup ?? 200} warm-up transitions, ${h.samples ?? 200} samples kept every ${h.thin ?? 1} transitions ` +
      `${h.algorithm === 'nuts' ? `of NUTS (tree depth at most ${h.maxTreeDepth ?? 10})` : `of ${h.leapfrogSteps ?? 20} leapfrog steps`}, ` +
      `scored as the mixture of the ${(h.chains ?? 4) * (h.samples ?? 200)} sampled networks, seed ${s.seed}; ${grid}`
    );
  }
  return (
    `${s.inputDim}-${s.hidden.join('-')}-1 ${s.activation}${s.members > 1 ? `, ${s.members} members` : ''}${s.ensembleDensity ? ` scored as the ${s.ensembleDensity} density` : ''}${s.adversarialEpsilon ? `, adversarial training at ${s.adversarialEpsilon} x the input range` : ''}${s.heteroscedastic ? ', heteroscedastic noise head' : ''}${s.betaNll === undefined ? '' : `, beta-NLL (beta ${s.betaNll})`}${s.laplace ? `, Laplace ${s.laplace.structure} around the MAP (prior precision and noise tuned by the marginal likelihood${s.laplace.predictive === 'linearized' ? '; scored by the linearised predictive' : s.laplace.structure !== 'diagonal' ? `; ${s.laplace.samples} draws scored as their mixture` : ''})` : ''}, ` +
    `${epochsLabel(s)} epochs, batch ${s.batchSize}, ${s.sampler ? describeSampler(s.sampler) : 'Adam'}${s.grid.some((p) => p.lr !== undefined) ? '' : ` lr ${s.lr}`}${s.schedule === 'cosine' ? ' (cosine schedule)' : ''}, T = ${s.samples} predictive samples` +
    `${s.validationSamples !== s.samples ? ` (${s.validationSamples} on validation)` : ''}, seed ${s.seed}; ${grid}`
  );
}

/** What a merged summary is (merge.ts). */
function mergedNote(files: readonly string[]): string {
  return (
    `Merged from ${files.join(', ')}: runs that searched the same grid at different learning rates. Each rate trains in its own ` +
    'calls keyed by the rate, so these are the choices and test scores of one run searching all the rates.'
  );
}

/** Plain-text report: the comparison table and the timing. */
export function summaryText(s: UciSummary, adapterLine: string): string {
  const rows = comparisonRows(s);
  const w0 = Math.max(...rows.map((r) => r[0].length), 'method'.length);
  const w1 = Math.max(...rows.map((r) => r[1].length), 'test RMSE'.length);
  const lines = [
    `data set: ${s.dataset} (${s.splits.length} split${s.splits.length === 1 ? '' : 's'})`,
    `settings: ${describeSettings(s.settings)}`,
    '',
    `${'method'.padEnd(w0)}  ${'test RMSE'.padEnd(w1)}  test log-likelihood`,
    `${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(19)}`,
    ...rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`),
  ];
  if (s.published === null) lines.push('(no published columns: no row for this data set in PROTOCOL.md, next to the folder or bench/uci/PROTOCOL.md)');
  const calls = s.timing.trainCalls;
  lines.push(
    '',
    `wall time: ${seconds(s.timing.wallMs)} (training ${seconds(s.timing.trainMs)} in ${calls.length} train() call${calls.length === 1 ? '' : 's'}: ` +
      `${calls.map((c) => `${c.phase} ${c.models} models x ${c.epochs} epochs ${seconds(c.ms)}`).join(', ')}; scoring ${seconds(s.timing.scoreMs)})`,
    `adapter: ${adapterLine}`,
  );
  if (s.mergedFrom) lines.push(mergedNote(s.mergedFrom), "wall time: the sum of the merged runs'");
  return lines.join('\n') + '\n';
}

/** Markdown report: settings, the comparison, per-split results and the timing. */
export function summaryMarkdown(s: UciSummary, adapterLine: string, command: string | null): string {
  const out = [
    `# UCI ${s.dataset}: ${methodLabel(s)}`,
    '',
    `Settings: ${describeSettings(s.settings)}.`,
    '',
    '| method | test RMSE | test log-likelihood |',
    '|---|---|---|',
    ...comparisonRows(s).map((r) => `| ${r.join(' | ')} |`),
    '',
    'Ours: mean ± standard error (population std / sqrt(splits)) over the splits below; published: bench/uci/PROTOCOL.md.',
    '',
    '| split | train rows | test rows | chosen | test RMSE | test LL |',
    '|---|---|---|---|---|---|',
    ...s.splits.map((r) => `| ${r.split} | ${r.trainRows} | ${r.testRows} | ${formatPoint(r.chosen)} | ${fixed(r.rmse, 4)} | ${fixed(r.ll, 4)} |`),
    '',
    `Wall time ${seconds(s.timing.wallMs)} (training ${seconds(s.timing.trainMs)} in ${s.timing.trainCalls.length} train() calls, scoring ${seconds(s.timing.scoreMs)}) on ${adapterLine}${s.mergedFrom ? `: the sum of the ${s.mergedFrom.length} merged runs'` : ''}.`,
  ];
  if (s.mergedFrom) out.push('', mergedNote(s.mergedFrom));
  if (command) out.push('', `Command: \`${command}\``);
  return out.join('\n') + '\n';
}
