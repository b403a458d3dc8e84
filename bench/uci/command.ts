/**
 * The UCI benchmark runner behind `npm run uci -- --data-dir <folder> --method <m> [...]`
 * (bench/uci.ts): parses the options, loads the folder, runs the protocol on the GPU, prints the
 * comparison with the published columns (or the JSON summary with --json) and writes JSON +
 * markdown into --out-dir. Progress goes to stderr. User mistakes: one line, exit 2.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BnnError, InvalidInputError, isCallerError } from '../../src/errors.js';
import { describeAdapter, describeAdapterDescription } from '../../src/gpu/adapter-line.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { createNodeContext } from '../../src/node/device.js';
import type { LearningRateSchedule } from '../../src/objective/types.js';
import { LAPLACE_STRUCTURES, type LaplaceStructure } from '../../src/laplace/ggn.js';
import { loadUciDataset } from './dataset.js';
import { UCI_METHODS, methodPlan, parseEnsembleDensity, parseUciMethod } from './methods.js';
import { runUciProtocol, type UciProgress, type UciRunOptions } from './protocol.js';
import { publishedFor, readPublished, readRepositoryProtocol } from './published.js';
import { mergeRateSearches } from './merge.js';
import { readSummaries, readSummary } from './read-summaries.js';
import { methodLabel, summarize, summaryJson, summaryMarkdown, summaryText, type UciSummary } from './summary.js';
import { bestPerDataSetMarkdown, uciTableMarkdown } from './table.js';

/** What the UCI tool talks to: output writers, the environment and where its GPU context comes from. */
export interface UciIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Supplies the WebGPU context; one from this hook is borrowed and left alive (tests share one). Default: createNodeContext(). */
  readonly context?: () => Promise<GpuContext>;
}

