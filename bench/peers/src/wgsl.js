// Hand-written WGSL reference kernels + host code, shared by Node (dawn.node) and Chromium.
// Needs the WebGPU globals (GPUBufferUsage, GPUMapMode) to exist.

// In Node, Dawn polls its events from a setImmediate loop while a mapAsync or onSubmittedWorkDone
// is pending, spinning the JS thread at 100% of a core; on SwiftShader that core is taken from the
// kernels. The engine's Node context sleeps between polls on CPU adapters (src/node/gpu-wait.ts);
// these kernels wait the same way in Node so that both are measured alike. In a browser: the promise.
const inNode = typeof process !== 'undefined' && Boolean(process.versions?.node);
const napCell = inNode ? new Int32Array(new SharedArrayBuffer(4)) : null;
let napping = 0;
let napScheduled = false;
function nap() {
  napScheduled = false;
  if (napping === 0) return;
  Atomics.wait(napCell, 0, 0, 1);
  napScheduled = true;
  setImmediate(nap);
}
export async function settle(promise) {
  if (!inNode) return promise;
  napping++;
  if (!napScheduled) {
    napScheduled = true;
    setImmediate(nap);
  }
  try {
    return await promise;
  } finally {
    napping--;
  }
}

export async function getDevice(gpu) {
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('requestAdapter() returned null');
  let info = adapter.info;
  if (!info && adapter.requestAdapterInfo) info = await adapter.requestAdapterInfo();
  info = info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : {};
  const hasTs = adapter.features.has('timestamp-query');
  const lim = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: hasTs ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
    },
  });
  const errors = [];
  device.addEventListener?.('uncapturederror', (e) => errors.push(String(e.error?.message ?? e.error)));
  return { adapter, device, hasTs, info, errors, features: [...adapter.features].sort() };
}

