/**
 * The Fashion-MNIST benchmark runner behind `npm run bench:fmnist -- [options]` (bench/fmnist.ts):
 * reads the data (installing the Debian package when missing), runs every method with webgpu-bnn
 * and then with the PyTorch peer, checks both saw the same data, and prints the table (or JSON
 * with --json). Progress goes to stderr. User mistakes: one line, exit 2.
 */
import { parseArgs } from 'node:util';
import { BnnError, InvalidInputError, isCallerError } from '../../src/errors.js';
import { describeAdapter } from '../../src/gpu/adapter-line.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { createNodeContext } from '../../src/node/device.js';
import { loadFashionMnist, resolveDataDir, selectProtocolData, type ProtocolData } from './data.js';
import { runLibraryMethod, type LibraryMethodResult } from './library-side.js';
import { defaultPython, runPeer, type PeerResult } from './peer.js';
import { DEFAULT_SETTINGS, parseMethods, peerArguments, type FmnistMethod, type FmnistSettings } from './settings.js';
import { resultsTable, type SideResults } from './table.js';

export interface FmnistIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Supplies the WebGPU context (borrowed, left alive). Default: createNodeContext(), destroyed at the end. */
  readonly context?: () => Promise<GpuContext>;
}

const D = DEFAULT_SETTINGS;

export const FMNIST_HELP = `Usage: npm run bench:fmnist -- [options]

Fashion-MNIST uncertainty benchmark (bench/README.md): an MLP 784-hidden-5 trained on classes
0-4 by MC dropout, VI (local reparameterisation) and a deep ensemble, with webgpu-bnn and then
with the same protocol in PyTorch; test accuracy, NLL, Brier, ECE (15 bins), and the AUROC of
predictive entropy (H) and mutual information (MI) against classes 5-9 and uniform noise.

Options (defaults in brackets):
  --data-dir <folder>      the four idx .gz files [/usr/share/datasets/fashion-mnist, installed
                           with apt-get install -y dataset-fashion-mnist when missing, as root]
  --methods <a,b>          some of mc-dropout, vi, ensemble [all]
  --train-per-class <n>    training images per class 0-4, the first in file order [${D.trainPerClass}]
  --test-per-class <n>     test images per class, classes 0-4 and 5-9 alike [${D.testPerClass}]
  --noise <n>              uniform-noise images [${D.noise}]
  --noise-seed <k>         their mulberry32 seed [${D.noiseSeed}]
  --hidden <units>         hidden ReLU units [${D.hidden}]
  --epochs <n>             [${D.epochs}]
  --batch <n>              [${D.batch}]
  --lr <x>                 Adam rate, MC dropout and ensemble members [${D.lr}]
  --vi-lr <x>              Adam rate, VI [${D.viLr}]
  --dropout <p>            MC dropout rate on the input and hidden layer [${D.dropout}]
  --length-scale <l>       MC dropout weight decay p l^2 / (2 N) [${D.lengthScale}]
  --prior-scale <s>        VI prior std [${D.priorScale}]
  --samples <S>            predictive samples, MC dropout and VI [${D.samples}]
  --members <M>            ensemble members [${D.members}]
  --seed <k>               [${D.seed}]
  --python <path>          python3 with torch [$BNN_PYTHON, else /usr/bin/python3 when
                           present, else python3]
  --threads <n>            PyTorch's threads [2]
  --no-torch               webgpu-bnn only
  --no-library             PyTorch only
  --json                   print the results as JSON instead of the table
  -h, --help               show this help
`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  methods: { type: 'string' },
  'train-per-class': { type: 'string' },
  'test-per-class': { type: 'string' },
  noise: { type: 'string' },
  'noise-seed': { type: 'string' },
  hidden: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'vi-lr': { type: 'string' },
  dropout: { type: 'string' },
  'length-scale': { type: 'string' },
  'prior-scale': { type: 'string' },
  samples: { type: 'string' },
  members: { type: 'string' },
  seed: { type: 'string' },
  python: { type: 'string' },
  threads: { type: 'string' },
  'no-torch': { type: 'boolean' },
  'no-library': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HINT = "see 'npm run bench:fmnist -- --help'";

function integer(text: string | undefined, name: string, min: number, fallback: number): number {
  if (text === undefined) return fallback;
  const v = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(v) || v < min) throw new InvalidInputError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return v;
}

function positive(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = text.trim() === '' ? NaN : Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new InvalidInputError(`--${name} must be a positive number, got '${text}'`);
  return v;
}

function rate(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = text.trim() === '' ? NaN : Number(text);
  if (!(v >= 0 && v < 1)) throw new InvalidInputError(`--${name} must be in [0, 1), got '${text}'`);
  return v;
}

/** The settings from parsed options (exported for tests). */
export function settingsFrom(str: (name: keyof typeof OPTIONS) => string | undefined): FmnistSettings {
  const methods = str('methods');
  return {
    methods: methods === undefined ? D.methods : parseMethods(methods),
    trainPerClass: integer(str('train-per-class'), 'train-per-class', 1, D.trainPerClass),
    testPerClass: integer(str('test-per-class'), 'test-per-class', 1, D.testPerClass),
    noise: integer(str('noise'), 'noise', 1, D.noise),
    noiseSeed: integer(str('noise-seed'), 'noise-seed', 0, D.noiseSeed),
    hidden: integer(str('hidden'), 'hidden', 1, D.hidden),
    epochs: integer(str('epochs'), 'epochs', 1, D.epochs),
    batch: integer(str('batch'), 'batch', 1, D.batch),
    lr: positive(str('lr'), 'lr', D.lr),
    viLr: positive(str('vi-lr'), 'vi-lr', D.viLr),
    dropout: rate(str('dropout'), 'dropout', D.dropout),
    lengthScale: positive(str('length-scale'), 'length-scale', D.lengthScale),
    priorScale: positive(str('prior-scale'), 'prior-scale', D.priorScale),
    samples: integer(str('samples'), 'samples', 1, D.samples),
    members: integer(str('members'), 'members', 1, D.members),
    seed: integer(str('seed'), 'seed', 0, D.seed),
  };
}