export const UCI_HELP = `Usage: npm run uci -- --data-dir <folder> --method mc-dropout|vi|ensemble|hmc|laplace|sgmcmc|swag|concrete-dropout [options]

Runs the UCI regression protocol (bench/uci/PROTOCOL.md) on any folder in the UCI
layout (data.txt, index_features.txt, index_target.txt, index_train_K.txt, index_test_K.txt,
n_splits.txt, n_hidden.txt, n_epochs.txt; dropout_rates.txt and tau_values.txt for MC dropout)
and prints test RMSE and test log-likelihood (mean ± standard error over the splits) beside the
published columns of a PROTOCOL.md in the folder's parent, else of bench/uci/PROTOCOL.md.

Methods (network: one hidden layer of n_hidden ReLU units; 10 x n_epochs epochs; batch 128):
  mc-dropout   grid dropout_rates x tau_values x Adam rates {3e-2, 1e-1} searched on the last
               20% of each training part (validation log-likelihood), best point retrained on
               the whole training part; the rate decays to 0 on a cosine schedule;
               T = 10000 dropout passes
  vi           Bayes by Backprop (mean-field normal, N(0, s^2) prior, LogNormal noise guide);
               grid: prior scales s in {0.1, 0.3, 1} searched on validation (--prior-scales
               sets them; one value: no search); Adam lr 1e-2; T = 10000 samples
  ensemble     5 members with mean and variance heads (Gaussian NLL), adversarial training
               (epsilon 0.01 x each input's range), Adam lr 1e-2; grid: epochs n_epochs and
               10 x n_epochs (early stopping), each scored as the 5-member ensemble, then 5
               members for the chosen epochs; the log-likelihood is that of the normal with
               the members' mixture's mean and variance (the paper's)
  hmc          Hamiltonian Monte Carlo on the MAP posterior (N(0, s^2) prior, s = 1 unless
               --prior-scales gives a grid to search; noise learnt), full batch: per split 4
               chains, each after 10 x n_epochs full-batch Adam steps (lr 1e-2), 200 warm-up
               transitions (step size adapted to acceptance 0.8), then 100 samples kept every
               2nd transition, 20 leapfrog steps each; the log-likelihood is that of the
               uniform mixture of the 400 sampled networks
  laplace      Laplace around the map fit (learnt sigma, N(0, s^2) prior, Adam lr 1e-2 on a
               cosine schedule): prior precision and sigma tuned by the marginal likelihood;
               grid: the map's prior scales s in {0.1, 0.3, 1} searched on validation
               (--prior-scales); --structure last-layer (100 draws of the last layer, scored
               as their mixture), diagonal (T samples of the diagonal-GGN posterior) or kfac
               (100 draws of every layer's Kronecker-factored posterior, scored as their mixture)
  sgmcmc       cyclical SGHMC (Zhang et al. 2020) on map's posterior (N(0, 1) weight prior,
               log sigma sampled): friction 0.1, 4 cycles (fewer when they do not divide the
               epochs), the first 80% of each without noise, up to 5 samples at the ends of
               each cycle's last epochs; grid: step size {1e-3, 3e-3, 1e-2} searched on
               validation (--lr one); --members chains (default 1); scored as the mixture of
               every sample's normal. --warm-start: each chain starts from a map fit (Adam lr
               1e-2, the run's epochs) and the grid is {3e-4, 1e-4, 1e-3}
  swag         SWAG (Maddox et al. 2019): map pretraining with Adam lr 1e-2 (constant), then
               40 epochs of SGD (momentum 0.9) at 0.03 x that rate, θ collected after each;
               rank 20; 30 posterior draws scored as a mixture of point models; no search
               (--lr-grid searches rates, each scaling both phases)
  concrete-dropout
               MC dropout's network with each layer's rate learnt (from 0.1) and the noise's
               log sigma learnt: no dropout or tau grid; Adam rates {1e-2, 3e-2} on a
               cosine schedule searched on validation; T = 10000 dropout passes
All (split, grid point, member) models of a phase train together, in as few train() calls as
the device's buffer limits allow; each draws the random stream of that identity, so a split's
numbers do not depend on how the models are cut into calls or on which other splits run.

Options:
  --data-dir <folder>        data set folder in the UCI layout (required)
  --method <m>               mc-dropout, vi, ensemble, hmc, laplace, sgmcmc, swag or concrete-dropout (required)
  --splits <K>               run the first K splits (default: all, n_splits.txt)
  --epochs-scale <f>         multiply the epochs by f, e.g. 0.25 to shorten a run (default 1)
  --epochs <N>               epochs, overriding 10 x n_epochs x f
  --lr <x>                   Adam learning rate (default: the method's, above); for
                             mc-dropout, that rate alone (no rate search)
  --lr-grid <a,b,...>        Adam rates searched on validation, crossed with the method's grid
                             (each grid point once per rate; not with --lr); each rate trains
                             in its own calls keyed by the rate, so the points at one rate
                             train exactly as in a run searching that rate alone
  --schedule <s>             learning-rate schedule: constant or cosine (decays to 0)
                             (default: the method's, above; constant for vi and ensemble)
  --samples <T>              predictive samples on the test part (default 10000)
  --validation-samples <T>   predictive samples on the validation part (default: --samples)
  --members <M>              ensemble members (default 5); sgmcmc: chains (default 1)
  --prior-scales <a,b,...>   vi, laplace, hmc: prior scales to search (default 0.1,0.3,1; hmc 1)
  --structure <s>            laplace: last-layer (default), diagonal or kfac; their files are
                             named '<data set>-laplace-diagonal' and '<data set>-laplace-kfac'
  --laplace-draws <S>        laplace last-layer and kfac: draws per model, scored as their mixture
                             (default 100)
  --laplace-predictive <p>   laplace: sampled (default: the engine's draws) or linearized
                             (the GLM predictive N(f(x), J Sigma J^T + sigma^2), on the host)
  --chains <C>               hmc: chains per split (default 4)
  --warmup <W>               hmc: warm-up transitions (default 200)
  --hmc-samples <S>          hmc: samples kept per chain (default 100)
  --thin <T>                 hmc: transitions per kept sample (default 2)
  --leapfrog-steps <L>       hmc: leapfrog steps per transition (default 20; not with --nuts)
  --nuts                     hmc: the No-U-Turn sampler instead of fixed-length trajectories
  --max-tree-depth <D>       hmc --nuts: tree doublings per transition at most (default 10)
  --ensemble-density <d>     ensemble: log-likelihood of the 'mixture' of the members or of its
                             'moment-matched' normal (the paper's), on validation and test
                             (default moment-matched)
  --adversarial-epsilon <e>  ensemble: adversarial training (fast gradient sign) at e times each
                             input's range; 0 turns it off (default 0.01, the paper's)
  --heteroscedastic          mc-dropout, vi, hmc, laplace, sgmcmc, swag, concrete-dropout: the heteroscedastic variant, a second output unit
                             for the noise scale per input (train's heteroscedastic option) in
                             place of the global noise; mc-dropout's grid is then the dropout
                             rates alone (no tau). Summaries and files name it
                             '<method> heteroscedastic' (<data set>-<method>-heteroscedastic.json)
  --beta-nll <b>             ensemble, and mc-dropout, laplace, swag, concrete-dropout with
                             --heteroscedastic: weight each row's NLL by sigma^(2b), held
                             constant in the gradient (beta-NLL, Seitzer et al. 2022; 0.5 the
                             paper's); named '<method> [heteroscedastic] beta-nll <b>'
                             (<data set>-<method>-heteroscedastic-beta-nll-<b>.json)
  --warm-start               sgmcmc: start every chain from a map fit (Adam lr 1e-2, the run's
                             epochs) and search the step sizes {3e-4, 1e-4, 1e-3}; named
                             'sgmcmc warm-start' (<data set>-sgmcmc-warm-start.json)
  --seed <K>                 base seed (default 0)
  --max-models-per-call <M>  cap on models per train() call (default: the device's limit); the
                             results are the same under any cap
  --json                     print the summary as JSON on stdout:
                             {"rmse": {"mean", "se"}, "ll": {"mean", "se"}, "splits": [...], ...}
  --out-dir <dir>            where <data set>-<method>.json and .md go (default uci-results)
  -h, --help                 show this help

Usage: npm run uci -- --merge <a.json,b.json,...> [--out-dir <dir>] [--json]
  Merges runs that searched the same grid at different learning rates (--lr-grid, or the
  method's rate) into the run searching all of them: the same choices and test scores, since
  each rate trains in its own calls keyed by the rate. Writes <data set>-<method>.json and .md.

Usage: npm run uci -- --table <dir>[,<dir>...] [--out-dir <dir>]
  Reads every <data set>-<method>.json in the folders (written by runs above), prints one
  markdown table per method beside the column it is judged against, then the best of ours per
  data set beside the best published column (the runs' PROTOCOL.md and bench/uci/PROTOCOL.md's),
  and writes it to uci-table.md in --out-dir (default: the first folder). A run of the same data
  set, method and variant in a later folder replaces an earlier folder's (a rerun's record).
`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  method: { type: 'string' },
  splits: { type: 'string' },
  'epochs-scale': { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  'lr-grid': { type: 'string' },
  schedule: { type: 'string' },
  samples: { type: 'string' },
  'validation-samples': { type: 'string' },
  members: { type: 'string' },
  'prior-scales': { type: 'string' },
  structure: { type: 'string' },
  'laplace-draws': { type: 'string' },
  'laplace-predictive': { type: 'string' },
  chains: { type: 'string' },
  warmup: { type: 'string' },
  'hmc-samples': { type: 'string' },
  thin: { type: 'string' },
  'leapfrog-steps': { type: 'string' },
  nuts: { type: 'boolean' },
  'max-tree-depth': { type: 'string' },
  'ensemble-density': { type: 'string' },
  'adversarial-epsilon': { type: 'string' },
  heteroscedastic: { type: 'boolean' },
  'beta-nll': { type: 'string' },
  'warm-start': { type: 'boolean' },
  seed: { type: 'string' },
  'max-models-per-call': { type: 'string' },
  json: { type: 'boolean' },
  'out-dir': { type: 'string' },
  table: { type: 'string' },
  merge: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HINT = "see 'npm run uci -- --help'";

function integer(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(v) || v < min) throw new InvalidInputError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return v;
}

