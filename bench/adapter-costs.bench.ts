/**
 * What the adapter charges for the operations the engine is made of, and the floors that puts under
 * the peer workload (a script, not a test): `npm run bench:costs` (node dist/bench/adapter-costs.bench.js).
 *
 * Each probe is one small kernel dispatched over `--threads` invocations (10 dispatches in one
 * submit, the median of `--repeats` submits): a bare invocation with one store; 4 f32 loaded and
 * stored as scalars and as one vec4; one Philox4x32-10 block of the engine's own lib/philox; one
 * block made into 4 normals by the engine's lib/random (Philox + two Box-Muller pairs); and a
 * register-only FMA loop (4 independent vec4 chains from the invocation's index, a loop of constant
 * trip count). That straight-line rate is higher than the peer harness's FMA-peak kernel (a loop of
 * run-time trip count) reaches on SwiftShader; neither has a load in it, and a matmul has.
 *
 * From these it prints, for each peer configuration (bench/peers/WORKLOAD.md), the time the weight
 * draws alone take (a Philox block and 4 normals per 4 weights of every sample; nothing loaded or
 * stored) beside the forward multiply-adds at that peak, and so the largest fraction of the peak a
 * call can reach while it draws per-sample normals from Philox4x32-10, however good its matmul.
 * And the UCI grid's training step (bench/train.bench.ts): the Philox blocks of its dropout masks
 * (one per 8 masks of 16 bits) beside its multiply-adds at peak.
 *
 * Beside Philox4x32-10 it times two cheaper counter-based generators a change of the random
 * streams could adopt (the engine uses neither): Philox4x32-7, the same cipher with its first 7
 * rounds (Random123's fewest Crush-resistant rounds for it; 10 is its recommended margin), and
 * pcg4d (Jarzynski and Olano, "Hash Functions for GPU Rendering", JCGT 2020: 8 multiplies, no
 * 64-bit product), and prints each one's floors beside Philox4x32-10's.
 *
 * Options: --threads T (1048576), --repeats R (5).
 */
import { exitWithUsageError, parseBenchArgs } from './lib/args.js';
import { adapterLine, median } from './lib/stats.js';
import { CONFIGS, DATASETS, layout, nominalFlops } from './peers/lib/workload.js';
import { createNodeContext } from '../src/node/device.js';
import { WGSL_SOURCES } from '../src/kernels/wgsl.generated.js';
import { GAMMA_MAX_ATTEMPTS, STREAM_NOISE } from '../src/random/streams.js';

const { values } = parseBenchArgs('adapter-costs.bench', { options: { threads: { type: 'string', default: '1048576' }, repeats: { type: 'string', default: '5' } } });
const threads = Number(values.threads);
const repeats = Number(values.repeats);
if (!Number.isSafeInteger(threads) || threads < 65536 || threads > 4194304)
  exitWithUsageError('adapter-costs.bench', `--threads must be an integer in [65536, 4194304], got '${values.threads}'`);
if (!Number.isSafeInteger(repeats) || repeats < 1) exitWithUsageError('adapter-costs.bench', `--repeats must be a positive integer, got '${values.repeats}'`);

const DISPATCHES = 10;
const FMA_STEPS = 256;
/** lib/philox's philox4x32 cut to its first `rounds` rounds, with the same round keys: philox4x32_<rounds>. */
function philox4x32Rounds(rounds: number): string {
  const lines = WGSL_SOURCES['lib/philox'].split('\n').filter((line) => line.trim().startsWith('x = philox_round('));
  if (lines.length !== 10) throw new Error(`lib/philox: expected the 10 rounds of philox4x32, found ${lines.length}`);
  return `fn philox4x32_${rounds}(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {\n  var x = counter;\n${lines.slice(0, rounds).join('\n')}\n  return x;\n}`;
}

/**
 * The candidate generators, with lib/random's Box-Muller pairs over them. philox4x32_7 runs the
 * first 7 of lib/philox's rounds (its round keys are the same); pcg4d is the paper's, keyed by
 * xoring the key into the counter.
 */