/** Runs the benchmark with `argv` (the arguments after the script name); resolves to the exit status. */
export async function runFmnistCli(argv: readonly string[], io: FmnistIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
    if (isCallerError(error)) {
      io.stderr(`fmnist: ${message}\n`);
      return 2;
    }
    const kind = error instanceof BnnError ? error.code : error instanceof Error ? error.name : 'error';
    io.stderr(`fmnist: internal error: ${kind}: ${message}\n`);
    return 1;
  }
}

/** Relative agreement of the two sides' data checksums (summation order differs). */
const CHECKSUM_TOLERANCE = 1e-9;

async function run(argv: readonly string[], io: FmnistIo): Promise<number> {
  let values: Partial<Record<keyof typeof OPTIONS, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    throw new InvalidInputError(`${message.replace(/\. To specify a positional argument.*$/, '')} (${HINT})`, { cause: error });
  }
  if (values.help === true) {
    io.stdout(FMNIST_HELP);
    return 0;
  }
  const str = (name: keyof typeof OPTIONS): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const settings = settingsFrom(str);
  const threads = integer(str('threads'), 'threads', 1, 2);
  const withLibrary = values['no-library'] !== true;
  const withTorch = values['no-torch'] !== true;
  if (!withLibrary && !withTorch) throw new InvalidInputError(`--no-torch and --no-library leave nothing to run (${HINT})`);
  const log = (line: string) => io.stderr(`${line}\n`);
  const dataDir = resolveDataDir(str('data-dir'), log);
  const data = selectProtocolData(await loadFashionMnist(dataDir), settings);
  log(`fmnist: ${data.train.rows} training images (classes 0-4), ${data.test.rows} test, ${data.ood.rows} of classes 5-9, ${data.noise.rows} noise, from ${dataDir}`);

  const sides: SideResults[] = [];
  let library: Partial<Record<FmnistMethod, LibraryMethodResult>> | null = null;
  let adapter: string | null = null;
  if (withLibrary) {
    const ctx = io.context ? await io.context() : await createNodeContext();
    adapter = describeAdapter(ctx);
    log(`fmnist: ${adapter}`);
    try {
      library = await runLibrary(ctx, data, settings, log);
    } finally {
      if (!io.context) ctx.device.destroy();
    }
    sides.push({ side: 'webgpu-bnn', methods: library });
  }
  let peer: PeerResult | null = null;
  if (withTorch) {
    const python = str('python') ?? defaultPython();
    peer = await runPeer(python, peerArguments(settings, dataDir, threads), log);
    checkSameData(data, peer);
    sides.push({ side: `PyTorch ${peer.torch}`, methods: peer.methods });
  }
  const table = resultsTable(settings.methods, sides);
  if (values.json === true) {
    io.stdout(
      `${JSON.stringify({ command: `npm run bench:fmnist -- ${argv.join(' ')}`.trim(), settings, adapter, data: dataSummary(data, dataDir), webgpuBnn: library, torch: peer }, null, 2)}\n`,
    );
  } else {
    if (adapter) io.stdout(`${adapter}\n\n`);
    io.stdout(table);
    if (library) {
      const worst = Math.max(...Object.values(library).map((r) => r.largestMetricDifference));
      io.stdout(`\nlibrary metrics against the benchmark's own from the same probabilities: largest |difference| ${worst.toExponential(2)}\n`);
    }
  }
  return 0;
}

async function runLibrary(ctx: GpuContext, data: ProtocolData, settings: FmnistSettings, log: (line: string) => void): Promise<Partial<Record<FmnistMethod, LibraryMethodResult>>> {
  const out: Partial<Record<FmnistMethod, LibraryMethodResult>> = {};
  for (const method of settings.methods) {
    log(`webgpu-bnn: ${method}...`);
    const r = await runLibraryMethod(ctx, data, method, settings, log);
    log(`webgpu-bnn: ${method}: accuracy ${r.accuracy.toFixed(4)}, train ${r.trainSeconds.toFixed(1)} s, predict ${r.predictSeconds.toFixed(1)} s`);
    out[method] = r;
  }
  return out;
}

function dataSummary(data: ProtocolData, dir: string) {
  return { dir, train: data.train.rows, test: data.test.rows, ood: data.ood.rows, noise: data.noise.rows, checksum: data.checksum };
}

/** Both sides must have selected the same rows and noise. */
export function checkSameData(data: ProtocolData, peer: PeerResult): void {
  const counts = [data.train.rows, data.test.rows, data.ood.rows, data.noise.rows];
  const theirs = [peer.data.train, peer.data.test, peer.data.ood, peer.data.noise];
  const close = Math.abs(peer.data.checksum - data.checksum) <= CHECKSUM_TOLERANCE * Math.abs(data.checksum);
  if (counts.some((c, i) => c !== theirs[i]) || !close) {
    throw new Error(`the PyTorch peer selected other data: counts ${theirs.join('/')} against ${counts.join('/')}, checksum ${peer.data.checksum} against ${data.checksum}`);
  }
}