function positive(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const v = text.trim() === '' ? NaN : Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new InvalidInputError(`--${name} must be a positive number, got '${text}'`);
  return v;
}

function nonNegative(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const v = text.trim() === '' ? NaN : Number(text);
  if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidInputError(`--${name} must be a number >= 0, got '${text}'`);
  return v;
}

function unitInterval(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const v = text.trim() === '' ? NaN : Number(text);
  if (!(v >= 0 && v <= 1)) throw new InvalidInputError(`--${name} must be a number in [0, 1], got '${text}'`);
  return v;
}

function parseSchedule(text: string | undefined): LearningRateSchedule | undefined {
  if (text === undefined || text === 'constant' || text === 'cosine') return text;
  throw new InvalidInputError(`--schedule must be constant or cosine, got '${text}'`);
}

/** Plain progress lines on stderr: each phase's start, then about every 10%. */
function progressPrinter(io: UciIo): (p: UciProgress) => void {
  let lastKey = '';
  let lastTenth = -1;
  return (p) => {
    const key = `${p.phase}/${p.stage}/${p.call}`;
    const tenth = p.total > 0 ? Math.floor((10 * p.done) / p.total) : 10;
    if (key === lastKey && tenth === lastTenth) return;
    if (key !== lastKey) lastTenth = -1;
    lastKey = key;
    lastTenth = tenth;
    const secs = (p.elapsedMs / 1000).toFixed(1);
    if (p.stage === 'train') {
      const call = p.calls > 1 ? ` (call ${p.call}/${p.calls})` : '';
      io.stderr(`${p.phase}: training ${p.models} models together${call}: epoch ${p.done}/${p.total}, ${secs} s\n`);
    } else {
      io.stderr(`${p.phase}: scoring ${p.done}/${p.total} candidates, ${secs} s\n`);
    }
  };
}

