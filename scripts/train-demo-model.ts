/**
 * Trains the model that `webgpu-bnn demo` and the demo page open on, with the library's own GPU
 * trainer, and writes it with its training data:
 *
 *   data/toy1d-gap.csv                  80 points (x, y): y = sin(2x) + N(0, 0.1²) noise, x uniform
 *                                       on [-2, -0.5] ∪ [0.5, 2] (a gap around 0, nothing beyond ±2)
 *   models/toy1d-ensemble.safetensors   a deep ensemble of 5 ReLU MLPs 1-32-32-(mean, scale)
 *
 * Run: `npm run build && node dist/scripts/train-demo-model.js` (models/README.md records the
 * settings and what the run printed). Everything is seeded, so the same machine writes the same
 * bytes; another GPU may round float32 differently and write slightly different weights.
 *
 * Why a deep ensemble: on this data mean-field VI and MC dropout both put their narrowest band in
 * the gap (the known "in-between" failure of factorised posteriors, Foong et al. 2019), while the
 * members of an ensemble agree on the data and disagree in the gap and beyond it. The script
 * checks that this holds for the model it wrote (fit on the data, epistemic std growing away from
 * it) and fails otherwise, so a retrained model that no longer shows it is never shipped silently.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { mixtureAsPrediction, predictEnsemble } from '../src/infer/ensemble.js';
import { ensembleToBytes } from '../src/model/ensemble-file.js';
import { createNodeContext } from '../src/node/device.js';
import { train } from '../src/train/trainer.js';
import type { ArchitectureSpec, TrainOptions } from '../src/objective/types.js';

const DATA_FILE = 'data/toy1d-gap.csv';
const MODEL_FILE = 'models/toy1d-ensemble.safetensors';

/** The data: two clusters of POINTS_PER_SIDE points each, |x| in [GAP_HALF_WIDTH, DATA_EDGE]. */
const DATA = { seed: 1, pointsPerSide: 40, gapHalfWidth: 0.5, dataEdge: 2, frequency: 2, noiseStd: 0.1, decimals: 6 } as const;

const ARCHITECTURE: ArchitectureSpec = { inputDim: 1, hidden: [32, 32], activation: 'relu' };
const MEMBERS = 5;
/**
 * Adam at 1e-2 on minibatches of 32 (3 steps per epoch) for 500 epochs: the training NLL has
 * flattened by then (about -0.75 per point, the noise level of the data) and the members fit the
 * sine on both clusters. The same as `webgpu-bnn train --method ensemble --hidden 32,32
 * --epochs 500 --batch-size 32 --lr 0.01 --members 5 --seed 1` on the CSV.
 */
const TRAINING = { method: 'ensemble', epochs: 500, batchSize: 32, lr: 0.01, seed: 1 } as const;

/** The prediction grid of `webgpu-bnn demo` (data/toy1d-grid.csv): x = -3, -2.75, ..., 3. */
const GRID = Array.from({ length: 25 }, (_, i) => -3 + 0.25 * i);

/** What the shipped model must show (checked on the grid after training). */
const EXPECT = {
  /** RMSE of the predictive mean against sin(2x) at grid points inside the clusters. */
  maxRmseOnData: 0.1,
  /** Epistemic std in the gap and at ±3 at least this many times the average on the data. */
  minGrowth: 3,
} as const;

/** mulberry32 with Box-Muller normals: a small seeded generator, so the data is the same everywhere. */
function seededRandom(seed: number): { uniform(): number; normal(): number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/**
 * The points, alternating left and right cluster, rounded to the CSV's decimals: training reads
 * the numbers exactly as the CSV has them, so `webgpu-bnn train` on the CSV sees the same data.
 */
function gapData(): { x: number[]; y: number[] } {
  const r = seededRandom(DATA.seed);
  const round = (v: number) => Number(v.toFixed(DATA.decimals));
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 2 * DATA.pointsPerSide; i++) {
    const side = i % 2 === 0 ? -1 : 1;
    const xi = round(side * (DATA.gapHalfWidth + (DATA.dataEdge - DATA.gapHalfWidth) * r.uniform()));
    x.push(xi);
    y.push(round(Math.sin(DATA.frequency * xi) + DATA.noiseStd * r.normal()));
  }
  return { x, y };
}

