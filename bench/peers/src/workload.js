// Shared workload definition (browser + Node safe: no Node imports here).
// See ../WORKLOAD.md for the normative description.

export const SIGMA = 0.5;

// Data sets (parameters + inputs + targets); configs reference a data set.
export const DATASETS = {
  uci: { layers: [13, 50, 50, 1], N: 256, seed: 1 },
  wide: { layers: [256, 512, 512, 10], N: 64, seed: 2 },
};

// Benchmark configurations. 'uci' N=1 uses the first row of the uci data set.
export const CONFIGS = [
  { id: 'A-uci-N1', dataset: 'uci', N: 1, S: 1000 },
  { id: 'A-uci-N256', dataset: 'uci', N: 256, S: 1000 },
  { id: 'B-wide-N64', dataset: 'wide', N: 64, S: 100 },
];

// Flat parameter layout: for each layer l: W_l (d_in x d_out, row-major, i.e. h @ W), then b_l (d_out).
export function layout(layers) {
  const L = [];
  let off = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const din = layers[l],
      dout = layers[l + 1];
    L.push({ din, dout, wOff: off, bOff: off + din * dout });
    off += din * dout + dout;
  }
  return { layers: L, P: off };
}

export function macsPerSample(layers) {
  let m = 0;
  for (let l = 0; l + 1 < layers.length; l++) m += layers[l] * layers[l + 1];
  return m;
}

// Nominal FLOPs of one predictive call: 2*S*N*sum(in*out) (forward matmuls)
// + 2*S*P (w = mu + std*eps, one FMA per sampled parameter).
// RNG cost, softplus, bias/ReLU and statistics are NOT counted.
export function nominalFlops(layers, N, S) {
  const { P } = layout(layers);
  return 2 * S * N * macsPerSample(layers) + 2 * S * P;
}

// mulberry32: tiny deterministic 32-bit PRNG used ONLY to generate the fixed params/data.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Box-Muller normal stream (float64) on top of a uniform generator; uses both outputs.
export function normalStream(uniform) {
  let spare = null;
  return function () {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    let u1 = uniform();
    while (u1 <= 0) u1 = uniform();
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

// Generate a data set. Returns Float32Arrays { mu, rho, X, y } (+ meta).
// mu ~ N(0, 0.1^2); rho ~ U(-6, -4)  (std = softplus(rho) in [0.0025, 0.018]);
// X ~ N(0, 1); y = f_mu(x) + SIGMA * N(0, 1), where f_mu is the forward pass with w = mu (float64).
export function generateDataset(name) {
  const ds = DATASETS[name];
  const { layers: L, P } = layout(ds.layers);
  const u = mulberry32(ds.seed);
  const nrm = normalStream(u);
  const mu = new Float32Array(P),
    rho = new Float32Array(P);
  for (let i = 0; i < P; i++) mu[i] = 0.1 * nrm();
  for (let i = 0; i < P; i++) rho[i] = -6 + 2 * u();
  const din = ds.layers[0],
    dout = ds.layers[ds.layers.length - 1];
  const X = new Float32Array(ds.N * din);
  for (let i = 0; i < X.length; i++) X[i] = nrm();
  const y = new Float32Array(ds.N * dout);
  for (let n = 0; n < ds.N; n++) {
    let h = Array.from(X.subarray(n * din, (n + 1) * din));
    L.forEach((ly, l) => {
      const o = new Array(ly.dout).fill(0);
      for (let j = 0; j < ly.dout; j++) {
        let acc = mu[ly.bOff + j];
        for (let k = 0; k < ly.din; k++) acc += h[k] * mu[ly.wOff + k * ly.dout + j];
        o[j] = l + 1 < L.length ? Math.max(acc, 0) : acc;
      }
      h = o;
    });
    for (let j = 0; j < dout; j++) y[n * dout + j] = h[j] + SIGMA * nrm();
  }
  return { name, layers: ds.layers, N: ds.N, P, mu, rho, X, y };
}

// File layout of data/<name>.bin: float32 LE, concatenated: mu[P], rho[P], X[N*d_in], y[N*d_out].
export function splitDatasetBuffer(meta, f32) {
  const { P, N, layers } = meta;
  const din = layers[0],
    dout = layers[layers.length - 1];
  let o = 0;
  const take = (n) => {
    const a = f32.subarray(o, o + n);
    o += n;
    return a;
  };
  return { mu: take(P), rho: take(P), X: take(N * din), y: take(N * dout) };
}