/** Runs the benchmark with `argv` (the arguments after the script name); resolves to the exit status. */
export async function runUciCli(argv: readonly string[], io: UciIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
    if (isCallerError(error)) {
      io.stderr(`uci: ${message}\n`);
      return 2;
    }
    const kind = error instanceof BnnError ? error.code : error instanceof Error ? error.name : 'error';
    io.stderr(`uci: internal error: ${kind}: ${message}\n`);
    if (error instanceof Error && error.stack && /uci|webgpu-bnn|\*/.test(io.env?.['DEBUG'] ?? '')) io.stderr(`${error.stack}\n`);
    return 1;
  }
}

async function run(argv: readonly string[], io: UciIo): Promise<number> {
  let values: Partial<Record<keyof typeof OPTIONS, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    throw new InvalidInputError(`${message.replace(/\. To specify a positional argument.*$/, '')} (${HINT})`, { cause: error });
  }
  if (values.help === true) {
    io.stdout(UCI_HELP);
    return 0;
  }
  const str = (name: keyof typeof OPTIONS): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const tableText = str('table');
  if (tableText !== undefined) {
    const tableDirs = tableText.split(',').filter((d) => d.trim() !== '');
    const [firstDir] = tableDirs;
    if (firstDir === undefined) throw new InvalidInputError('--table needs a results folder');
    const summaries = latestRuns(await Promise.all(tableDirs.map(readSummaries)));
    const repositoryProtocol = await readRepositoryProtocol();
    const extraColumns = (dataset: string) => (repositoryProtocol === null ? null : publishedFor(repositoryProtocol, dataset));
    const markdown = [
      uciTableMarkdown(summaries),
      bestPerDataSetMarkdown(summaries, extraColumns),
      // Runs of fewer splits than the protocol's compete above; here only full-protocol ones.
      ...(summaries.some((s) => s.splits.length < PROTOCOL_SPLITS) ? [bestPerDataSetMarkdown(summaries, extraColumns, PROTOCOL_SPLITS)] : []),
    ].join('\n');
    const outDir = str('out-dir') ?? firstDir;
    await mkdir(outDir, { recursive: true });
    const path = join(outDir, 'uci-table.md');
    await writeFile(path, markdown);
    io.stdout(markdown);
    io.stderr(`uci: wrote ${path}\n`);
    return 0;
  }
  const mergeText = str('merge');
  if (mergeText !== undefined) {
    const files = mergeText.split(',').filter((f) => f.trim() !== '');
    const merged = mergeRateSearches(await Promise.all(files.map(async (f) => ({ name: f, summary: await readSummary(f) }))));
    const adapterLine = merged.adapter ? describeAdapterDescription(merged.adapter) : 'an unknown adapter';
    await writeSummaryFiles(merged, str('out-dir') ?? 'uci-results', adapterLine, `npm run uci -- ${argv.join(' ')}`, io);
    io.stdout(values.json === true ? summaryJson(merged) : summaryText(merged, adapterLine));
    return 0;
  }
  const dataDir = str('data-dir');
  const methodText = str('method');
  if (dataDir === undefined) throw new InvalidInputError(`--data-dir <folder> is required (${HINT})`);
  if (methodText === undefined) throw new InvalidInputError(`--method ${UCI_METHODS.join('|')} is required (${HINT})`);
  const method = parseUciMethod(methodText);
  const lrGridText = str('lr-grid');
  const learningRates = lrGridText?.split(',').map((t) => positive(t, 'lr-grid') as number);
  const priorScalesText = str('prior-scales');
  const priorScales = priorScalesText?.split(',').map((t) => positive(t, 'prior-scales') as number);
  const ensembleDensityText = str('ensemble-density');
  const hmc = {
    ...defined('chains', integer(str('chains'), 'chains', 1)),
    ...defined('warmup', integer(str('warmup'), 'warmup', 0)),
    ...defined('samples', integer(str('hmc-samples'), 'hmc-samples', 1)),
    ...defined('thin', integer(str('thin'), 'thin', 1)),
    ...defined('leapfrogSteps', integer(str('leapfrog-steps'), 'leapfrog-steps', 1)),
    ...defined('algorithm', values.nuts === true ? ('nuts' as const) : undefined),
    ...defined('maxTreeDepth', integer(str('max-tree-depth'), 'max-tree-depth', 1)),
  };
  const options: UciRunOptions = {
    method,
    ...defined('splits', integer(str('splits'), 'splits', 1)),
    ...defined('epochsScale', positive(str('epochs-scale'), 'epochs-scale')),
    ...defined('epochs', integer(str('epochs'), 'epochs', 1)),
    ...defined('lr', positive(str('lr'), 'lr')),
    ...defined('learningRates', learningRates),
    ...defined('schedule', parseSchedule(str('schedule'))),
    ...defined('samples', integer(str('samples'), 'samples', 1)),
    ...defined('validationSamples', integer(str('validation-samples'), 'validation-samples', 1)),
    ...defined('members', integer(str('members'), 'members', 1)),
    ...defined('priorScales', priorScales),
    ...defined('laplaceStructure', parseStructure(str('structure'))),
    ...defined('laplaceDraws', integer(str('laplace-draws'), 'laplace-draws', 1)),
    ...defined('laplacePredictive', parsePredictive(str('laplace-predictive'))),
    ...defined('hmc', Object.keys(hmc).length > 0 ? hmc : undefined),
    ...defined('ensembleDensity', ensembleDensityText === undefined ? undefined : parseEnsembleDensity(ensembleDensityText)),
    ...defined('adversarialEpsilon', nonNegative(str('adversarial-epsilon'), 'adversarial-epsilon')),
    ...defined('heteroscedastic', values.heteroscedastic === true ? true : undefined),
    ...defined('betaNll', unitInterval(str('beta-nll'), 'beta-nll')),
    ...defined('warmStart', values['warm-start'] === true ? true : undefined),
    ...defined('seed', integer(str('seed'), 'seed', 0)),
    ...defined('maxModelsPerCall', integer(str('max-models-per-call'), 'max-models-per-call', 1)),
    onProgress: progressPrinter(io),
  };
  const outDir = str('out-dir') ?? 'uci-results';
  const dataset = await loadUciDataset(dataDir);
  if (options.splits !== undefined && options.splits > dataset.splits.length) {
    throw new InvalidInputError(`--splits ${options.splits}: ${dataset.name} has ${dataset.splits.length} splits`);
  }
  // The method's choices are checked here, before the GPU is reached (runUciProtocol builds the same plan).
  methodPlan(dataset, method, options);
  const published = await readPublished(dataset.dir, dataset.name);

  const borrowed = io.context !== undefined;
  const ctx: GpuContext = await (io.context ? io.context() : createNodeContext());
  try {
    const adapterLine = describeAdapter(ctx);
    io.stderr(`uci: ${dataset.name} (${dataset.rows} rows, ${dataset.inputDim} inputs, ${dataset.splits.length} splits), method ${method}, adapter ${adapterLine}\n`);
    const result = await runUciProtocol(ctx, dataset, options);
    const summary = summarize(result, ctx.adapter, published?.columns ?? null);
    await writeSummaryFiles(summary, outDir, adapterLine, `npm run uci -- ${argv.join(' ')}`, io);
    io.stdout(values.json === true ? summaryJson(summary) : summaryText(summary, adapterLine));
  } finally {
    if (!borrowed) ctx.destroy();
  }
  return 0;
}

