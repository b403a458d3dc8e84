/**
 * The UCI table across runs: one row per data set, for each method our test RMSE and
 * log-likelihood beside the published column that method is judged against, with the verdict.
 *
 * Targets (the training issue): 'mc-dropout' within one published standard error of the "MC dropout
 * 2018 grid" column or better; 'vi' at least as good as the "VI" column (and PBP shown, the column
 * to aim at); 'ensemble' at least as good as the "Deep ensembles" column (means only: that column's
 * ± is on another scale, bench/uci/PROTOCOL.md); 'sgmcmc' (no published column of its own in the
 * table) at least as good as the strongest column, "MC dropout 2018 grid" (issue 16: the best of our
 * methods at or above the best published). 'swag' at least as good as "PBP" (no SWAG column). 'laplace' at least as good as the "VI" column. 'hmc' at least as good as PBP (no HMC column there). 'concrete-dropout' as 'mc-dropout'. "Better" is lower RMSE and higher log-likelihood.
 */
import type { UciMethod } from './methods.js';
import type { MeanSe, PublishedColumn } from './published.js';
import type { UciSummary } from './summary.js';
import { epochsLabel, formatMeanSe, methodLabel } from './summary.js';

export interface Target {
  /** Which published column the method is judged against. */
  readonly column: RegExp;
  /** Slack in published standard errors (1 for MC dropout's "within one standard error"). */
  readonly slackSe: number;
}

export const TARGETS: Readonly<Record<UciMethod, Target>> = {
  'mc-dropout': { column: /2018 grid/i, slackSe: 1 },
  vi: { column: /^VI\b/i, slackSe: 0 },
  ensemble: { column: /ensemble/i, slackSe: 0 },
  // No HMC column is published beside these; the sampler should at least match PBP's.
  hmc: { column: /^PBP\b/i, slackSe: 0 },
  // A Gaussian posterior approximation like VI's: judged against the same column (no Laplace column is published for this protocol).
  laplace: { column: /^VI\b/i, slackSe: 0 },
  sgmcmc: { column: /2018 grid/i, slackSe: 0 },
  // No SWAG column is published for these splits: judged against PBP, the Bayesian baseline beside VI.
  swag: { column: /^PBP\b/i, slackSe: 0 },
  // Concrete dropout learns what MC dropout's grid searches: judged against that grid's column.
  'concrete-dropout': { column: /2018 grid/i, slackSe: 1 },
};

export type Verdict = 'met' | 'missed' | 'no column';

export interface TargetCheck {
  readonly column: string | null;
  readonly rmse: Verdict;
  readonly ll: Verdict;
}

export function findColumn(published: readonly PublishedColumn[] | null, pattern: RegExp): PublishedColumn | null {
  return published?.find((c) => pattern.test(c.column)) ?? null;
}

/** Whether a summary meets its method's target on RMSE and on log-likelihood. */
export function checkTarget(summary: Pick<UciSummary, 'method' | 'rmse' | 'll' | 'published'>): TargetCheck {
  const target = TARGETS[summary.method];
  const column = findColumn(summary.published, target.column);
  const verdict = (ours: MeanSe, theirs: MeanSe | null | undefined, lowerIsBetter: boolean): Verdict => {
    if (!theirs) return 'no column';
    const slack = target.slackSe * theirs.se;
    return (lowerIsBetter ? ours.mean <= theirs.mean + slack : ours.mean >= theirs.mean - slack) ? 'met' : 'missed';
  };
  return { column: column?.column ?? null, rmse: verdict(summary.rmse, column?.rmse, true), ll: verdict(summary.ll, column?.ll, false) };
}

const mark = (v: Verdict) => (v === 'met' ? '✓' : v === 'missed' ? '✗' : '–');

