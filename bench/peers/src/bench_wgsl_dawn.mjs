// Hand-written WGSL reference in Node via dawn.node (npm 'webgpu'); run with
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node src/bench_wgsl_dawn.mjs
import { create, globals } from 'webgpu';
import { getDevice, runFmaPeak, makeFusedA } from './wgsl.js';
import { timeCalls, record, summarize } from './timing.js';
import { loadDataset, configInputs, writeResults, selectedConfigs, timingOpts } from './node_data.mjs';

Object.assign(globalThis, globals);
const gpu = create([]);
const ctx = await getDevice(gpu);
console.log('adapter:', JSON.stringify(ctx.info), 'timestamp-query:', ctx.hasTs);
const peak = await runFmaPeak(ctx);
for (const v of peak.variants)
  console.log(`peak ${v.op} nacc=${v.nacc} unroll=${v.unroll}: ${v.gflops_wall.toFixed(2)} GFLOP/s wall, ${v.gflops_gpu?.toFixed(2)} GFLOP/s gpu-ts (${v.wall_ms.toFixed(1)} ms)`);
const ds = loadDataset('uci');
const variants = (process.env.WGSL_VARIANTS ?? 'v3,v1').split(',');
for (const variant of variants) {
  const impl = `wgsl-fused-${variant}-dawn-node`;
  const records = [];
  const model = await makeFusedA(ctx, ds.meta, ds.mu, ds.rho, { variant });
  for (const cfg of selectedConfigs().filter((c) => c.dataset === 'uci')) {
    const { X, y, dout } = configInputs(ds, cfg);
    const timing = await timeCalls(() => model.predict(X, y, cfg.N, cfg.S), timingOpts());
    const prof = [];
    for (let i = 0; i < (timing.reduced ? 1 : 3); i++) prof.push((await model.predict(X, y, cfg.N, cfg.S, { profile: true })).passMs);
    const gpu = prof[0] ? { sample_forward_ms: summarize(prof.map((p) => p[0])).median_ms, reduce_ms: summarize(prof.map((p) => p[1])).median_ms } : null;
    const rec = record(impl, cfg, dout, timing, { variant, adapter: ctx.info, gpu_ms: gpu ? gpu.sample_forward_ms + gpu.reduce_ms : null, gpu, errors: ctx.errors });
    records.push(rec);
    console.log(`${impl} ${cfg.id}: median ${rec.median_ms.toFixed(2)} ms (reps ${rec.reps}); gpu ${JSON.stringify(gpu)}`);
  }
  writeResults(impl, records);
}
writeResults('wgsl-peak-dawn-node', [{ impl: 'wgsl-peak-dawn-node', adapter: ctx.info, features: ctx.features, peak }]);
process.exit(0);