/** --laplace-predictive: sampled or linearized. */
function parsePredictive(text: string | undefined): 'sampled' | 'linearized' | undefined {
  if (text === undefined) return undefined;
  if (text !== 'sampled' && text !== 'linearized') throw new InvalidInputError(`--laplace-predictive must be sampled or linearized, got '${text}'`);
  return text;
}

/** --structure: a Laplace structure (methodPlan refuses it for another method). */
function parseStructure(text: string | undefined): LaplaceStructure | undefined {
  if (text === undefined) return undefined;
  const s = LAPLACE_STRUCTURES.find((v) => v === text);
  if (!s) throw new InvalidInputError(`--structure must be one of ${LAPLACE_STRUCTURES.join(', ')}, got '${text}'`);
  return s;
}

/** `{ [key]: value }` when value is defined, else `{}` (exactOptionalPropertyTypes). */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** Writes <data set>-<method>.json and .md into `outDir`. */
async function writeSummaryFiles(summary: UciSummary, outDir: string, adapterLine: string, command: string, io: UciIo): Promise<void> {
  const base = `${summary.dataset}-${methodLabel(summary).replace(/ /g, '-')}`;
  await mkdir(outDir, { recursive: true });
  const jsonPath = join(outDir, `${base}.json`);
  const mdPath = join(outDir, `${base}.md`);
  await writeFile(jsonPath, summaryJson(summary));
  await writeFile(mdPath, summaryMarkdown(summary, adapterLine, command));
  io.stderr(`uci: wrote ${jsonPath} and ${mdPath}\n`);
}

/** The splits of the full protocol (bench/uci/PROTOCOL.md). */
const PROTOCOL_SPLITS = 20;

/** Runs of several folders, one per (data set, method and variant): a later folder's replaces an earlier one's. */
function latestRuns(folders: readonly (readonly UciSummary[])[]): UciSummary[] {
  const byKey = new Map<string, UciSummary>();
  for (const runs of folders) for (const s of runs) byKey.set(`${s.dataset}\u0000${methodLabel(s)}`, s);
  return [...byKey.values()];
}
