/**
 * What declaring workgroup memory costs a dispatch (a script, not a test):
 * `node dist/bench/workgroup-memory.bench.js` times one dispatch of `--groups` workgroups (240: the
 * UCI grid's models, one workgroup each) of a kernel that does nearly nothing, with 0 to 4000 f32
 * of workgroup memory. WebGPU zero-fills workgroup memory before a workgroup starts (Dawn emits
 * the fill into the shader), so the time grows with the declared size even though the kernel
 * touches one element: on SwiftShader this is what made the one-workgroup-per-model training
 * kernel ('fused', src/kernels/train/fused.ts) slower than the layer-by-layer tiles.
 *
 * Options: --groups G (240), --repeats R (10).
 */
import { exitWithUsageError, parseBenchArgs } from './lib/args.js';
import { adapterLine, median } from './lib/stats.js';
import { createNodeContext } from '../src/node/device.js';

const { values } = parseBenchArgs('workgroup-memory.bench', { options: { groups: { type: 'string', default: '240' }, repeats: { type: 'string', default: '10' } } });
const groups = Number(values.groups);
const repeats = Number(values.repeats);
if (!Number.isSafeInteger(groups) || groups < 1 || groups > 65535) exitWithUsageError('workgroup-memory.bench', `--groups must be an integer in 1..65535, got '${values.groups}'`);
if (!Number.isSafeInteger(repeats) || repeats < 1) exitWithUsageError('workgroup-memory.bench', `--repeats must be a positive integer, got '${values.repeats}'`);

const ctx = await createNodeContext();
try {
  const device = ctx.device;
  console.log(adapterLine(ctx.adapter));
  const out = device.createBuffer({ size: 4 * groups, usage: GPUBufferUsage.STORAGE });
  const source = (floats: number) =>
    floats === 0
      ? `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  if (lane == 0u) { out[wid.x] = 1.0; }
}`
      : `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
var<workgroup> scratch: array<f32, ${floats}>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  if (lane == 0u) { out[wid.x] = scratch[${floats - 1}] + 1.0; }
}`;
  console.log(`one dispatch of ${groups} workgroups of 64 invocations; median of ${repeats}`);
  for (const floats of [0, 256, 1024, 2624, 4000]) {
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: source(floats) }), entryPoint: 'main' } });
    const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] });
    const dispatch = async () => {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(groups);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await ctx.waitFor(device.queue.onSubmittedWorkDone());
    };
    await dispatch();
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const started = performance.now();
      await dispatch();
      times.push(performance.now() - started);
    }
    const ms = median(times);
    const perFloat = floats === 0 ? '' : `, ${((ms * 1e6) / (groups * floats)).toFixed(0)} ns per float per workgroup`;
    console.log(`  ${String(floats).padStart(4)} f32 (${((floats * 4) / 1024).toFixed(1)} KiB) of workgroup memory: ${ms.toFixed(2)} ms${perFloat}`);
  }
  out.destroy();
} finally {
  ctx.destroy();
}
