/**
 * The peer benchmark (`npm run bench:peers`): the workload of bench/peers/WORKLOAD.md timed for
 * webgpu-bnn (default options and every strategy) beside PyTorch CPU, TF.js (wasm and cpu in Node,
 * webgpu in headless Chromium), plain JS loops, hand-written WGSL and the FMA-peak WGSL kernel, in
 * Node and in headless Chromium, one implementation at a time (each step its own process); then
 * the training workload (the UCI grid shape) for webgpu-bnn and PyTorch; then the tables
 * (report.ts). A peer whose runtime is missing (python3-torch, /usr/bin/chromium, the harness's
 * own node_modules when npm cannot install them) is skipped with a message.
 *
 * Options: --only a,b (steps, default all: STEPS below), --keep (keep the results of earlier runs
 * that these steps do not replace: the tables then mix runs), --json FILE (every result as JSON).
 * Environment: FULL=1 (full timing protocol everywhere, more training epochs; expect 30+ minutes),
 * STEP_TIMEOUT (seconds per step, each of the engine's Node strategies a step; default 300),
 * ENGINE_STRATEGIES (Node; default all),
 * ENGINE_STRATEGIES_CHROMIUM (default: all with FULL=1, else default,materialized,marginal),
 * CHROMIUM_IMPLS (default: engine,wgsl,tfjs-webgpu, and tfjs-wasm with FULL=1), WGSL_VARIANTS
 * (the hand-written kernels in Node: v3, and v1 with FULL=1), VK_ICD_FILENAMES (default SwiftShader's).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { exitWithUsageError, parseBenchArgs } from '../lib/args.js';
import { ENGINE_STRATEGIES } from './lib/engine-run.js';
import { PEERS_DIR, REPO_ROOT, RESULTS_DIR } from './lib/node-data.js';

const PYTHON = '/usr/bin/python3';
const CHROMIUM = '/usr/bin/chromium';
const DIST = path.join(REPO_ROOT, 'dist', 'bench', 'peers');
const SRC = path.join(PEERS_DIR, 'src');
const LOGS = path.join(PEERS_DIR, 'logs');

export const STEPS = ['torch', 'naive', 'tfjs-wasm-node', 'tfjs-cpu-node', 'wgsl-node', 'engine-node', 'chromium', 'train-torch', 'train-engine'] as const;

const { values } = parseBenchArgs('bench:peers', { options: { only: { type: 'string' }, keep: { type: 'boolean' }, json: { type: 'string' } } });
const only = values.only?.split(',') ?? [...STEPS];
const unknown = only.filter((s) => !(STEPS as readonly string[]).includes(s));
if (unknown.length > 0) exitWithUsageError('bench:peers', `unknown steps ${unknown.join(', ')}; known: ${STEPS.join(', ')}`);

const full = process.env.FULL === '1';
// The budget (default) run keeps near 15-20 minutes on 2 cores: it leaves out what repeats another row's
// information (the engine's slow joint kernels in Chromium, TF.js wasm in Chromium, WGSL v1).
const env: NodeJS.ProcessEnv = {
  ...process.env,
  VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
  XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp',
  WGSL_VARIANTS: process.env.WGSL_VARIANTS ?? (full ? 'v3,v1' : 'v3'),
};
const started = Date.now();
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);

function capture(cmd: string, args: readonly string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Shows a path inside the repository relative to it. */
const shown = (a: string) => (a.startsWith(REPO_ROOT + path.sep) ? path.relative(REPO_ROOT, a) : a);