const CANDIDATES = `
${philox4x32Rounds(7)}

fn pcg4d(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var v = (counter ^ vec4<u32>(key, key)) * 1664525u + 1013904223u;
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  v ^= v >> vec4<u32>(16u);
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  return v;
}

fn normals4_of(w: vec4<u32>) -> vec4<f32> {
  let p = box_muller(w.x, w.y);
  let q = box_muller(w.z, w.w);
  return vec4<f32>(p.x, p.y, q.x, q.y);
}
`;
const RANDOM_LIBRARY = `const STREAM_NOISE: u32 = ${STREAM_NOISE}u;\nconst GAMMA_MAX_ATTEMPTS: u32 = ${GAMMA_MAX_ATTEMPTS}u;\n${WGSL_SOURCES['lib/philox']}\n${WGSL_SOURCES['lib/random']}\n${CANDIDATES}`;

/** Philox4x32-10 (the engine's) and the candidates: a probe name and the WGSL function. */
const GENERATORS = [
  { name: 'Philox4x32-10', fn: 'philox4x32' },
  { name: 'Philox4x32-7', fn: 'philox4x32_7' },
  { name: 'pcg4d', fn: 'pcg4d' },
] as const;

interface Probe {
  readonly name: string;
  readonly element: 'f32' | 'vec4<f32>';
  readonly body: string;
}

const PROBES: readonly Probe[] = [
  { name: 'invocation + 1 store', element: 'f32', body: 'out[t] = f32(t);' },
  { name: '4 f32 loads + 4 stores', element: 'f32', body: 'let i = 4u * t;\n  for (var c = 0u; c < 4u; c++) { out[i + c] = inp[i + c] + 1.0; }' },
  { name: '1 vec4 load + 1 store', element: 'vec4<f32>', body: 'out[t] = inp[t] + vec4<f32>(1.0);' },
  ...GENERATORS.flatMap((g) => [
    { name: `${g.name} block`, element: 'f32' as const, body: `let w = ${g.fn}(vec4<u32>(t, 1u, 2u, 3u), vec2<u32>(5u, 6u));\n  out[t] = f32(w.x ^ w.y ^ w.z ^ w.w);` },
    {
      name: `4 normals (${g.name} + Box-Muller)`,
      element: 'f32' as const,
      body: `let e = normals4_of(${g.fn}(vec4<u32>(t, 1u, 2u, 3u), vec2<u32>(5u, 6u)));\n  out[t] = e.x + e.y + e.z + e.w;`,
    },
  ]),
  {
    name: `${FMA_STEPS * 16} FMAs in registers`,
    element: 'f32',
    body: `let x = f32(t) * 1e-9;\n  var a = vec4<f32>(x);\n  var b = vec4<f32>(x + 0.5);\n  var c = vec4<f32>(x + 0.25);\n  var d = vec4<f32>(x + 0.125);\n  let m = vec4<f32>(0.999);\n  let k = vec4<f32>(1e-3);\n  for (var s = 0u; s < ${FMA_STEPS / 8}u; s++) {\n${'    a = fma(a, m, k); b = fma(b, m, k); c = fma(c, m, k); d = fma(d, m, k);\n'.repeat(8)}  }\n  out[t] = dot(a + b + c + d, vec4<f32>(1.0));`,
  },
];

