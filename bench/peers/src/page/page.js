// Browser side of the Chromium benchmarks. The driver (src/bench_chromium.mjs) calls
// window.runImpl(name, opts) through Playwright and writes the returned records.
import { CONFIGS, splitDatasetBuffer } from '../workload.js';
import { makeTfModel } from '../tfjs_model.js';
import { timeCalls, record, summarize } from '../timing.js';
import { getDevice, runFmaPeak, makeFusedA } from '../wgsl.js';

const tf = window.tf;
const log = (m) => {
  console.log(m);
  document.getElementById('log').textContent += '\n' + m;
};

async function loadDataset(name) {
  const meta = await (await fetch(`/bench/peers/data/${name}.json`)).json();
  const buf = await (await fetch(`/bench/peers/data/${name}.bin`)).arrayBuffer();
  return { meta, ...splitDatasetBuffer(meta, new Float32Array(buf)) };
}
function configInputs(ds, cfg) {
  const din = ds.meta.layers[0],
    dout = ds.meta.layers[ds.meta.layers.length - 1];
  return { X: ds.X.slice(0, cfg.N * din), y: ds.y.slice(0, cfg.N * dout), din, dout };
}
const datasets = {};
const getDs = async (n) => (datasets[n] ??= await loadDataset(n));

async function runTfjs(backend, opts) {
  const impl = `tfjs-${backend}-chromium`;
  if (backend === 'wasm') {
    tf.wasm.setWasmPaths('/bench/peers/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    if (opts.wasmThreads) tf.wasm.setThreadsCount(opts.wasmThreads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`setBackend(${backend}) failed`);
  await tf.ready();
  const info = { backend: tf.getBackend(), tfjs: tf.version.tfjs, crossOriginIsolated: self.crossOriginIsolated };
  if (backend === 'webgpu') {
    const b = tf.backend();
    info.timestampQuery = !!b.supportTimestampQuery;
    info.adapter = b.adapterInfo ? { vendor: b.adapterInfo.vendor, architecture: b.adapterInfo.architecture } : null;
  }
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    info.threads = tf.wasm.getThreadsCount?.();
  }
  const records = [];
  const models = {};
  for (const cfg of CONFIGS.filter((c) => opts.configs.includes(c.id))) {
    const ds = await getDs(cfg.dataset);
    const model = (models[cfg.dataset] ??= makeTfModel(tf, ds.meta, ds.mu, ds.rho));
    const { X, y } = configInputs(ds, cfg);
    const timing = await timeCalls(() => model.predict(X, y, cfg.N, cfg.S), opts.timing);
    const extra = { ...info };
    // Diagnostics (not part of the headline): kernel time via tf.time (timestamp queries on
    // webgpu), and the host-side cost of tf.randomNormal for the eps of one call.
    try {
      if (timing.reduced === 2) throw new Error('skipped (call too slow for the budget)');
      const t = await tf.time(() => model.graph(X, y, cfg.N, cfg.S));
      extra.kernelMs = typeof t.kernelMs === 'number' ? t.kernelMs : null;
      extra.tfTimeWallMs = t.wallMs;
      if (typeof t.kernelMs !== 'number') extra.kernelMsError = JSON.stringify(t.kernelMs);
    } catch (e) {
      extra.kernelMsError = String(e);
    }
    const rt = [];
    for (let i = 0; i < (timing.reduced ? 1 : 3); i++) {
      const t0 = performance.now();
      const r = tf.randomNormal([cfg.S * ds.meta.P]);
      rt.push(performance.now() - t0);
      r.dispose();
    }
    extra.randomNormal_ms = summarize(rt).median_ms;
    extra.numTensors = tf.memory().numTensors;
    const rec = record(impl, cfg, model.dOut, timing, extra);
    records.push(rec);
    log(`${impl} ${cfg.id}: median ${rec.median_ms.toFixed(2)} ms (reps ${rec.reps}) kernelMs ${extra.kernelMs?.toFixed?.(1)} randomNormal ${extra.randomNormal_ms.toFixed(1)} ms`);
  }
  return { [impl]: records };
}

async function runWgsl(opts) {
  const ctx = await getDevice(navigator.gpu);
  const out = {};
  const peak = await runFmaPeak(ctx);
  out['wgsl-peak-chromium'] = [{ impl: 'wgsl-peak-chromium', adapter: ctx.info, features: ctx.features, peak }];
  log(`peak best ${peak.best.op}/${peak.best.nacc}/${peak.best.unroll}: ${peak.best.gflops_wall.toFixed(2)} GFLOP/s (gpu-ts ${peak.best.gflops_gpu?.toFixed(2)})`);
  const ds = await getDs('uci');
  for (const variant of opts.wgslVariants) {
    const impl = `wgsl-fused-${variant}-chromium`;
    const model = await makeFusedA(ctx, ds.meta, ds.mu, ds.rho, { variant });
    const records = [];
    for (const cfg of CONFIGS.filter((c) => c.dataset === 'uci' && opts.configs.includes(c.id))) {
      const { X, y, dout } = configInputs(ds, cfg);
      const timing = await timeCalls(() => model.predict(X, y, cfg.N, cfg.S), opts.timing);
      const prof = [];
      for (let i = 0; i < (timing.reduced ? 1 : 3); i++) prof.push((await model.predict(X, y, cfg.N, cfg.S, { profile: true })).passMs);
      const gpu = prof[0] ? { sample_forward_ms: summarize(prof.map((p) => p[0])).median_ms, reduce_ms: summarize(prof.map((p) => p[1])).median_ms } : null;
      const rec = record(impl, cfg, dout, timing, { variant, adapter: ctx.info, gpu_ms: gpu ? gpu.sample_forward_ms + gpu.reduce_ms : null, gpu, errors: ctx.errors });
      records.push(rec);
      log(`${impl} ${cfg.id}: median ${rec.median_ms.toFixed(2)} ms (reps ${rec.reps}) gpu ${JSON.stringify(gpu)}`);
    }
    out[impl] = records;
  }
  ctx.device.destroy();
  return out;
}

// webgpu-bnn from the repository's build (dist/), the same code the Node step runs.
async function runEngine(opts) {
  const { createBrowserContext } = await import('/dist/src/gpu/device.js');
  const { runEngine: run, ENGINE_STRATEGIES } = await import('/dist/bench/peers/lib/engine-run.js');
  const { splitDataset } = await import('/dist/bench/peers/lib/workload.js');
  const ctx = await createBrowserContext();
  try {
    const cache = {};
    const dataset = async (name) => {
      if (!cache[name]) {
        const meta = await (await fetch(`/bench/peers/data/${name}.json`)).json();
        cache[name] = splitDataset(meta, new Float32Array(await (await fetch(`/bench/peers/data/${name}.bin`)).arrayBuffer()));
      }
      return cache[name];
    };
    return await run(ctx, {
      strategies: opts.engineStrategies ?? ENGINE_STRATEGIES,
      configs: CONFIGS.filter((c) => opts.configs.includes(c.id)),
      timing: opts.timing,
      runtime: 'chromium',
      dataset,
      log,
    });
  } finally {
    ctx.destroy();
  }
}

window.runImpl = async (name, opts) => {
  if (name === 'engine') return runEngine(opts);
  if (name === 'tfjs-webgpu') return runTfjs('webgpu', opts);
  if (name === 'tfjs-wasm') return runTfjs('wasm', opts);
  if (name === 'wgsl') return runWgsl(opts);
  throw new Error(`unknown impl ${name}`);
};
window.pageInfo = async () => {
  const a = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  return {
    userAgent: navigator.userAgent,
    hasGpu: !!navigator.gpu,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    adapter: a
      ? {
          ...(a.info ? { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description } : {}),
          features: [...a.features].sort(),
        }
      : null,
  };
};
window.pageReady = true;
log('ready');