class GpuTimer {
  constructor(device, passes) {
    this.n = passes * 2;
    this.qs = device.createQuerySet({ type: 'timestamp', count: this.n });
    this.resolve = device.createBuffer({ size: 8 * this.n, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.read = device.createBuffer({ size: 8 * this.n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }
  writes(i) {
    return { querySet: this.qs, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }
  resolveInto(enc) {
    enc.resolveQuerySet(this.qs, 0, this.n, this.resolve, 0);
    enc.copyBufferToBuffer(this.resolve, 0, this.read, 0, 8 * this.n);
  }
  async passMs() {
    await settle(this.read.mapAsync(GPUMapMode.READ));
    const t = new BigUint64Array(this.read.getMappedRange().slice(0));
    this.read.unmap();
    const out = [];
    for (let i = 0; i < this.n; i += 2) out.push(Number(t[i + 1] - t[i]) / 1e6);
    return out;
  }
}

function storage(device, data, extraUsage = 0) {
  const buf = device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extraUsage });
  device.queue.writeBuffer(buf, 0, data);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// (a) Peak-FMA microbenchmark: each invocation runs `nacc` independent vec4 FMA chains; the loop
// body is repeated `unroll` times (SwiftShader's per-iteration loop overhead is large, so the
// unrolled variants get closer to the adapter's arithmetic limit). Peak = best variant.
const fmaShader = (op, nacc, unroll) => {
  const acc = [...Array(nacc).keys()];
  const body = acc.map((i) => `a${i} = ${op === 'fma' ? `fma(a${i}, m, c)` : `a${i} * m + c`};`).join(' ');
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outv: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> prm: vec4<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let x = f32(gid.x) * 1e-9;
  ${acc.map((i) => `var a${i} = vec4<f32>(x + ${i}.0, x + ${i}.1, x + ${i}.2, x + ${i}.3);`).join('\n  ')}
  let m = vec4<f32>(0.9999999);
  let c = vec4<f32>(1e-7);
  for (var i = 0u; i < prm.x; i++) {
    ${Array(unroll).fill(body).join('\n    ')}
  }
  outv[gid.x] = ${acc.map((i) => `a${i}`).join(' + ')};
}`;
};
export const FMA_VARIANTS = [
  { op: 'fma', nacc: 8, unroll: 1 },
  { op: 'fma', nacc: 4, unroll: 8 },
  { op: 'fma', nacc: 16, unroll: 4 },
  { op: 'muladd', nacc: 8, unroll: 1 },
  { op: 'muladd', nacc: 4, unroll: 8 },
];

export async function runFmaPeak(ctx, { workgroups = 256, targetMs = 250, reps = 5 } = {}) {
  const { device, hasTs } = ctx;
  const inv = workgroups * 64;
  const outBuf = device.createBuffer({ size: inv * 16, usage: GPUBufferUsage.STORAGE });
  const uni = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const timer = hasTs ? new GpuTimer(device, 1) : null;
  const variants = [];
  for (const v of FMA_VARIANTS) {
    const module = device.createShaderModule({ code: fmaShader(v.op, v.nacc, v.unroll) });
    const pipe = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bg = device.createBindGroup({
      layout: pipe.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: outBuf } },
        { binding: 1, resource: { buffer: uni } },
      ],
    });
    const run = async (iters, ts) => {
      device.queue.writeBuffer(uni, 0, new Uint32Array([iters, 0, 0, 0]));
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass(ts && timer ? { timestampWrites: timer.writes(0) } : {});
      pass.setPipeline(pipe);
      pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(workgroups);
      pass.end();
      if (ts && timer) timer.resolveInto(enc);
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      await settle(device.queue.onSubmittedWorkDone());
      const wall = performance.now() - t0;
      const gpu = ts && timer ? (await timer.passMs())[0] : null;
      return { wall, gpu };
    };
    await run(4, false);
    let iters = 16;
    let r = await run(iters, false);
    while (r.wall < targetMs / 4 && iters < 1 << 22) {
      iters *= 4;
      r = await run(iters, false);
    }
    iters = Math.max(1, Math.round((iters * targetMs) / Math.max(r.wall, 1e-3)));
    const walls = [],
      gpus = [];
    for (let i = 0; i < reps; i++) {
      const q = await run(iters, true);
      walls.push(q.wall);
      if (q.gpu != null) gpus.push(q.gpu);
    }
    const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const flops = inv * iters * v.unroll * v.nacc * 4 * 2;
    variants.push({
      ...v,
      iters,
      invocations: inv,
      flops,
      wall_ms: med(walls),
      gpu_ms: gpus.length ? med(gpus) : null,
      gflops_wall: flops / med(walls) / 1e6,
      gflops_gpu: gpus.length ? flops / med(gpus) / 1e6 : null,
    });
  }
  const best = variants.reduce((a, b) => (b.gflops_wall > a.gflops_wall ? b : a));
  return { best, variants };
}

// ---------------------------------------------------------------------------------------------
// (b) Fused kernel for configuration A (2 hidden layers, 1 output): one workgroup per posterior
// sample: counter-based PCG-hash RNG + Box-Muller -> sampled weights in workgroup memory ->
// forward for all N inputs (one invocation per input) -> F[s,n]. Second kernel: one invocation
// per input reduces over samples to mean / predictive variance / log predictive density.
function fusedShadersV1(meta) {
  const [D0, D1, D2, D3] = meta.layers;
  if (meta.layers.length !== 4 || D3 !== 1) throw new Error('fused WGSL kernel only supports d0->h1->h2->1');
  const [l1, l2, l3] = meta.layout;
  const P = meta.P,
    NPAIR = Math.ceil(P / 2);
  const sigma = meta.sigma;
  const llc = -0.5 * Math.log(2 * Math.PI) - Math.log(sigma);
  const f = (x) => (Number.isInteger(x) ? x.toFixed(1) : String(x));
  const common = /* wgsl */ `
struct Prm { N: u32, S: u32, seed: u32, pad: u32 };
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}`;
  const sample = /* wgsl */ `${common}
@group(0) @binding(0) var<storage, read> mu: array<f32>;
@group(0) @binding(1) var<storage, read> rho: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> F: array<f32>;
@group(0) @binding(4) var<uniform> prm: Prm;
const D0 = ${D0}u; const D1 = ${D1}u; const D2 = ${D2}u;
const W1 = ${l1.wOff}u; const B1 = ${l1.bOff}u; const W2 = ${l2.wOff}u; const B2 = ${l2.bOff}u;
const W3 = ${l3.wOff}u; const B3 = ${l3.bOff}u;
const P = ${P}u; const NPAIR = ${NPAIR}u; const WG = 64u;
var<workgroup> w: array<f32, ${P}>;
fn softplus(r: f32) -> f32 { return max(r, 0.0) + log(1.0 + exp(-abs(r))); }
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let s = wid.x;
  let key = pcg(prm.seed);
  for (var p = lid; p < NPAIR; p += WG) {
    let c = 2u * (s * NPAIR + p) + key;
    let u1 = (f32(pcg(c) >> 8u) + 1.0) * (1.0 / 16777216.0);
    let u2 = f32(pcg(c + 1u) >> 8u) * (1.0 / 16777216.0);
    let r = sqrt(-2.0 * log(u1));
    let th = 6.283185307179586 * u2;
    let i0 = 2u * p;
    w[i0] = mu[i0] + softplus(rho[i0]) * (r * cos(th));
    if (i0 + 1u < P) { w[i0 + 1u] = mu[i0 + 1u] + softplus(rho[i0 + 1u]) * (r * sin(th)); }
  }
  workgroupBarrier();
  for (var n = lid; n < prm.N; n += WG) {
    var h1: array<f32, ${D1}>;
    for (var j = 0u; j < D1; j++) { h1[j] = w[B1 + j]; }
    for (var k = 0u; k < D0; k++) {
      let xk = X[n * D0 + k];
      for (var j = 0u; j < D1; j++) { h1[j] = fma(xk, w[W1 + k * D1 + j], h1[j]); }
    }
    var h2: array<f32, ${D2}>;
    for (var j = 0u; j < D2; j++) { h2[j] = w[B2 + j]; }
    for (var k = 0u; k < D1; k++) {
      let hk = max(h1[k], 0.0);
      for (var j = 0u; j < D2; j++) { h2[j] = fma(hk, w[W2 + k * D2 + j], h2[j]); }
    }
    var o = w[B3];
    for (var k = 0u; k < D2; k++) { o = fma(max(h2[k], 0.0), w[W3 + k], o); }
    F[s * prm.N + n] = o;
  }
}`;
  const reduce = /* wgsl */ `${common}
@group(0) @binding(0) var<storage, read> F: array<f32>;
@group(0) @binding(1) var<storage, read> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> outv: array<f32>;
@group(0) @binding(3) var<uniform> prm: Prm;
const SIGMA: f32 = ${f(sigma)};
const LLC: f32 = ${llc};
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  let N = prm.N;
  if (n >= N) { return; }
  let S = prm.S;
  var sum = 0.0;
  for (var s = 0u; s < S; s++) { sum += F[s * N + n]; }
  let mean = sum / f32(S);
  let yn = Y[n];
  var sq = 0.0;
  var mx = -3.0e38;
  for (var s = 0u; s < S; s++) {
    let v = F[s * N + n];
    let d = v - mean; sq += d * d;
    let z = (yn - v) / SIGMA; mx = max(mx, -0.5 * z * z);
  }
  var acc = 0.0;
  for (var s = 0u; s < S; s++) { let z = (yn - F[s * N + n]) / SIGMA; acc += exp(-0.5 * z * z - mx); }
  outv[n] = mean;
  outv[N + n] = sq / f32(S) + SIGMA * SIGMA;
  outv[2u * N + n] = LLC + mx + log(acc) - log(f32(S));
}`;
  return { sample, reduce };
}

// v2: same structure, adjusted for SwiftShader: the sampled weights go to a per-sample region of a
// global scratch buffer instead of workgroup memory (workgroup-memory stores measured ~5-7x slower
// on SwiftShader/Subzero), padded vec4 layout (4 normals per invocation step), vec4 FMAs.
// (A fully unrolled layer-2 variant was tried and was ~2x slower still; not kept.)
function fusedShadersV2(meta) {
  const [D0, D1, , D3] = meta.layers;
  if (meta.layers.length !== 4 || D3 !== 1) throw new Error('fused WGSL kernel only supports d0->h1->h2->1');
  const { Q1, Q2, offs, PV } = paddedLayoutA(meta);
  const v1 = fusedShadersV1(meta);
  const sample = /* wgsl */ `
struct Prm { N: u32, S: u32, seed: u32, pad: u32 };
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
fn softplus4(r: vec4<f32>) -> vec4<f32> { return max(r, vec4<f32>(0.0)) + log(vec4<f32>(1.0) + exp(-abs(r))); }
@group(0) @binding(0) var<storage, read> mu: array<vec4<f32>>;    // padded layout (PV vec4)
@group(0) @binding(1) var<storage, read> rho: array<vec4<f32>>;   // padded layout, pads = -200 -> std 0
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> F: array<f32>;
@group(0) @binding(4) var<uniform> prm: Prm;
@group(0) @binding(5) var<storage, read_write> G: array<vec4<f32>>;  // S x PV sampled weights
const PV = ${PV}u;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let s = wid.x;
  let key = pcg(prm.seed);
  let base = s * PV;
  for (var q = lid; q < PV; q += 64u) {
    let c = 4u * (s * PV + q) + key;
    let u1 = (vec2<f32>(vec2<u32>(pcg(c), pcg(c + 2u)) >> vec2<u32>(8u)) + 1.0) * (1.0 / 16777216.0);
    let u2 = vec2<f32>(vec2<u32>(pcg(c + 1u), pcg(c + 3u)) >> vec2<u32>(8u)) * (1.0 / 16777216.0);
    let r = sqrt(-2.0 * log(u1));
    let th = 6.283185307179586 * u2;
    let z = vec4<f32>(r * cos(th), r * sin(th));
    G[base + q] = mu[q] + softplus4(rho[q]) * z;
  }
  storageBarrier();
  for (var n = lid; n < prm.N; n += 64u) {
    var h1: array<vec4<f32>, ${Q1}>;
    for (var j = 0u; j < ${Q1}u; j++) { h1[j] = G[base + ${offs.b1}u + j]; }
    for (var k = 0u; k < ${D0}u; k++) {
      let xk = vec4<f32>(X[n * ${D0}u + k]);
      let row = base + ${offs.w1}u + k * ${Q1}u;
      for (var j = 0u; j < ${Q1}u; j++) { h1[j] = fma(xk, G[row + j], h1[j]); }
    }
    var h2: array<vec4<f32>, ${Q2}>;
    for (var j = 0u; j < ${Q2}u; j++) { h2[j] = G[base + ${offs.b2}u + j]; }
    for (var k = 0u; k < ${D1}u; k++) {
      let h = vec4<f32>(max(h1[k >> 2u][k & 3u], 0.0));
      let row = base + ${offs.w2}u + k * ${Q2}u;
      for (var j = 0u; j < ${Q2}u; j++) { h2[j] = fma(h, G[row + j], h2[j]); }
    }
    var o = vec4<f32>(0.0);
    for (var j = 0u; j < ${Q2}u; j++) { o = fma(max(h2[j], vec4<f32>(0.0)), G[base + ${offs.w3}u + j], o); }
    F[s * prm.N + n] = o.x + o.y + o.z + o.w + G[base + ${offs.b3}u].x;
  }
}`;
  return { sample, reduce: v1.reduce };
}

// v3: like v2, but each invocation runs FOUR inputs at once (vec4 lanes = inputs) and the
// inner loops over output units are unrolled in the generated WGSL, so each sampled weight is one
// scalar load feeding 4 FMAs and the accumulators have static indices (no dynamic private-array
// indexing, which SwiftShader turns into per-lane gathers/scatters).
function fusedShadersV3(meta) {
  const [D0, D1, D2, D3] = meta.layers;
  if (meta.layers.length !== 4 || D3 !== 1) throw new Error('fused WGSL kernel only supports d0->h1->h2->1');
  const { Q1, Q2, offs, PV } = paddedLayoutA(meta);
  const v1 = fusedShadersV1(meta);
  const R1 = Q1 * 4,
    R2 = Q2 * 4; // padded row strides in floats
  const o4 = (k) => k * 4;
  const J1 = [...Array(D1).keys()],
    J2 = [...Array(D2).keys()];
  const sample = /* wgsl */ `