const ctx = await createNodeContext();
const device = ctx.device;
try {
  console.log(adapterLine(ctx.adapter));
  console.log(`${threads} invocations a dispatch, ${DISPATCHES} dispatches a submit, median of ${repeats} submits; ns per invocation (all cores together)`);
  const bytes = threads * 16;
  const input = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const output = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const perInvocationNs = new Map<string, number>();
  for (const probe of PROBES) {
    const code = `@group(0) @binding(0) var<storage, read_write> out: array<${probe.element}>;
@group(0) @binding(1) var<storage, read> inp: array<${probe.element}>;
${RANDOM_LIBRARY}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = gid.x + gid.y * groups.x * 64u;
  if (t >= ${threads}u) { return; }
  ${probe.body}
  if (t == 0xffffffffu) { out[0] = out[0] + inp[0]; }
}`;
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: output } },
        { binding: 1, resource: { buffer: input } },
      ],
    });
    const groups = Math.ceil(threads / 64);
    const [x, y] = groups > 65535 ? [65535, Math.ceil(groups / 65535)] : [groups, 1];
    const submit = async () => {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      for (let i = 0; i < DISPATCHES; i++) pass.dispatchWorkgroups(x, y);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await ctx.waitFor(device.queue.onSubmittedWorkDone());
    };
    await submit();
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const started = performance.now();
      await submit();
      times.push((performance.now() - started) / DISPATCHES);
    }
    const ns = (median(times) * 1e6) / threads;
    perInvocationNs.set(probe.name, ns);
    console.log(`  ${probe.name.padEnd(32)} ${ns.toFixed(2).padStart(8)} ns`);
  }
  input.destroy();
  output.destroy();

  const at = (name: string) => perInvocationNs.get(name) ?? NaN;
  const bare = at('invocation + 1 store');
  const fmaNs = Math.max(at(`${FMA_STEPS * 16} FMAs in registers`) - bare, 1e-9) / (FMA_STEPS * 16);
  const peakGflops = 2 / fmaNs;
  const netNs = (probe: string) => at(probe) - bare;
  console.log(`\nnet of the bare invocation: an FMA ${(fmaNs * 1e3).toFixed(1)} ps (${peakGflops.toFixed(2)} GFLOP/s)`);
  for (const g of GENERATORS) {
    console.log(`  ${g.name}: a block ${netNs(`${g.name} block`).toFixed(1)} ns, 4 normals ${netNs(`4 normals (${g.name} + Box-Muller)`).toFixed(1)} ns`);
  }
  console.log('\nthe peer workload: floors from the weight draws alone and from its multiply-adds at that peak');
  console.log('| config | generator | normals | draws alone | FLOPs at peak | both | largest fraction of peak |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const config of CONFIGS) {
    const layers = DATASETS[config.dataset].layers;
    const blocks = config.S * layout(layers).layers.reduce((sum, l) => sum + Math.ceil((l.din * l.dout + l.dout) / 4), 0);
    const flops = nominalFlops(layers, config.N, config.S);
    const fmaMs = flops / (peakGflops * 1e6);
    for (const g of GENERATORS) {
      const drawsMs = (blocks * netNs(`4 normals (${g.name} + Box-Muller)`)) / 1e6;
      console.log(
        `| ${config.id} | ${g.name} | ${(blocks * 4).toExponential(2)} | ${drawsMs.toFixed(0)} ms | ${fmaMs.toFixed(0)} ms | ${(drawsMs + fmaMs).toFixed(0)} ms | ${((100 * fmaMs) / (drawsMs + fmaMs)).toFixed(0)}% |`,
      );
    }
  }
  // The UCI grid's training step (bench/train.bench.ts): 240 models of 13-50-1, batch 128, masks on
  // the 13 inputs and the 50 hidden units, one block per 8 rows of a mask (16 bits a mask,
  // src/random/train-streams.ts); forward, dh and the weight gradients are about 3x the forward
  // multiply-adds.
  const models = 240;
  const batch = 128;
  const maskBlocks = models * Math.ceil(batch / 8) * (13 + 50);
  const stepFlops = 3 * 2 * models * batch * (13 * 50 + 50);
  console.log(`\nUCI grid training step: ${maskBlocks} mask blocks, multiply-adds at peak ${(stepFlops / (peakGflops * 1e6)).toFixed(1)} ms; the masks' blocks alone:`);
  for (const g of GENERATORS) console.log(`  ${g.name}: ${((maskBlocks * netNs(`${g.name} block`)) / 1e6).toFixed(1)} ms`);
} finally {
  ctx.destroy();
}
