// tfjs in Node with the 'cpu' or 'wasm' backend:  node src/bench_tfjs_node.mjs cpu|wasm [--configs ...]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeTfModel } from './tfjs_model.js';
import { timeCalls, record, summarize } from './timing.js';
import { loadDataset, configInputs, writeResults, selectedConfigs, timingOpts } from './node_data.mjs';

const backend = process.argv[2];
if (!['cpu', 'wasm'].includes(backend)) {
  console.error('usage: bench_tfjs_node.mjs cpu|wasm');
  process.exit(2);
}
const impl = `tfjs-${backend}-node`;
await tf.setBackend(backend);
await tf.ready();
const extraInfo = { backend: tf.getBackend(), tfjs: tf.version.tfjs };
if (backend === 'wasm') {
  extraInfo.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  extraInfo.threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'multi' : 1;
}
const records = [];
const models = {};
for (const cfg of selectedConfigs()) {
  const ds = loadDataset(cfg.dataset);
  const model = (models[cfg.dataset] ??= makeTfModel(tf, ds.meta, ds.mu, ds.rho));
  const { X, y } = configInputs(ds, cfg);
  const timing = await timeCalls(() => model.predict(X, y, cfg.N, cfg.S), timingOpts());
  // Diagnostic: host-side cost of tf.randomNormal for this config's eps (same count as in one call).
  const nEps = cfg.S * ds.meta.P;
  const rt = [];
  for (let i = 0; i < (timing.reduced ? 1 : 3); i++) {
    const t0 = performance.now();
    const r = tf.randomNormal([nEps]);
    rt.push(performance.now() - t0);
    r.dispose();
  }
  const rec = record(impl, cfg, model.dOut, timing, { ...extraInfo, randomNormal_ms: summarize(rt).median_ms, numTensors: tf.memory().numTensors });
  records.push(rec);
  console.log(`${impl} ${cfg.id}: median ${rec.median_ms.toFixed(2)} ms (reps ${rec.reps}); randomNormal ${rec.extra.randomNormal_ms.toFixed(1)} ms`);
}
writeResults(impl, records);
process.exit(0);
