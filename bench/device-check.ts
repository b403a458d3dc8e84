/**
 * The checks to run when a machine with a real GPU is lent (the `device` tool asks for one short,
 * prepared script): what SwiftShader cannot show.
 * 1. kernel 'subgroups' gives kernel 'materialized''s function samples bit for bit on shapes whose
 *    layers need several shuffle rounds of several columns each. SwiftShader's subgroups have 4
 *    lanes (one column a round), so only a GPU's wider subgroups run that part of the kernel.
 * 2. kernel 'calibrate' on the peer workload's shapes (bench/peers/WORKLOAD.md: A 13-50-50-1 at
 *    S = 1000, N = 1 and 256; B 256-512-512-10 at S = 100, N = 64): each kernel's time and the
 *    choice, then the median of 5 calls of the default options beside the chosen kernel's.
 * Prints one line per check, writes everything as JSON with --json <file>, and exits 1 when a
 * check fails. On a CPU adapter B's calibration takes minutes: --quick leaves B out.
 *
 *   node dist/bench/device-check.js [--quick] [--json device-check.json]
 *
 * On a lent machine (no network, 64 MiB of tree): `npm run device:stage` here copies dist/ and
 * the linux-x64 Dawn build into .device/ (ignored), then there:
 *   cp -r .device/dist . && mkdir -p node_modules && cp -r .device/webgpu node_modules/ && node dist/bench/device-check.js --json $OUT/device-check.json
 * with `carry: [".device"]`.
 */
import { writeFile } from 'node:fs/promises';
import { parseBenchArgs } from './lib/args.js';
import { Engine } from '../src/infer/engine.js';
import { deviceCalibrations } from '../src/infer/kernel-calibration.js';
import type { PredictOptions } from '../src/infer/types.js';
import { createNodeContext } from '../src/node/device.js';
import { adapterLine, median } from './lib/stats.js';
import { mulberry32, syntheticModel } from './lib/synthetic.js';

const { values } = parseBenchArgs('device-check', { options: { quick: { type: 'boolean' }, json: { type: 'string' } } });

function inputs(n: number, d: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n * d }, () => 2 * rand() - 1);
}

const ctx = await createNodeContext();
const info = (ctx.device as unknown as { adapterInfo?: { subgroupMinSize?: number; subgroupMaxSize?: number } }).adapterInfo;
const subgroupSizes = { min: info?.subgroupMinSize ?? null, max: info?.subgroupMaxSize ?? null };
console.log(adapterLine(ctx.adapter));
console.log(`subgroups: ${ctx.hasSubgroups ? `yes, ${subgroupSizes.min ?? '?'}-${subgroupSizes.max ?? '?'} lanes` : 'no (check 1 is skipped)'}`);
let failed = false;

// 1. subgroups = materialized, bit for bit.
const bitChecks: { widths: number[]; n: number; equal: boolean | null; finite: boolean }[] = [];
if (ctx.hasSubgroups) {
  const shapes: [number[], number][] = [
    [[5, 13, 6, 1], 1],
    [[5, 13, 6, 1], 131],
    [[70, 37, 1], 600],
    [[13, 50, 50, 1], 256],
    [[256, 512, 512, 10], 64],
  ];
  for (const [widths, n] of shapes) {
    const engine = Engine.create(ctx, syntheticModel(widths, 3));
    const x = inputs(n, widths[0] ?? 1, 5);
    const options: PredictOptions = { samples: 16, seed: 2, path: 'joint', returnSamples: true };
    const shared = await engine.predict(x, { ...options, kernel: 'subgroups' });
    const materialized = await engine.predict(x, { ...options, kernel: 'materialized' });
    engine.dispose();
    const a = shared.fSamples ?? new Float32Array();
    const b = materialized.fSamples ?? new Float32Array();
    const equal = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    const finite = a.every(Number.isFinite);
    if (!equal || !finite) failed = true;
    bitChecks.push({ widths, n, equal, finite });
    console.log(`subgroups vs materialized ${widths.join('-')} N=${n}: ${equal ? 'same bits' : 'DIFFERENT'}${finite ? '' : ', NOT FINITE'}`);
  }
}

// 2. calibrate on the peer workload's shapes.
const workloads = [
  { label: 'A N=1', widths: [13, 50, 50, 1], samples: 1000, n: 1 },
  { label: 'A N=256', widths: [13, 50, 50, 1], samples: 1000, n: 256 },
  ...(values.quick ? [] : [{ label: 'B N=64', widths: [256, 512, 512, 10], samples: 100, n: 64 }]),
];
const calibrations: unknown[] = [];
for (const w of workloads) {
  const engine = Engine.create(ctx, syntheticModel(w.widths, 1));
  const x = inputs(w.n, w.widths[0] ?? 1, 7);
  const before = new Set(deviceCalibrations(ctx.device).keys());
  const calibrated = await engine.predict(x, { samples: w.samples, seed: 1, path: 'joint', kernel: 'calibrate' });
  const entry = [...deviceCalibrations(ctx.device)].find(([key]) => !before.has(key));
  const time = async (options: PredictOptions) => {
    await engine.predict(x, options);
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await engine.predict(x, options);
      ms.push(performance.now() - start);
    }
    return median(ms);
  };
  const chosen = calibrated.kernels?.[0] ?? '?';
  const defaultMs = await time({ samples: w.samples, seed: 1 });
  const chosenMs = await time({ samples: w.samples, seed: 1, path: 'joint', kernel: 'calibrate' });
  engine.dispose();
  const timings = entry ? Object.entries(entry[1].timingsMs).map(([k, v]) => `${k} ${v.toFixed(2)}`) : [];
  console.log(
    `calibrate ${w.label}: chose ${chosen} (64 samples: ${timings.join(', ')} ms); median of 5 at S=${w.samples}: default ${defaultMs.toFixed(2)} ms, chosen ${chosenMs.toFixed(2)} ms`,
  );
  calibrations.push({ ...w, chosen, calibration: entry?.[1] ?? null, defaultMs, chosenMs });
}

if (values.json) {
  await writeFile(values.json, JSON.stringify({ adapter: ctx.adapter, subgroups: ctx.hasSubgroups, subgroupSizes, bitChecks, calibrations }, null, 2));
  console.log(`wrote ${values.json}`);
}
ctx.destroy();
process.exitCode = failed ? 1 : 0;