struct Prm { N: u32, S: u32, seed: u32, pad: u32 };
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
fn softplus4(r: vec4<f32>) -> vec4<f32> { return max(r, vec4<f32>(0.0)) + log(vec4<f32>(1.0) + exp(-abs(r))); }
@group(0) @binding(0) var<storage, read> mu: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> rho: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> F: array<f32>;
@group(0) @binding(4) var<uniform> prm: Prm;
@group(0) @binding(5) var<storage, read_write> G: array<f32>;   // S x (4*PV) sampled weights
const PV = ${PV}u;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let s = wid.x;
  let key = pcg(prm.seed);
  let base = s * PV * 4u;
  for (var q = lid; q < PV; q += 64u) {
    let c = 4u * (s * PV + q) + key;
    let u1 = (vec2<f32>(vec2<u32>(pcg(c), pcg(c + 2u)) >> vec2<u32>(8u)) + 1.0) * (1.0 / 16777216.0);
    let u2 = vec2<f32>(vec2<u32>(pcg(c + 1u), pcg(c + 3u)) >> vec2<u32>(8u)) * (1.0 / 16777216.0);
    let r = sqrt(-2.0 * log(u1));
    let th = 6.283185307179586 * u2;
    let w = mu[q] + softplus4(rho[q]) * vec4<f32>(r * cos(th), r * sin(th));
    let o = base + 4u * q;
    G[o] = w.x; G[o + 1u] = w.y; G[o + 2u] = w.z; G[o + 3u] = w.w;
  }
  storageBarrier();
  let N = prm.N;
  for (var g = lid; 4u * g < N; g += 64u) {
    let n0 = 4u * g; let n1 = min(n0 + 1u, N - 1u); let n2 = min(n0 + 2u, N - 1u); let n3 = min(n0 + 3u, N - 1u);
${J1.map((j) => `    var a${j} = vec4<f32>(G[base + ${o4(offs.b1) + j}u]);`).join('\n')}
    for (var k = 0u; k < ${D0}u; k++) {
      let xk = vec4<f32>(X[n0 * ${D0}u + k], X[n1 * ${D0}u + k], X[n2 * ${D0}u + k], X[n3 * ${D0}u + k]);
      let row = base + ${o4(offs.w1)}u + k * ${R1}u;
${J1.map((j) => `      a${j} = fma(xk, vec4<f32>(G[row + ${j}u]), a${j});`).join('\n')}
    }
    var h1: array<vec4<f32>, ${D1}>;
${J1.map((j) => `    h1[${j}] = max(a${j}, vec4<f32>(0.0));`).join('\n')}
${J2.map((j) => `    var c${j} = vec4<f32>(G[base + ${o4(offs.b2) + j}u]);`).join('\n')}
    for (var k = 0u; k < ${D1}u; k++) {
      let hk = h1[k];
      let row = base + ${o4(offs.w2)}u + k * ${R2}u;
${J2.map((j) => `      c${j} = fma(hk, vec4<f32>(G[row + ${j}u]), c${j});`).join('\n')}
    }
    var o = vec4<f32>(G[base + ${o4(offs.b3)}u]);
${J2.map((j) => `    o = fma(max(c${j}, vec4<f32>(0.0)), vec4<f32>(G[base + ${o4(offs.w3) + j}u]), o);`).join('\n')}
    F[s * N + n0] = o.x;
    if (n0 + 1u < N) { F[s * N + n0 + 1u] = o.y; }
    if (n0 + 2u < N) { F[s * N + n0 + 2u] = o.z; }
    if (n0 + 3u < N) { F[s * N + n0 + 3u] = o.w; }
  }
}`;
  return { sample, reduce: v1.reduce };
}

// Padded vec4 layout for config A (v2): W1 [D0][Q1], b1 [Q1], W2 [D1][Q2], b2 [Q2], W3 [Q2], b3 [1].
function paddedLayoutA(meta) {
  const [D0, D1, D2] = meta.layers;
  const Q1 = Math.ceil(D1 / 4),
    Q2 = Math.ceil(D2 / 4);
  const offs = { w1: 0 };
  offs.b1 = offs.w1 + D0 * Q1;
  offs.w2 = offs.b1 + Q1;
  offs.b2 = offs.w2 + D1 * Q2;
  offs.w3 = offs.b2 + Q2;
  offs.b3 = offs.w3 + Q2;
  const PV = offs.b3 + 1;
  return { Q1, Q2, offs, PV };
}

function padParamsA(meta, arr, fill) {
  const { Q1, Q2, offs, PV } = paddedLayoutA(meta);
  const [l1, l2, l3] = meta.layout;
  const out = new Float32Array(PV * 4).fill(fill);
  for (let k = 0; k < l1.din; k++) for (let j = 0; j < l1.dout; j++) out[(offs.w1 + k * Q1) * 4 + j] = arr[l1.wOff + k * l1.dout + j];
  for (let j = 0; j < l1.dout; j++) out[offs.b1 * 4 + j] = arr[l1.bOff + j];
  for (let k = 0; k < l2.din; k++) for (let j = 0; j < l2.dout; j++) out[(offs.w2 + k * Q2) * 4 + j] = arr[l2.wOff + k * l2.dout + j];
  for (let j = 0; j < l2.dout; j++) out[offs.b2 * 4 + j] = arr[l2.bOff + j];
  for (let k = 0; k < l3.din; k++) out[offs.w3 * 4 + k] = arr[l3.wOff + k];
  out[offs.b3 * 4] = arr[l3.bOff];
  return out;
}

export async function makeFusedA(ctx, meta, mu, rho, { maxN = 256, maxS = 1000, variant = 'v2' } = {}) {
  const { device, hasTs } = ctx;
  const code = variant === 'v1' ? fusedShadersV1(meta) : variant === 'v3' ? fusedShadersV3(meta) : fusedShadersV2(meta);
  if (variant !== 'v1') {
    mu = padParamsA(meta, mu, 0);
    rho = padParamsA(meta, rho, -200); // softplus(-200) == 0 in f32: pads sample to exactly 0
  }
  const D0 = meta.layers[0];
  const pipeS = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: code.sample }), entryPoint: 'main' } });
  const pipeR = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: code.reduce }), entryPoint: 'main' } });
  const muB = storage(device, mu),
    rhoB = storage(device, rho);
  const XB = device.createBuffer({ size: maxN * D0 * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const YB = device.createBuffer({ size: maxN * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const FB = device.createBuffer({ size: maxN * maxS * 4, usage: GPUBufferUsage.STORAGE });
  const OB = device.createBuffer({ size: 3 * maxN * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const RB = device.createBuffer({ size: 3 * maxN * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const UB = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const sBufs = [muB, rhoB, XB, FB, UB];
  if (variant !== 'v1') sBufs.push(device.createBuffer({ size: maxS * paddedLayoutA(meta).PV * 16, usage: GPUBufferUsage.STORAGE }));
  const bgS = device.createBindGroup({ layout: pipeS.getBindGroupLayout(0), entries: sBufs.map((b, i) => ({ binding: i, resource: { buffer: b } })) });
  const bgR = device.createBindGroup({ layout: pipeR.getBindGroupLayout(0), entries: [FB, YB, OB, UB].map((b, i) => ({ binding: i, resource: { buffer: b } })) });
  const timer = hasTs ? new GpuTimer(device, 2) : null;
  let seed = 0x12345;

  async function predict(X, y, N, S, { profile = false } = {}) {
    if (N > maxN || S > maxS) throw new Error('N/S too large');
    device.queue.writeBuffer(XB, 0, X);
    device.queue.writeBuffer(YB, 0, y);
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; // new posterior draws every call
    device.queue.writeBuffer(UB, 0, new Uint32Array([N, S, seed, 0]));
    const ts = profile && timer;
    const enc = device.createCommandEncoder();
    let pass = enc.beginComputePass(ts ? { timestampWrites: timer.writes(0) } : {});
    pass.setPipeline(pipeS);
    pass.setBindGroup(0, bgS);
    pass.dispatchWorkgroups(S);
    pass.end();
    pass = enc.beginComputePass(ts ? { timestampWrites: timer.writes(1) } : {});
    pass.setPipeline(pipeR);
    pass.setBindGroup(0, bgR);
    pass.dispatchWorkgroups(Math.ceil(N / 64));
    pass.end();
    enc.copyBufferToBuffer(OB, 0, RB, 0, 3 * N * 4);
    if (ts) timer.resolveInto(enc);
    device.queue.submit([enc.finish()]);
    await settle(RB.mapAsync(GPUMapMode.READ, 0, 3 * N * 4));
    const d = new Float32Array(RB.getMappedRange(0, 3 * N * 4).slice(0));
    RB.unmap();
    const res = { mean: d.subarray(0, N), variance: d.subarray(N, 2 * N), lpd: d.subarray(2 * N, 3 * N) };
    if (ts) res.passMs = await timer.passMs();
    return res;
  }
  return { predict, code };
}
