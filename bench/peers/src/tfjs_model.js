// Idiomatic batched tfjs implementation of the BNN predictive call (shared by Node and the browser page).
// `tf` is passed in (Node: import * as tf from '@tensorflow/tfjs'; browser: the global from tf.min.js).
export function makeTfModel(tf, meta, mu, rho) {
  const sigma = meta.sigma;
  const nL = meta.layout.length;
  const dIn = meta.layers[0],
    dOut = meta.layers[nL];
  // Variational parameters live on the backend for the model's lifetime (uploaded once).
  const layers = meta.layout.map((L) => ({
    din: L.din,
    dout: L.dout,
    wMu: tf.tensor2d(mu.subarray(L.wOff, L.wOff + L.din * L.dout), [L.din, L.dout]),
    wRho: tf.tensor2d(rho.subarray(L.wOff, L.wOff + L.din * L.dout), [L.din, L.dout]),
    bMu: tf.tensor1d(mu.subarray(L.bOff, L.bOff + L.dout)),
    bRho: tf.tensor1d(rho.subarray(L.bOff, L.bOff + L.dout)),
  }));
  const llConst = dOut * (-0.5 * Math.log(2 * Math.PI) - Math.log(sigma));

  // Builds the graph; returns one [N*dOut + N*dOut + N] tensor (mean | predictive var | lpd).
  function graph(Xarr, yarr, N, S) {
    return tf.tidy(() => {
      const X = tf.tensor3d(Xarr, [1, N, dIn]);
      const y = tf.tensor3d(yarr, [1, N, dOut]);
      let h = X;
      layers.forEach((L, i) => {
        const W = L.wMu.add(tf.softplus(L.wRho).mul(tf.randomNormal([S, L.din, L.dout]))); // [S,din,dout]
        const b = L.bMu.add(tf.softplus(L.bRho).mul(tf.randomNormal([S, 1, L.dout]))); // [S,1,dout]
        h = tf.matMul(h, W).add(b); // [S,N,dout]
        if (i + 1 < nL) h = tf.relu(h);
      });
      const f = h; // [S,N,dOut]
      const { mean, variance } = tf.moments(f, 0); // [N,dOut], population variance
      const predVar = variance.add(sigma * sigma);
      const z = y.sub(f).div(sigma);
      const ll = z.square().sum(2).mul(-0.5).add(llConst); // [S,N]
      const lpd = tf.logSumExp(ll, 0).sub(Math.log(S)); // [N]
      return tf.concat([mean.reshape([-1]), predVar.reshape([-1]), lpd]);
    });
  }

  async function predict(Xarr, yarr, N, S) {
    const out = graph(Xarr, yarr, N, S);
    const d = await out.data(); // the only readback
    out.dispose();
    const k = N * dOut;
    return { mean: d.subarray(0, k), variance: d.subarray(k, 2 * k), lpd: d.subarray(2 * k, 2 * k + N) };
  }
  return { predict, graph, dOut, dIn };
}
