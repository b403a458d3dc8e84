// Naive baseline: plain JavaScript loops over Float32Arrays on one CPU thread (Node).
//   node src/bench_naive.mjs [--configs ...]
import { timeCalls, record } from './timing.js';
import { loadDataset, configInputs, writeResults, selectedConfigs, timingOpts } from './node_data.mjs';

// xoshiro128** (32-bit) + Box-Muller (both outputs used).
function makeNormal(seed) {
  let a = seed | 0 || 1,
    b = 0x9e3779b9 | 0,
    c = 0x243f6a88 | 0,
    d = 0xb7e15162 | 0;
  const next = () => {
    const r = Math.imul((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return r >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  let spare = 0,
    has = false;
  return () => {
    if (has) {
      has = false;
      return spare;
    }
    const u1 = ((next() >>> 8) + 1) / 16777216; // (0,1]
    const u2 = (next() >>> 8) / 16777216; // [0,1)
    const r = Math.sqrt(-2 * Math.log(u1)),
      th = 2 * Math.PI * u2;
    spare = r * Math.sin(th);
    has = true;
    return r * Math.cos(th);
  };
}

function makeNaiveModel(meta, mu, rho) {
  const { P, sigma } = meta;
  const L = meta.layout,
    nL = L.length;
  const dOut = meta.layers[nL];
  const maxW = Math.max(...meta.layers);
  const W = new Float32Array(P),
    std = new Float32Array(P);
  const normal = makeNormal(12345);
  const llConst = dOut * (-0.5 * Math.log(2 * Math.PI) - Math.log(sigma));

  return async function predict(X, y, N, S) {
    for (let i = 0; i < P; i++) {
      const r = rho[i];
      std[i] = Math.max(r, 0) + Math.log1p(Math.exp(-Math.abs(r)));
    }
    const f = new Float32Array(S * N * dOut);
    let hin = new Float32Array(N * maxW),
      hout = new Float32Array(N * maxW);
    for (let s = 0; s < S; s++) {
      for (let i = 0; i < P; i++) W[i] = mu[i] + std[i] * normal();
      hin.set(X);
      for (let l = 0; l < nL; l++) {
        const { din, dout, wOff, bOff } = L[l];
        for (let n = 0; n < N; n++) {
          const ob = n * dout,
            ib = n * din;
          for (let j = 0; j < dout; j++) hout[ob + j] = W[bOff + j];
          for (let k = 0; k < din; k++) {
            const hk = hin[ib + k];
            const wb = wOff + k * dout;
            for (let j = 0; j < dout; j++) hout[ob + j] += hk * W[wb + j];
          }
          if (l + 1 < nL) for (let j = 0; j < dout; j++) if (hout[ob + j] < 0) hout[ob + j] = 0;
        }
        const t = hin;
        hin = hout;
        hout = t;
      }
      f.set(hin.subarray(0, N * dOut), s * N * dOut);
    }
    // statistics over samples
    const mean = new Float32Array(N * dOut),
      variance = new Float32Array(N * dOut),
      lpd = new Float32Array(N);
    const K = N * dOut;
    for (let s = 0; s < S; s++) for (let i = 0; i < K; i++) mean[i] += f[s * K + i];
    for (let i = 0; i < K; i++) mean[i] /= S;
    for (let s = 0; s < S; s++)
      for (let i = 0; i < K; i++) {
        const d = f[s * K + i] - mean[i];
        variance[i] += d * d;
      }
    for (let i = 0; i < K; i++) variance[i] = variance[i] / S + sigma * sigma;
    const ll = new Float64Array(S);
    for (let n = 0; n < N; n++) {
      let m = -Infinity;
      for (let s = 0; s < S; s++) {
        let q = 0;
        for (let k = 0; k < dOut; k++) {
          const z = (y[n * dOut + k] - f[s * K + n * dOut + k]) / sigma;
          q += z * z;
        }
        ll[s] = llConst - 0.5 * q;
        if (ll[s] > m) m = ll[s];
      }
      let acc = 0;
      for (let s = 0; s < S; s++) acc += Math.exp(ll[s] - m);
      lpd[n] = m + Math.log(acc) - Math.log(S);
    }
    return { mean, variance, lpd };
  };
}

const impl = 'naive-js-node';
const records = [];
for (const cfg of selectedConfigs()) {
  const ds = loadDataset(cfg.dataset);
  const predict = makeNaiveModel(ds.meta, ds.mu, ds.rho);
  const { X, y, dout } = configInputs(ds, cfg);
  const timing = await timeCalls(() => predict(X, y, cfg.N, cfg.S), timingOpts());
  const rec = record(impl, cfg, dout, timing, { threads: 1 });
  records.push(rec);
  console.log(`${impl} ${cfg.id}: median ${rec.median_ms.toFixed(2)} ms (reps ${rec.reps})`);
}
writeResults(impl, records);
