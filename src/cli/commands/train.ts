/**
 * `webgpu-bnn train --data <csv> --target <column> --method <m> --out <model> [...]`: trains an MLP
 * BNN on the GPU from a CSV file and writes it in the webgpu-bnn format (standardisation recorded,
 * so the model predicts in the target's units). Every file and option is checked before the GPU is
 * touched. Progress: a bar on a terminal, plain lines (about every 10% of the epochs) otherwise.
 */
import { stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { InvalidInputError } from '../../errors.js';
import { chainDiagnostics, type ChainDiagnostics } from '../../mcmc/chain-diagnostics.js';
import { MAX_ENSEMBLE_MEMBERS, ensembleToBytes } from '../../model/ensemble-file.js';
import { MAX_TREE_DEPTH, type HmcOptions, type McmcDiagnostics } from '../../objective/hmc.js';
import { modelToBytes } from '../../model/format.js';
import { ACTIVATIONS, type Activation, type Model } from '../../model/spec.js';
import { train } from '../../train/trainer.js';
import { DEFAULT_WARM_START_LR, mapWarmStart } from '../../train/warm-start.js';
import { trainSwag } from '../../swag/fit.js';
import { pretrainOptions, readSwagOptions } from '../../swag/options.js';
import type { SwagOptions } from '../../objective/swag-options.js';
import { LAPLACE_METHOD, trainLaplace } from '../../laplace/laplace.js';
import { LAPLACE_STRUCTURES } from '../../laplace/ggn.js';
import { laplaceFitToBytes } from '../../laplace/fit-file.js';
import { MAX_LAPLACE_SAMPLES, resolveLaplaceOptions, type LaplaceOptions } from '../../laplace/posterior.js';
import { TRAIN_LIKELIHOODS, likelihoodUnits } from '../../objective/likelihood.js';
import { TRAIN_METHODS, objectiveMethod } from '../../objective/methods.js';
import { INIT_CONCRETE_DROPOUT } from '../../objective/concrete.js';
import { prepareRun, type PreparedRun } from '../../objective/prepare.js';
import { SAMPLER_KINDS, type SamplerOptions } from '../../objective/sampler.js';
import type { ArchitectureSpec, ModelHyper, TrainLikelihood, TrainMethod, TrainOptions, TrainProgress } from '../../objective/types.js';
import { UsageError, flag, parseCommand, parseIntegerOption, requiredOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { describeAdapter } from '../../gpu/adapter-line.js';
import { withContext } from '../gpu.js';
import type { CliIo } from '../io.js';
import { describeFsError, readTableFile } from '../matrix-file.js';
import { resolveTarget, splitColumns, splitTargetColumns } from '../columns.js';

const HELP = `Usage: webgpu-bnn train --data <csv> --target <column> --method <m> --out <model> [options]

Trains a Bayesian neural network (an MLP of dense layers) on the GPU and writes it as a
webgpu-bnn model file. Inputs (and a normal target) are standardised for training and the
standardisation is recorded in the model, so 'webgpu-bnn predict' answers in the target's units.

Likelihoods (--likelihood, default normal):
  normal         real target, Gaussian noise (one output; the ensemble adds a variance head)
  categorical    --target names a column of class indices 0..K-1 (K logits, softmax)
  bernoulli      --target names a column of 0/1 labels (one logit)
  beta           --target names a column of proportions strictly inside (0, 1)
  dirichlet      --target a,b,c names the K columns of a composition (each row positive,
                 summing to 1 within 1e-4)
  student-t      real target with Student-t noise (robust to outliers); --df fixes the degrees
                 of freedom, else they are learnt and recorded in the model

Methods:
  vi             Bayes by Backprop: mean-field normal posterior on every weight, N(0, s^2) prior,
                 LogNormal posterior on the noise sigma
  mc-dropout     dropout (rate p on every layer's input) with L2 weight decay p l^2/(2 N tau),
                 l = 0.01; predicts with dropout on and fixed noise sigma = 1/sqrt(tau)
  ensemble       deep ensemble: M networks with mean and variance heads (Gaussian NLL), each
                 written to its own file (see --out); predict them as a mixture
  map            point estimate with a learned noise sigma (the deterministic baseline)
  hmc            Hamiltonian Monte Carlo on map's posterior (full batch, N(0, s^2) prior, the
                 noise sigma learnt or known from --tau): --chains chains after a MAP pre-fit
                 of --epochs full-batch Adam steps, the step size adapted in --warmup
                 transitions; the kept samples go into one ensemble file (chains x samples
                 members, at most 1024), predicted as the mixture of point networks
  laplace        Laplace approximation around the map fit (normal, categorical, bernoulli):
                 --structure last-layer (default; full covariance of the last layer, written
                 as --samples correlated draws in one ensemble file), diagonal (the GGN's
                 diagonal over every weight: one model with normal posteriors) or kfac (a
                 Kronecker-factored GGN block per layer, every weight; --samples draws); the prior
                 precision tuned by the marginal likelihood (and the noise sigma with it) or
                 fixed with --prior-precision; --posterior-out also writes the posterior
                 itself, whose linearised predictive 'predict' gives (normal likelihood)
  sgmcmc         stochastic-gradient MCMC (SGHMC or SGLD, constant or cyclical step size) on
                 the posterior of map's network; --chains chains, their samples written to one
                 ensemble file of delta members (noise learnt, or fixed by --tau)
  swag           SWAG (Maddox et al. 2019): map pretraining (--epochs, Adam --lr), then SGD
                 (momentum 0.9) at the constant --swa-lr for --swa-epochs epochs, θ collected
                 after each; a Gaussian posterior with their mean and a diagonal plus low-rank
                 covariance, written as --swag-samples draws in one ensemble file (or, with
                 --swag-variant diagonal, one mean-field model)
  concrete-dropout
                 MC dropout whose rate on each layer's input is learnt with the weights
                 (Gal et al. 2017: relaxed masks, regulariser l^2/(2N) sum W^2/(1-p) minus
                 the rate's entropy times inputs/N); learned noise sigma as map (or
                 --heteroscedastic); predicts with dropout on at the learnt rates, printed
                 at the end

Options:
  --data <csv>          training data: CSV with a header row (comma or whitespace separated);
                        every column except the target is an input
  --target <column>     the target column: a name from the header, or a 0-based column index
                        (dirichlet: several, comma separated)
  --likelihood <l>      normal, categorical, bernoulli, beta, dirichlet or student-t (default normal)
  --classes <K>         categorical: the number of classes (default: the largest label + 1)
  --df <nu>             student-t: degrees of freedom (default: learnt)
  --method <m>          vi, mc-dropout, ensemble, map, hmc, laplace, sgmcmc, swag or concrete-dropout
  --out <file>          model file to write (.safetensors). An ensemble's members go into one
                        file, which predict and info read as the mixture
  --hidden <w,...>      hidden layer widths, comma separated (default 50)
  --activation <a>      ${ACTIVATIONS.join(', ')} (default relu)
  --epochs <N>          passes over the data (default 100; hmc: full-batch MAP steps, 0 for none)
  --batch-size <B>      minibatch size (default 128, at most the number of rows; not hmc)
  --lr <x>              Adam learning rate (default 1e-3; vi, hmc: 1e-2); sgmcmc: the step size on
                        the mean per-row loss (the cyclical schedule's largest)
  --dropout <p>         mc-dropout: dropout rate in [0, 1) (default 0.05); concrete-dropout:
                        every layer's initial rate in (0, 1) (default 0.1)
  --length-scale <l>    mc-dropout, concrete-dropout: prior length-scale of the weight decay
                        (default 0.01)
  --tau <t>             mc-dropout: model precision in the target's units (default 100 / var(y),
                        i.e. noise std 0.1 x the target's std); hmc, sgmcmc: fixes the noise std at
                        1/sqrt(t) (default: the noise is sampled)
  --prior-scale <s>     vi, map, hmc, laplace, sgmcmc, swag: prior std of every weight in training (default 1)
  --structure <s>       laplace: last-layer, diagonal or kfac (default last-layer)
  --prior-precision <x> laplace: the posterior's prior precision, a number or marglik
                        (default marglik: maximise Laplace's evidence over it, and over the
                        noise sigma of a normal likelihood without --heteroscedastic)
  --posterior-out <f>   laplace, normal likelihood: also write the posterior (MAP weights and
                        covariance factors) to this file; 'predict <f>' gives its linearised
                        (GLM) predictive, the one to use with diagonal and kfac, whose sampled
                        draws underfit
  --samples <S>         hmc: samples kept per chain (default 200); laplace last-layer and kfac: draws written (default 100, at most ${MAX_LAPLACE_SAMPLES})
  --heteroscedastic     vi, mc-dropout, map, hmc, laplace, sgmcmc, swag, concrete-dropout (normal, student-t): learn the noise scale per input
                        with a second output unit (softplus + 1e-3), as ensembles do, in place
                        of the global noise sigma (no --tau then)
  --beta-nll <b>        with a heteroscedastic head (ensemble, or --heteroscedastic with mc-dropout,
                        map, laplace, swag, concrete-dropout): weight each row's NLL by
                        sigma^(2b), held constant in the gradient (beta-NLL, Seitzer et al. 2022),
                        b in [0, 1]; 0.5 the paper's choice (default 0: the plain NLL)
  --members <M>         ensemble: number of members (default 5)
  --swa-epochs <K>      swag: SGD epochs of the SWA phase, one iterate each (default 20, >= 2)
  --swa-lr <x>          swag: the SWA phase's constant SGD learning rate (default: --lr)
  --swag-rank <r>       swag: deviation columns kept, the low-rank part's rank (default 20)
  --swag-samples <S>    swag: posterior draws written to the ensemble file (default 30)
  --swag-scale <c>      swag: multiplies the posterior covariance (default 1)
  --swag-variant <v>    swag: low-rank (default) or diagonal (SWAG-Diagonal, one model)
  --adversarial-epsilon <e>
                        ensemble, map, swag: adversarial training (fast gradient sign) at e times
                        each input's range (Lakshminarayanan et al. use 0.01); default off
  --sampler <k>         sgmcmc: sghmc (default) or sgld
  --chains <C>          hmc, sgmcmc: independent chains, all their samples written (default 4)
  --cycles <C>          sgmcmc: cyclical step size with C cycles (dividing --epochs); default 0,
                        a constant step size
  --exploration <f>     sgmcmc, cyclical: fraction of each cycle without noise (default 0.8)
  --samples-per-cycle <S>
                        sgmcmc, cyclical: samples at the ends of each cycle's last S epochs
                        (default 3, or fewer when the sampling stage is shorter)
  --burn-in <E>         sgmcmc, constant: epochs before the first sample (default epochs/2)
  --thin <E>            sgmcmc, constant: a sample every E epochs after the burn-in (default 1);
                        hmc: transitions per kept sample (default 1)
  --warm-start <E>      sgmcmc: start every chain from a map fit of E epochs (Adam lr 1e-2,
                        constant) instead of the initialisation, then sample around it at a small
                        step size (1e-4 to 1e-3); an overfitted fit holds such chains near itself
                        (default 0: none)
  --temperature <T>     sgmcmc: posterior temperature (default 1)
  --friction <a>        sgmcmc, sghmc: friction in (0, 1] (default 0.1)
                        With 4 or more samples per chain, split R-hat and ESS across the chains
                        of the predicted mean at the first, middle and last data rows (and of log
                        sigma when sampled) go to standard error and into --json
  --warmup <W>          hmc: warm-up transitions, step size adapted (default 200)
  --leapfrog-steps <L>  hmc: leapfrog steps per transition (default 20; not with --nuts)
  --nuts                hmc: the No-U-Turn sampler, each trajectory's length chosen by its U-turn
  --max-tree-depth <D>  hmc --nuts: tree doublings per transition at most (default 10, at most
                        ${MAX_TREE_DEPTH}: up to 2^D - 1 leapfrog steps)
  --step-size <e>       hmc: initial step size (default 0.01)
  --target-accept <d>   hmc: the warm-up's target acceptance probability (default 0.8)
  --seed <K>            RNG seed of initialisation, shuffling and noise (default 0)
  --json                print a JSON summary on standard output (file, settings, time, loss
                        per epoch)
  -h, --help            show this help

Progress and messages go to standard error; standard output gets one line naming the file
written (or the JSON summary).
`;

const GRAMMAR = {
  command: 'train',
  positionals: [],
  options: {
    data: { type: 'string' },
    target: { type: 'string' },
    likelihood: { type: 'string' },
    classes: { type: 'string' },
    df: { type: 'string' },
    method: { type: 'string' },
    out: { type: 'string' },
    'posterior-out': { type: 'string' },
    hidden: { type: 'string' },
    activation: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    dropout: { type: 'string' },
    tau: { type: 'string' },
    'length-scale': { type: 'string' },
    'prior-scale': { type: 'string' },
    structure: { type: 'string' },
    'prior-precision': { type: 'string' },
    samples: { type: 'string' },
    members: { type: 'string' },
    'swa-epochs': { type: 'string' },
    'swa-lr': { type: 'string' },
    'swag-rank': { type: 'string' },
    'swag-samples': { type: 'string' },
    'swag-scale': { type: 'string' },
    'swag-variant': { type: 'string' },
    'adversarial-epsilon': { type: 'string' },
    heteroscedastic: { type: 'boolean' },
    'beta-nll': { type: 'string' },
    sampler: { type: 'string' },
    chains: { type: 'string' },
    cycles: { type: 'string' },
    exploration: { type: 'string' },
    'samples-per-cycle': { type: 'string' },
    'burn-in': { type: 'string' },
    thin: { type: 'string' },
    temperature: { type: 'string' },
    friction: { type: 'string' },
    'warm-start': { type: 'string' },
    warmup: { type: 'string' },
    'leapfrog-steps': { type: 'string' },
    nuts: { type: 'boolean' },
    'max-tree-depth': { type: 'string' },
    'step-size': { type: 'string' },
    'target-accept': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

/** Largest value accepted for counts (epochs, widths, members, batch size). */
const MAX_COUNT = 1_000_000;

export function parseNumber(text: string, name: string, ok: (v: number) => boolean, range: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v) || !ok(v)) throw new UsageError(`--${name} must be ${range}, got '${text}'`);
  return v;
}

type CliMethod = TrainMethod | typeof LAPLACE_METHOD;
const CLI_METHODS: readonly CliMethod[] = [...TRAIN_METHODS, LAPLACE_METHOD];

function parseMethod(text: string): CliMethod {
  const m = CLI_METHODS.find((v) => v === text);
  if (!m) throw new UsageError(`--method must be one of ${CLI_METHODS.join(', ')}, got '${text}'`);
  return m;
}

const SWAG_FLAGS = ['swa-epochs', 'swa-lr', 'swag-rank', 'swag-samples', 'swag-scale', 'swag-variant'] as const;

/** The swag flags given, as TrainOptions.swag (trainSwag checks the values' ranges; here only their form). */
function parseSwagFlags(opt: (name: string) => string | undefined): SwagOptions {
  const count = (name: string, min: number) => {
    const text = opt(name);
    return text === undefined ? undefined : parseIntegerOption(text, name, min, MAX_COUNT);
  };
  const positive = (name: string) => {
    const text = opt(name);
    return text === undefined ? undefined : parseNumber(text, name, (v) => v > 0, 'a positive number');
  };
  const variant = opt('swag-variant');
  if (variant !== undefined && variant !== 'low-rank' && variant !== 'diagonal') throw new UsageError(`--swag-variant must be low-rank or diagonal, got '${variant}'`);
  const entries = {
    swaEpochs: count('swa-epochs', 2),
    swaLr: positive('swa-lr'),
    rank: count('swag-rank', 2),
    samples: count('swag-samples', 1),
    scale: positive('swag-scale'),
    variant,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/** --structure, --prior-precision and --samples of --method laplace. */
function laplaceFlags(structureText: string | undefined, priorText: string | undefined, samplesText: string | undefined): LaplaceOptions {
  const structure = structureText === undefined ? undefined : LAPLACE_STRUCTURES.find((v) => v === structureText);
  if (structureText !== undefined && structure === undefined) throw new UsageError(`--structure must be one of ${LAPLACE_STRUCTURES.join(', ')}, got '${structureText}'`);
  const priorPrecision = priorText === undefined || priorText === 'marglik' ? undefined : parseNumber(priorText, 'prior-precision', (v) => v > 0, "a positive number or 'marglik'");
  const samples = samplesText === undefined ? undefined : parseIntegerOption(samplesText, 'samples', 1, MAX_LAPLACE_SAMPLES);
  if (samples !== undefined && structure === 'diagonal')
    throw new UsageError('--samples applies to --structure last-layer and kfac (the diagonal posterior is sampled when predicting)');
  return {
    ...(structure === undefined ? {} : { structure: structure }),
    ...(priorPrecision === undefined ? {} : { priorPrecision }),
    ...(samples === undefined ? {} : { samples }),
  };
}

function parseLikelihood(text: string): TrainLikelihood {
  const l = TRAIN_LIKELIHOODS.find((v) => v === text);
  if (!l) throw new UsageError(`--likelihood must be one of ${TRAIN_LIKELIHOODS.join(', ')}, got '${text}'`);
  return l;
}

export function parseActivation(text: string): Activation {
  const a = ACTIVATIONS.find((v) => v === text);
  if (!a) throw new UsageError(`--activation must be one of ${ACTIVATIONS.join(', ')}, got '${text}'`);
  return a;
}

export function parseHidden(text: string): number[] {
  const parts = text.split(',').map((t) => t.trim());
  if (parts.some((t) => t === '')) throw new UsageError(`--hidden must be comma-separated layer widths such as 50,50, got '${text}'`);
  return parts.map((t) => parseIntegerOption(t, 'hidden', 1, MAX_COUNT));
}

function variance(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let s = 0;
  for (const v of values) s += (v - mean) ** 2 / values.length;
  return s;
}

export async function checkOutputDir(out: string): Promise<void> {
  const dir = dirname(out);
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`--out ${out}: '${dir}' is not a directory`);
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`--out ${out}: cannot write into '${dir}': ${describeFsError(cause)}`, { cause });
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

function meanLoss(loss: Float64Array): number {
  let sum = 0;
  for (const v of loss) sum += v;
  return sum / loss.length;
}

/**
 * Progress on standard error (standard output is for results): a line saying the GPU kernels are
 * compiling, then a redrawn bar on a terminal or a plain line about every 10% of the epochs. The
 * ETA leaves out the compilation (spent once, before the first epoch) and uses the time per epoch
 * since, so the first estimate is not inflated by it.
 */
export function progressReporter(io: CliIo, members: number): { start: () => void; onProgress: (p: TrainProgress) => void } {
  const tty = io.stderrIsTTY === true;
  let lastTenth = 0;
  const what = members > 1 ? 'mean loss' : 'loss';
  return {
    start: () => io.stderr(tty ? 'compiling GPU kernels...' : 'compiling GPU kernels...\n'),
    onProgress: (p) => {
      const perEpoch = (p.elapsedMs - p.compileMs) / p.epoch;
      const eta = perEpoch * (p.epochs - p.epoch);
      const loss = meanLoss(p.loss);
      const lossText = Number.isFinite(loss) ? loss.toPrecision(5) : String(loss);
      const width = String(p.epochs).length;
      const compiled = `kernels compiled in ${formatSeconds(p.compileMs)}`;
      if (tty) {
        const cells = 24;
        const done = Math.round((cells * p.epoch) / p.epochs);
        const bar = `[${'#'.repeat(done)}${'-'.repeat(cells - done)}]`;
        const tail = p.epoch === p.epochs ? `done in ${formatSeconds(p.elapsedMs)} (${compiled})\n` : `ETA ${formatSeconds(eta)}`;
        io.stderr(`\r\x1b[2Kepoch ${String(p.epoch).padStart(width)}/${p.epochs} ${bar} ${what} ${lossText}  ${tail}`);
        return;
      }
      if (p.epoch === 1) io.stderr(`${compiled}\n`);
      const tenth = Math.floor((10 * p.epoch) / p.epochs);
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      io.stderr(`epoch ${String(p.epoch).padStart(width)}/${p.epochs}  ${what} ${lossText}  elapsed ${formatSeconds(p.elapsedMs)}  ETA ${formatSeconds(eta)}\n`);
    },
  };
}

/** The sampler's flags and their TrainOptions.sampler fields (parsed here, checked by prepareRun). */
const SAMPLER_FLAGS = [
  ['cycles', 'cycles', 'int'],
  ['exploration', 'explorationFraction', 'number'],
  ['samples-per-cycle', 'samplesPerCycle', 'int'],
  ['burn-in', 'burnIn', 'int'],
  ['thin', 'thin', 'int'],
  ['temperature', 'temperature', 'number'],
  ['friction', 'friction', 'number'],
  ['sampler', 'kind', 'kind'],
] as const;

function samplerFlags(opt: (name: string) => string | undefined): SamplerOptions {
  const sampler: Record<string, number | string> = {};
  for (const [flagName, field, kind] of SAMPLER_FLAGS) {
    const text = opt(flagName);
    if (text === undefined) continue;
    if (kind === 'kind') {
      if (!(SAMPLER_KINDS as readonly string[]).includes(text)) throw new UsageError(`--sampler must be one of ${SAMPLER_KINDS.join(', ')}, got '${text}'`);
      sampler[field] = text;
    } else if (kind === 'int') sampler[field] = parseIntegerOption(text, flagName, 0, MAX_COUNT);
    else sampler[field] = parseNumber(text, flagName, (v) => v > 0, 'a positive number');
  }
  return sampler;
}

/** The sampler in the start line: kind, step size, schedule and what is kept. */
function describeSampler(run: PreparedRun): string {
  const s = run.sampler;
  if (!s) return '';
  const schedule = s.cycles === 0 ? 'constant step' : `${s.cycles} cycles`;
  const friction = s.kind === 'sghmc' ? `, friction ${s.friction}` : '';
  return `${s.kind.toUpperCase()} step ${run.lr} (${schedule}${friction}, temperature ${s.temperature}), ${s.sampleEpochs.length} samples per chain`;
}

/**
 * R-hat and ESS across the chains (src/mcmc/chain-diagnostics.ts) of the predicted mean at three data
 * rows (first, middle, last) and of log sigma when sampled; null with fewer than 4 samples per chain.
 */
function samplerDiagnostics(chains: readonly (readonly Model[])[], x: Float64Array, inputs: number, rows: number): ChainDiagnostics | null {
  if ((chains[0]?.length ?? 0) < 4) return null;
  const probes = [0, Math.floor(rows / 2), rows - 1].map((r) => x.subarray(r * inputs, (r + 1) * inputs));
  return chainDiagnostics(chains, probes);
}

function describeDiagnostics(d: ChainDiagnostics): string {
  const each = d.quantities.map((q) => `${q.name} ${q.rHat.toFixed(3)}/${Math.round(q.ess)}`).join(', ');
  return `chains ${d.chains} x ${d.drawsPerChain} samples: split R-hat/ESS ${each}`;
}

/** HMC's flags as TrainOptions.hmc (their methods are checked with the other flags'). */
const HMC_ONLY_FLAGS = ['warmup', 'leapfrog-steps', 'max-tree-depth', 'step-size', 'target-accept'] as const;

/** The hmc flags given (--chains, --samples, --thin shared with sgmcmc and laplace), as TrainOptions.hmc. */
function parseHmcOptions(opt: (name: string) => string | undefined, nuts: boolean): HmcOptions {
  if (nuts && opt('leapfrog-steps') !== undefined)
    throw new UsageError("--leapfrog-steps does not apply with --nuts (NUTS chooses each trajectory's length; bound it with --max-tree-depth)");
  if (!nuts && opt('max-tree-depth') !== undefined) throw new UsageError('--max-tree-depth applies with --nuts');
  const count = (name: string, min: number) => {
    const text = opt(name);
    return text === undefined ? undefined : parseIntegerOption(text, name, min, MAX_COUNT);
  };
  const real = (name: string, ok: (v: number) => boolean, range: string) => {
    const text = opt(name);
    return text === undefined ? undefined : parseNumber(text, name, ok, range);
  };
  const values = {
    chains: count('chains', 1),
    warmup: count('warmup', 0),
    samples: count('samples', 1),
    thin: count('thin', 1),
    leapfrogSteps: count('leapfrog-steps', 1),
    maxTreeDepth: opt('max-tree-depth') === undefined ? undefined : parseIntegerOption(opt('max-tree-depth') ?? '', 'max-tree-depth', 1, MAX_TREE_DEPTH),
    algorithm: nuts ? ('nuts' as const) : undefined,
    stepSize: real('step-size', (v) => v > 0, 'a positive number'),
    targetAccept: real('target-accept', (v) => v > 0 && v < 1, 'a number strictly between 0 and 1'),
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** The sampler's diagnostics for standard error: per chain acceptance, divergences and step size, per posterior R-hat and ESS. */
export function describeMcmc(mcmc: McmcDiagnostics): string {
  const f = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  const lines = mcmc.chains.map(
    (c, m) =>
      `chain ${m}: ${c.tree ? 'moved' : 'acceptance'} ${f(c.acceptRate, 2)} (mean probability ${f(c.meanAcceptProb, 2)}), step size ${c.stepSize.toPrecision(3)}, divergences ${c.divergences} (warm-up ${c.warmupDivergences})` +
      (c.tree ? `, tree depth ${f(c.tree.meanDepth, 1)} (${f(c.tree.meanLeapfrogSteps, 1)} leapfrog steps, ${c.tree.maxDepthHits} at the limit)` : ''),
  );
  for (const p of mcmc.posteriors) {
    const probes = p.probes.map((q) => `row ${q.row} R-hat ${f(q.rHat)} ESS ${f(q.ess, 0)}`).join('; ');
    const sigma = p.logSigma ? `, log sigma R-hat ${f(p.logSigma.rHat)} ESS ${f(p.logSigma.ess, 0)}` : '';
    lines.push(`chains ${p.chains.join(',')}: potential R-hat ${f(p.potential.rHat)} ESS ${f(p.potential.ess, 0)}${sigma}; output at ${probes}`);
  }
  return lines.join('\n') + '\n';
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a BNN (vi, mc-dropout, ensemble, map, hmc, laplace, sgmcmc, swag, concrete-dropout) on a CSV file and write the model',
  help: HELP,
  async run(args, io) {
    const line = parseCommand(args, GRAMMAR);
    const dataPath = requiredOption(line, 'data', 'train');
    const targetText = stringOption(line, 'target');
    if (targetText === undefined) throw new UsageError(`train: --target <column> is required (see 'webgpu-bnn train --help')`);
    const methodText = stringOption(line, 'method');
    if (methodText === undefined) throw new UsageError(`train: --method ${CLI_METHODS.join('|')} is required (see 'webgpu-bnn train --help')`);
    const method = parseMethod(methodText);
    const out = requiredOption(line, 'out', 'train');
    const opt = (name: string) => stringOption(line, name);
    const hidden = parseHidden(opt('hidden') ?? '50');
    const activation = parseActivation(opt('activation') ?? 'relu');
    const hmcMethod = method === 'hmc';
    const epochs = parseIntegerOption(opt('epochs') ?? '100', 'epochs', hmcMethod ? 0 : 1, MAX_COUNT);
    const batchText = opt('batch-size');
    const batchSize = parseIntegerOption(batchText ?? '128', 'batch-size', 1, MAX_COUNT);
    const lrText = opt('lr');
    const lr = lrText === undefined ? (method === 'vi' || hmcMethod ? 1e-2 : 1e-3) : parseNumber(lrText, 'lr', (v) => v > 0, 'a positive number');
    const nuts = flag(line, 'nuts');
    if (nuts && !hmcMethod) throw new UsageError(`--nuts does not apply to --method ${method}`);
    const hmc = hmcMethod ? parseHmcOptions(opt, nuts) : undefined;
    const dropoutText = opt('dropout');
    const concrete = method === 'concrete-dropout';
    const dropout =
      dropoutText === undefined
        ? concrete
          ? INIT_CONCRETE_DROPOUT
          : 0.05
        : concrete
          ? parseNumber(dropoutText, 'dropout', (v) => v > 0 && v < 1, 'a number in (0, 1)')
          : parseNumber(dropoutText, 'dropout', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    const lengthScaleText = opt('length-scale');
    const lengthScale = lengthScaleText === undefined ? undefined : parseNumber(lengthScaleText, 'length-scale', (v) => v > 0, 'a positive number');
    const tauText = opt('tau');
    const tauGiven = tauText === undefined ? undefined : parseNumber(tauText, 'tau', (v) => v > 0, 'a positive number');
    const priorText = opt('prior-scale');
    const priorScale = priorText === undefined ? 1 : parseNumber(priorText, 'prior-scale', (v) => v > 0, 'a positive number');
    const membersText = opt('members');
    const members = membersText === undefined ? 5 : parseIntegerOption(membersText, 'members', 1, MAX_COUNT);
    const epsilonText = opt('adversarial-epsilon');
    const epsilon = epsilonText === undefined ? undefined : parseNumber(epsilonText, 'adversarial-epsilon', (v) => v > 0, 'a positive number');
    const seedText = opt('seed');
    const seed = seedText === undefined ? 0 : parseIntegerOption(seedText, 'seed', 0, Number.MAX_SAFE_INTEGER);
    const json = flag(line, 'json');
    const heteroscedastic = flag(line, 'heteroscedastic');
    const betaText = opt('beta-nll');
    const betaNll = betaText === undefined ? undefined : parseNumber(betaText, 'beta-nll', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
    const likelihood = parseLikelihood(opt('likelihood') ?? 'normal');
    const classesText = opt('classes');
    const classes = classesText === undefined ? undefined : parseIntegerOption(classesText, 'classes', 2, MAX_COUNT);
    const dfText = opt('df');
    const df = dfText === undefined ? undefined : parseNumber(dfText, 'df', (v) => v > 0, 'a positive number');
    // Only normal and student-t targets have a noise scale (tau) and are standardised.
    const scaled = likelihood === 'normal' || likelihood === 'student-t';
    for (const [name, given, applies] of [
      ['classes', classesText, likelihood === 'categorical'],
      ['df', dfText, likelihood === 'student-t'],
      ['tau', tauText, scaled],
      ['heteroscedastic', heteroscedastic ? 'on' : undefined, scaled],
      ['beta-nll', betaText, scaled],
    ] as const) {
      if (given !== undefined && !applies) throw new UsageError(`--${name} does not apply to --likelihood ${likelihood}`);
    }
    const sgmcmc = method === 'sgmcmc';
    const chainsText = opt('chains');
    const chains = chainsText === undefined ? 4 : parseIntegerOption(chainsText, 'chains', 1, MAX_COUNT);
    const sampler = samplerFlags(opt);
    const warmStartText = opt('warm-start');
    const warmStartEpochs = warmStartText === undefined ? 0 : parseIntegerOption(warmStartText, 'warm-start', 0, MAX_COUNT);
    for (const [name, given, applies] of [
      ['dropout', dropoutText, method === 'mc-dropout' || concrete],
      ['length-scale', lengthScaleText, method === 'mc-dropout' || concrete],
      ['tau', tauText, method === 'mc-dropout' || sgmcmc || hmcMethod],
      ['prior-scale', priorText, method === 'vi' || method === 'map' || sgmcmc || hmcMethod || method === 'swag' || method === 'laplace'],
      ['chains', chainsText, sgmcmc || hmcMethod],
      ['warm-start', warmStartText, sgmcmc],
      ['batch-size', batchText, !hmcMethod],
      ...SAMPLER_FLAGS.filter(([flagName]) => flagName !== 'thin').map(([flagName]) => [flagName, opt(flagName), sgmcmc] as const),
      ['thin', opt('thin'), sgmcmc || hmcMethod],
      ...HMC_ONLY_FLAGS.map((name) => [name, opt(name), hmcMethod] as const),
      ['members', membersText, method === 'ensemble'],
      ['adversarial-epsilon', epsilonText, method === 'ensemble' || method === 'map' || method === 'swag' || method === 'laplace'],
      ...SWAG_FLAGS.map((name) => [name, opt(name), method === 'swag'] as const),
      ['structure', opt('structure'), method === 'laplace'],
      ['posterior-out', opt('posterior-out'), method === 'laplace'],
      ['prior-precision', opt('prior-precision'), method === 'laplace'],
      ['samples', opt('samples'), method === 'laplace' || hmcMethod],
      ['beta-nll', betaText, method !== 'vi' && !sgmcmc && !hmcMethod],
    ] as const) {
      if (given !== undefined && !applies) throw new UsageError(`--${name} does not apply to --method ${method}`);
    }
    // The head learns the noise: a fixed precision beside it would be ignored.
    if (heteroscedastic && tauText !== undefined) throw new UsageError('--tau does not apply with --heteroscedastic (the head learns the noise scale)');
    if (betaText !== undefined && !heteroscedastic && method !== 'ensemble')
      throw new UsageError(`--beta-nll weights a heteroscedastic head's NLL: add --heteroscedastic for --method ${method}`);

    // The data, the target and the output folder are checked before the GPU is touched.
    const table = await readTableFile(dataPath, 'data');
    const source = `data file '${dataPath}'`;
    const targetTexts = targetText.split(',').map((t) => t.trim());
    if (likelihood !== 'dirichlet' && targetTexts.length > 1) throw new UsageError(`--target names one column for --likelihood ${likelihood}, got '${targetText}'`);
    if (likelihood === 'dirichlet' && targetTexts.length < 2) throw new UsageError(`--likelihood dirichlet needs --target a,b,... naming its K >= 2 columns, got '${targetText}'`);
    const targets = targetTexts.map((t) => resolveTarget(table, t, source));
    if (new Set(targets).size !== targets.length) throw new UsageError(`--target names a column twice: '${targetText}'`);
    if (table.cols < targets.length + 1)
      throw new InvalidInputError(`${source} has ${table.cols} column${table.cols === 1 ? '' : 's'}; it needs the target and at least one input`);
    if (table.rows < 2) throw new InvalidInputError(`${source} has ${table.rows} row; training needs at least 2`);
    await checkOutputDir(out);
    const posteriorOut = opt('posterior-out');
    if (posteriorOut !== undefined) {
      if (likelihood !== 'normal') throw new UsageError(`--posterior-out holds a normal likelihood's Laplace posterior (regression), not --likelihood ${likelihood}`);
      if (posteriorOut === out) throw new UsageError(`--posterior-out and --out name the same file '${out}'`);
      await checkOutputDir(posteriorOut);
    }
    const target = targets[0] as number;
    const split = likelihood === 'dirichlet' ? splitTargetColumns(table, targets) : splitColumns(table, target);
    const { x, inputs } = split;
    const y = split.y;
    const targetName = targets.map((t) => table.header?.[t] ?? `column ${t}`).join(',');
    const yVar = split.y instanceof Float64Array ? variance(split.y) : 0;
    const tau = tauGiven ?? (yVar > 0 ? 100 / yVar : 100);
    const arch: ArchitectureSpec = { inputDim: inputs, hidden, activation };
    const count = method === 'ensemble' ? members : sgmcmc ? chains : 1;
    const hyper: ModelHyper =
      method === 'mc-dropout'
        ? scaled && !heteroscedastic
          ? { dropout, tau }
          : { dropout }
        : concrete
          ? { dropout }
          : (sgmcmc || hmcMethod) && tauGiven !== undefined
            ? { priorScale, tau: tauGiven }
            : { priorScale };
    // Members (and chains) differ through their stream (ModelHyper.stream, by default the member index): each draws its
    // own initialisation and minibatch order, the same as member k of any larger ensemble of this seed.
    const models = Array.from({ length: count }, (): ModelHyper => hyper);
    const progress = progressReporter(io, count);
    const swag = method === 'swag' ? parseSwagFlags(opt) : undefined;
    const laplace = method === 'laplace' ? laplaceFlags(opt('structure'), opt('prior-precision'), opt('samples')) : undefined;
    const fitMethod: TrainMethod = method === 'laplace' ? 'map' : method;
    const options: TrainOptions = {
      method: fitMethod,
      ...(swag === undefined ? {} : { swag }),
      likelihood,
      ...(classes === undefined ? {} : { classes }),
      ...(df === undefined ? {} : { degreesOfFreedom: df }),
      epochs,
      ...(hmc ? { hmc } : { batchSize }),
      lr,
      seed,
      models,
      ...(epsilon === undefined ? {} : { adversarialEpsilon: epsilon }),
      ...(lengthScale === undefined ? {} : { lengthScale }),
      ...(heteroscedastic ? { heteroscedastic } : {}),
      ...(betaNll === undefined ? {} : { betaNll }),
      ...(sgmcmc ? { sampler } : {}),
      onProgress: progress.onProgress,
    };

    // The whole request (labels, proportions, options) is checked before the GPU is touched.
    const swagResolved = swag ? readSwagOptions(options) : undefined;
    const prepared = prepareRun(arch, { x, y }, method === 'swag' ? pretrainOptions(options) : options);
    const resolvedLaplace = laplace === undefined ? undefined : resolveLaplaceOptions(laplace, prepared.likelihood);
    const outputs = likelihoodUnits(prepared.likelihood, method === 'swag' || method === 'laplace' ? 'map' : objectiveMethod(fitMethod));
    const samples = sgmcmc ? count * prepared.snapshotEpochs.length : 0;
    if (samples > MAX_ENSEMBLE_MEMBERS) {
      throw new UsageError(
        `--method sgmcmc keeps ${count} chains x ${prepared.snapshotEpochs.length} samples = ${samples}; the file holds at most ${MAX_ENSEMBLE_MEMBERS} (thin more, or fewer chains)`,
      );
    }
    const kept = prepared.hmc ? prepared.hmc.chains * prepared.hmc.samples : 0;
    if (kept > MAX_ENSEMBLE_MEMBERS)
      throw new UsageError(
        `hmc keeps --chains ${prepared.hmc?.chains ?? 0} x --samples ${prepared.hmc?.samples ?? 0} = ${kept} samples; an ensemble file holds at most ${MAX_ENSEMBLE_MEMBERS} (lower --chains or --samples; --thin spaces the kept ones out)`,
      );
    await withContext(io, async (ctx) => {
      const shape = `${inputs}-${hidden.join('-')}-${outputs} ${activation}`;
      io.stderr(
        `training ${method}${likelihood === 'normal' ? '' : ` (${likelihood}${prepared.likelihood.classes > 0 ? `, ${prepared.likelihood.classes} classes` : ''})`}${count > 1 ? ` (${count} members)` : ''}, ${shape}, on ${table.rows} rows of ${basename(dataPath)} ` +
          `(target '${targetName}'), ` +
          (hmcMethod
            ? `${prepared.hmc?.chains ?? 0} chains x (${prepared.hmc?.warmup ?? 0} warm-up + ${prepared.hmc?.samples ?? 0} kept) transitions of ${prepared.hmc?.algorithm === 'nuts' ? `NUTS (tree depth at most ${prepared.hmc.maxTreeDepth})` : `${prepared.hmc?.leapfrogSteps ?? 0} leapfrog steps`} after ${epochs} full-batch MAP steps, Adam lr ${lr}`
            : `${epochs} epochs, batch ${Math.min(batchSize, table.rows)}, ${sgmcmc ? describeSampler(prepared) : `Adam lr ${lr}`}`) +
          `${warmStartEpochs > 0 ? `, from a map fit of ${warmStartEpochs} epochs (Adam lr ${DEFAULT_WARM_START_LR})` : ''}` +
          `${method === 'mc-dropout' ? `, dropout ${dropout}${heteroscedastic ? '' : `, tau ${Number(tau.toPrecision(6))}`}` : ''}` +
          `${concrete ? `, initial dropout ${dropout}` : ''}` +
          `${heteroscedastic ? ', heteroscedastic noise' : ''}` +
          `${prepared.likelihood.betaNll > 0 ? `, beta-NLL ${prepared.likelihood.betaNll}` : ''}` +
          `${epsilon === undefined ? '' : `, adversarial epsilon ${epsilon}`}` +
          `${swagResolved ? `; then SWA: SGD lr ${swagResolved.swaLr} for ${swagResolved.swaEpochs} epochs, ${swagResolved.variant === 'diagonal' ? 'SWAG-Diagonal' : `rank ${swagResolved.rank}, ${swagResolved.samples} draws`}` : ''}; adapter ${describeAdapter(ctx)}\n`,
      );
      progress.start();
      const fitted = method === 'swag' ? await trainSwag(ctx, arch, { x, y }, options) : null;
      const laplaceResult = laplace === undefined ? undefined : await trainLaplace(ctx, arch, { x, y }, { ...options, method: LAPLACE_METHOD, laplace });
      const result = fitted
        ? { ...fitted.swa, history: [...fitted.pretrain.history, ...fitted.swa.history], elapsedMs: fitted.elapsedMs }
        : (laplaceResult?.map ??
          (await train(
            ctx,
            arch,
            { x, y },
            warmStartEpochs > 0 ? { ...options, initialTheta: await mapWarmStart(ctx, arch, { x, y }, options, { epochs: warmStartEpochs }) } : options,
          )));
      const written = fitted ? (fitted.models[0] ?? []) : laplaceResult ? (laplaceResult.models[0] ?? []) : sgmcmc || hmcMethod ? result.snapshots.flat() : result.models;
      const posterior = laplaceResult?.fits[0]?.posterior;
      const final = result.history.at(-1);
      // The samplers' samples, every chain's, are the posterior: one delta member each.
      const diagnostics = sgmcmc ? samplerDiagnostics(result.snapshots, x, inputs, table.rows) : null;
      if (diagnostics) io.stderr(`${describeDiagnostics(diagnostics)}\n`);
      await writeFile(out, written.length > 1 || method === 'ensemble' ? ensembleToBytes(written) : modelToBytes(written[0] as Model));
      const fit = laplaceResult?.fits[0];
      if (posteriorOut !== undefined && fit) await writeFile(posteriorOut, laplaceFitToBytes(fit));
      if (result.mcmc) io.stderr(describeMcmc(result.mcmc));
      const finalLoss = final ? meanLoss(final) : NaN;
      // Concrete dropout's learnt rate on each layer's input, as the model records it.
      const rates = concrete ? (result.models[0] as Model).spec.layers.map((l) => l.dropout) : null;
      if (json) {
        io.stdout(
          JSON.stringify({
            out,
            method,
            likelihood,
            heteroscedastic: prepared.likelihood.heteroscedastic || (method === 'ensemble' && scaled),
            ...(prepared.likelihood.betaNll > 0 ? { betaNll: prepared.likelihood.betaNll } : {}),
            members: written.length,
            ...(fitted ? { swag: fitted.swag } : {}),
            ...(sgmcmc ? { chains: count, sampler: prepared.sampler, warmStartEpochs, diagnostics } : {}),
            architecture: shape,
            rows: table.rows,
            target: targetName,
            epochs,
            batchSize: Math.min(batchSize, table.rows),
            lr,
            seed,
            adapter: ctx.adapter,
            elapsedMs: result.elapsedMs,
            finalLoss: Number.isFinite(finalLoss) ? finalLoss : null,
            lossHistory: result.history.map((l) => meanLoss(l)),
            ...(rates ? { dropoutRates: rates } : {}),
            ...(posterior && resolvedLaplace
              ? {
                  laplace: {
                    structure: resolvedLaplace.structure,
                    samples: written.length,
                    priorPrecision: posterior.priorPrecision,
                    priorPrecisionTuned: resolvedLaplace.priorPrecision === 'marglik',
                    sigma: Number.isNaN(posterior.sigma) ? null : posterior.sigma,
                    logEvidence: posterior.logEvidence,
                    ...(posteriorOut === undefined ? {} : { posteriorOut }),
                  },
                }
              : {}),
            ...(result.mcmc ? { samples: written.length, mcmc: { chains: result.mcmc.chains, posteriors: result.mcmc.posteriors } } : {}),
          }) + '\n',
        );
      } else {
        io.stdout(
          `wrote ${out}${sgmcmc || hmcMethod ? ` (${written.length} samples of ${hmcMethod ? (prepared.hmc?.chains ?? 0) : count} chains)` : posterior && resolvedLaplace ? ` (laplace ${resolvedLaplace.structure}${written.length > 1 ? `, ${written.length} draws` : ''}, prior precision ${posterior.priorPrecision.toPrecision(4)}, log evidence ${posterior.logEvidence.toPrecision(6)})` : written.length > 1 ? ` (ensemble of ${written.length} ${method === 'swag' ? 'SWAG draws' : 'members'})` : ''}: trained in ${formatSeconds(result.elapsedMs)}, final ${count > 1 ? 'mean ' : ''}loss ${Number.isFinite(finalLoss) ? finalLoss.toPrecision(5) : 'n/a'}` +
            `${rates ? `, learnt dropout rates ${rates.map((p) => p.toPrecision(3)).join(', ')}` : ''}` +
            `${posteriorOut === undefined ? '' : `; the posterior to ${posteriorOut} (predict it for the linearised predictive)`}\n`,
        );
      }
    });
    return 0;
  },
};