/** Runs one step in its own process, its output to logs/<log>.log; prints the lines that matter. */
function step(name: string, cmd: string, args: readonly string[], always = false, log = name): void {
  if (!always && !only.includes(name)) return;
  console.log(`== ${log}: ${[cmd, ...args].map(shown).join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: PEERS_DIR, env, encoding: 'utf8', timeout: 1000 * Number(process.env.STEP_TIMEOUT ?? 300), maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  writeFileSync(path.join(LOGS, `${log}.log`), output);
  const lines = output.split('\n').filter((l) => /median|ms per epoch|^peak|adapter:|FAILED|Error|error:/.test(l) && !l.includes('XDG_RUNTIME_DIR'));
  for (const l of lines.slice(0, 40)) console.log(`   ${l.replace(/^ *(\[page\] )?/, '')}`);
  const why = r.error ? r.error.message : r.status !== 0 ? `exit ${r.status ?? r.signal}` : null;
  console.log(why === null ? `   ok (${seconds(t0)} s)` : `   FAILED: ${why} after ${seconds(t0)} s (bench/peers/logs/${log}.log)`);
}

function skip(names: readonly string[], why: string): void {
  for (const n of names.filter((s) => only.includes(s))) console.log(`== ${n}: skipped, ${why}`);
}

mkdirSync(LOGS, { recursive: true });
mkdirSync(RESULTS_DIR, { recursive: true });
if (!values.keep) for (const f of readdirSync(RESULTS_DIR)) if (f.endsWith('.json') || f.endsWith('.md')) rmSync(path.join(RESULTS_DIR, f));

const chromiumVersion = existsSync(CHROMIUM) ? capture(CHROMIUM, ['--version']) : null;
const [l1, l5, l15] = loadavg().map((v) => v.toFixed(2));
console.log(
  `== machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${l1} ${l5} ${l15}, node ${process.version}, ${chromiumVersion ?? 'no chromium'}; ${full ? 'FULL protocol' : 'budget protocol (FULL=1 for the full one)'}`,
);

const harnessPackages = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'playwright-core', 'webgpu'];
let harnessReady = harnessPackages.every((p) => existsSync(path.join(PEERS_DIR, 'node_modules', p)));
if (!harnessReady) {
  console.log("== npm ci --prefix bench/peers (the harness's own TF.js, playwright-core and webgpu; first run only)");
  const r = spawnSync('npm', ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], { env, stdio: 'inherit' });
  harnessReady = r.status === 0;
  if (!harnessReady) console.log('   npm ci failed (no network?): the TF.js, hand-written WGSL and Chromium steps are skipped');
}

step('data', process.execPath, [path.join(SRC, 'gen_data.mjs')], true);
const torchOk = existsSync(PYTHON) && capture(PYTHON, ['-c', 'import torch, numpy']) !== null;
// The float64 reference of the cross-check (cached in data/ref_*.json after the first run).
if (torchOk) step('reference', PYTHON, [path.join(SRC, 'reference.py')], true);

const nodeSteps = ['tfjs-wasm-node', 'tfjs-cpu-node', 'wgsl-node'];
if (torchOk) step('torch', PYTHON, [path.join(SRC, 'bench_torch.py')]);
else skip(['torch', 'train-torch'], `${PYTHON} with torch and numpy not found (Debian: apt-get install python3-torch); ratios to PyTorch are left out`);
step('naive', process.execPath, [path.join(SRC, 'bench_naive.mjs')]);
if (harnessReady) {
  step('tfjs-wasm-node', process.execPath, [path.join(SRC, 'bench_tfjs_node.mjs'), 'wasm']);
  step('tfjs-cpu-node', process.execPath, [path.join(SRC, 'bench_tfjs_node.mjs'), 'cpu']);
  step('wgsl-node', process.execPath, [path.join(SRC, 'bench_wgsl_dawn.mjs')]);
} else skip(nodeSteps, 'the harness packages are not installed');
// One process (and one STEP_TIMEOUT) per strategy: a slow strategy on this adapter (the fused and
// tiled kernels on SwiftShader) runs out of time alone instead of taking the later ones with it.
for (const strategy of process.env.ENGINE_STRATEGIES?.split(',') ?? ENGINE_STRATEGIES) {
  step('engine-node', process.execPath, [path.join(DIST, 'engine-node.js'), '--strategies', strategy], false, `engine-node-${strategy}`);
}
if (!harnessReady) skip(['chromium'], 'the harness packages are not installed');
else if (chromiumVersion === null) skip(['chromium'], `${CHROMIUM} not found (the harness never downloads a browser)`);
else {
  env.ENGINE_STRATEGIES = process.env.ENGINE_STRATEGIES_CHROMIUM ?? (full ? '' : 'default,materialized,marginal');
  if (env.ENGINE_STRATEGIES === '') delete env.ENGINE_STRATEGIES;
  step('chromium', process.execPath, [
    path.join(SRC, 'bench_chromium.mjs'),
    '--impls',
    process.env.CHROMIUM_IMPLS ?? (full ? 'engine,wgsl,tfjs-webgpu,tfjs-wasm' : 'engine,wgsl,tfjs-webgpu'),
  ]);
}
if (torchOk) step('train-torch', PYTHON, [path.join(SRC, 'bench_train_torch.py')]);
step('train-engine', process.execPath, [path.join(DIST, 'train-engine.js')]);

console.log(`\n== results (${seconds(started)} s in all; ${values.keep ? 'with --keep the tables mix this run and earlier ones' : 'every ratio is within this run'})\n`);
const report = spawnSync(process.execPath, [path.join(DIST, 'report.js'), ...(values.json ? ['--json', path.resolve(values.json)] : [])], { env, stdio: 'inherit' });
process.exitCode = report.status ?? 1;