/** Markdown: one table per method, a row per data set (sorted by name). */
export function uciTableMarkdown(summaries: readonly UciSummary[]): string {
  // Variants (the heteroscedastic ones) get their own table, judged against their method's target.
  const methods = [...new Set(summaries.map(methodLabel))];
  const out: string[] = [];
  for (const method of methods) {
    const rows = summaries.filter((s) => methodLabel(s) === method).sort((a, b) => a.dataset.localeCompare(b.dataset));
    out.push(`### ${method}`, '');
    out.push(`| data set | splits | epochs | ours RMSE | target RMSE | | ours LL | target LL | | PBP RMSE / LL | wall time |`);
    out.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of rows) {
      const check = checkTarget(s);
      const target = findColumn(s.published, TARGETS[s.method].column);
      const pbp = findColumn(s.published, /^PBP$/i);
      out.push(
        `| ${s.dataset} | ${s.splits.length} | ${epochsLabel(s.settings)} | ${formatMeanSe(s.rmse, 3)} | ${formatMeanSe(target?.rmse ?? null)} | ${mark(check.rmse)} | ${formatMeanSe(s.ll, 3)} | ${formatMeanSe(target?.ll ?? null)} | ${mark(check.ll)} | ${formatMeanSe(pbp?.rmse ?? null)} / ${formatMeanSe(pbp?.ll ?? null)} | ${(s.timing.wallMs / 1000).toFixed(0)} s${s.mergedFrom ? ` (${s.mergedFrom.length} runs)` : ''} |`,
      );
    }
    const column = rows.map((s) => checkTarget(s).column).find((c) => c !== null);
    const slack = TARGETS[rows[0]?.method ?? 'vi'].slackSe;
    out.push('', `Target column: ${column ?? 'none found'}${slack > 0 ? `, within ${slack} published standard error` : ''} (✓ met, ✗ missed).`, '');
  }
  return out.join('\n');
}

/** A data set's best published log-likelihood: the column with the highest mean. */
function bestPublished(columns: readonly PublishedColumn[]): { column: string; ll: MeanSe } | null {
  let best: { column: string; ll: MeanSe } | null = null;
  for (const c of columns) if (c.ll && (best === null || c.ll.mean > best.ll.mean)) best = { column: c.column, ll: c.ll };
  return best;
}

/**
 * Markdown: per data set, the best test log-likelihood among our runs (any method or variant, any
 * number of splits: the splits column says how many) beside the best published column (issue 16's
 * target: the best of ours at or above the best published BNN), met when within one published
 * standard error (the brief's rule). `extraColumns` adds published columns that the runs' own
 * PROTOCOL.md lacked (the repository's copy has DVI's), matched by name. With `minSplits`, only
 * runs of at least that many splits compete (the full protocol's 20: a 3-split mean is no record).
 */
export function bestPerDataSetMarkdown(summaries: readonly UciSummary[], extraColumns: (dataset: string) => readonly PublishedColumn[] | null = () => null, minSplits = 0): string {
  const eligible = summaries.filter((s) => s.splits.length >= minSplits);
  const datasets = [...new Set(eligible.map((s) => s.dataset))].sort((a, b) => a.localeCompare(b));
  const title = minSplits > 0 ? `### Best of ours per data set, runs of ${minSplits} splits or more` : '### Best of ours per data set';
  const out = [title, '', '| data set | our best LL | method | splits | best published LL | column | |', '|---|---|---|---|---|---|---|'];
  for (const dataset of datasets) {
    const runs = eligible.filter((s) => s.dataset === dataset && Number.isFinite(s.ll.mean));
    const ours = runs.reduce<UciSummary | null>((best, s) => (best === null || s.ll.mean > best.ll.mean ? s : best), null);
    if (ours === null) continue;
    const columns = [...(ours.published ?? [])];
    for (const c of extraColumns(dataset) ?? []) if (!columns.some((have) => have.column === c.column)) columns.push(c);
    const theirs = bestPublished(columns);
    const verdict: Verdict = theirs === null ? 'no column' : ours.ll.mean >= theirs.ll.mean - theirs.ll.se ? 'met' : 'missed';
    out.push(
      `| ${dataset} | ${formatMeanSe(ours.ll, 3)} | ${methodLabel(ours)} | ${ours.splits.length} | ${formatMeanSe(theirs?.ll ?? null)} | ${theirs?.column ?? '–'} | ${mark(verdict)} |`,
    );
  }
  out.push('', 'Met (✓) when our best mean is at or above the best published mean less one published standard error.', '');
  return out.join('\n');
}