/** The repository root: this file runs from dist/scripts/, its source is scripts/. */
function repositoryRoot(): string {
  const here = new URL('.', import.meta.url).pathname;
  return resolve(here, here.includes('/dist/') ? '../..' : '..');
}

function write(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function main(): Promise<void> {
  const root = repositoryRoot();
  const data = gapData();
  write(join(root, DATA_FILE), ['x,y', ...data.x.map((x, i) => `${x},${data.y[i] ?? NaN}`)].join('\n') + '\n');

  const ctx = await createNodeContext();
  try {
    const options: TrainOptions = {
      ...TRAINING,
      models: Array.from({ length: MEMBERS }, () => ({})), // members differ by their model index
      onProgress: ({ epoch, epochs, loss, elapsedMs }) => {
        if (epoch % 100 === 0 || epoch === epochs) {
          process.stdout.write(`epoch ${epoch}/${epochs}  mean NLL ${mean(Array.from(loss)).toFixed(4)}  ${(elapsedMs / 1000).toFixed(1)} s\n`);
        }
      },
    };
    const result = await train(ctx, ARCHITECTURE, { x: data.x.map((v) => [v]), y: data.y }, options);
    write(join(root, MODEL_FILE), ensembleToBytes(result.models));

    const p = mixtureAsPrediction(
      await predictEnsemble(
        ctx,
        result.models,
        GRID.map((v) => [v]),
      ),
    );
    const onData = (x: number) => Math.abs(x) >= DATA.gapHalfWidth && Math.abs(x) <= DATA.dataEdge;
    const dataRows = GRID.flatMap((x, i) => (onData(x) ? [i] : []));
    const epistemicAt = (x: number) => p.epistemicStd[GRID.findIndex((g) => Math.abs(g - x) < 1e-9)] ?? NaN;
    const epistemicOnData = mean(dataRows.map((i) => p.epistemicStd[i] ?? NaN));
    const rmse = Math.sqrt(mean(dataRows.map((i) => ((p.mean[i] ?? NaN) - Math.sin(DATA.frequency * (GRID[i] ?? NaN))) ** 2)));

    process.stdout.write(`\nwrote ${DATA_FILE} (${data.x.length} points) and ${MODEL_FILE} (${MEMBERS} members)\n`);
    process.stdout.write(`trained in ${(result.elapsedMs / 1000).toFixed(1)} s on ${ctx.adapter.description || ctx.adapter.architecture} (${ctx.adapter.vendor})\n\n`);
    process.stdout.write('     x      mean  sin(2x)  epistemic  aleatoric\n');
    GRID.forEach((x, i) => {
      const cells = [
        x.toFixed(2).padStart(6),
        (p.mean[i] ?? NaN).toFixed(4).padStart(9),
        Math.sin(DATA.frequency * x)
          .toFixed(4)
          .padStart(8),
      ];
      cells.push((p.epistemicStd[i] ?? NaN).toFixed(4).padStart(10), (p.aleatoricStd[i] ?? NaN).toFixed(4).padStart(10));
      process.stdout.write(`${cells.join(' ')}${onData(x) ? '' : '   (no data)'}\n`);
    });
    const growth = { gap: epistemicAt(0) / epistemicOnData, left: epistemicAt(-3) / epistemicOnData, right: epistemicAt(3) / epistemicOnData };
    process.stdout.write(
      `\nRMSE of the mean against sin(2x) on the data: ${rmse.toFixed(4)}\n` +
        `epistemic std: ${epistemicOnData.toFixed(4)} on the data (average), ` +
        `x${growth.gap.toFixed(1)} at x = 0, x${growth.left.toFixed(1)} at x = -3, x${growth.right.toFixed(1)} at x = 3\n`,
    );
    const failures = [
      ...(rmse <= EXPECT.maxRmseOnData ? [] : [`the mean misses the data (RMSE ${rmse.toFixed(4)} > ${EXPECT.maxRmseOnData})`]),
      ...Object.entries(growth)
        .filter(([, g]) => !(g >= EXPECT.minGrowth))
        .map(([where, g]) => `epistemic std grows only x${g.toFixed(2)} (${where}), expected at least x${EXPECT.minGrowth}`),
    ];
    if (failures.length > 0) {
      process.stderr.write(`train-demo-model: the model does not show what the demo needs:\n  ${failures.join('\n  ')}\n`);
      process.exitCode = 1;
    }
  } finally {
    ctx.destroy();
  }
}

await main();
