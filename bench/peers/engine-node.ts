/**
 * webgpu-bnn on the peer workload in Node (dawn.node), every strategy (ENGINE_STRATEGIES, or
 * --strategies a,b) on every configuration (or --configs a,b); writes results/engine-<s>-node.json.
 * Run by bench/peers/main.ts; alone: node dist/bench/peers/engine-node.js.
 */
import { exitWithUsageError, parseBenchArgs } from '../lib/args.js';
import { adapterLine } from '../lib/stats.js';
import { createNodeContext } from '../../src/node/device.js';
import { ENGINE_STRATEGIES, isEngineStrategy, runEngine } from './lib/engine-run.js';
import { loadDataset, timingFromEnv, writeResults } from './lib/node-data.js';
import { CONFIGS } from './lib/workload.js';

const { values } = parseBenchArgs('peers/engine-node', { options: { strategies: { type: 'string' }, configs: { type: 'string' } } });
const strategies = values.strategies?.split(',') ?? [...ENGINE_STRATEGIES];
const unknown = strategies.filter((s) => !isEngineStrategy(s));
if (unknown.length > 0) exitWithUsageError('peers/engine-node', `unknown strategies ${unknown.join(', ')}; known: ${ENGINE_STRATEGIES.join(', ')}`);
const wanted = values.configs?.split(',');
const configs = CONFIGS.filter((c) => !wanted || wanted.includes(c.id));

const ctx = await createNodeContext();
try {
  console.log(adapterLine(ctx.adapter));
  await runEngine(ctx, {
    strategies: strategies.filter(isEngineStrategy),
    configs,
    timing: timingFromEnv(),
    runtime: 'node',
    dataset: (name) => Promise.resolve(loadDataset(name)),
    log: (line) => console.log(line),
    done: writeResults,
  });
} finally {
  ctx.destroy();
}
