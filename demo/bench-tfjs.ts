/**
 * The benchmark page's peer: the same model's predictive mean and variance in TF.js 4.22 on its
 * WebGPU backend, so that anyone can compare the two libraries on their own GPU. The graph is the
 * idiomatic batched one of the peer harness (bench/peers/src/tfjs_model.js): each layer's weights
 * drawn as loc + scale · randomNormal([S, in, out]), one batched matMul per layer, moments over the
 * samples, one read-back. TF.js is imported on first use only, so pages that never pick the peer
 * never load it.
 */
import type * as tfCore from '@tensorflow/tfjs-core';
import { normalLikelihood, tensorNames, type Model, type Tensor } from '../src/model/spec.js';

export interface TfPeer {
  /** 'webgpu', and TF.js's version. */
  readonly description: string;
  /** Mean and predictive variance (epistemic + σ²) of N inputs (row-major, N x inputDim) over S weight draws. */
  predict(x: Float32Array, n: number, samples: number): Promise<{ mean: Float32Array; variance: Float32Array }>;
  dispose(): void;
}

interface PeerLayer {
  readonly inputs: number;
  readonly units: number;
  readonly relu: boolean;
  /** [inputs, units]: TF.js multiplies h [S, N, inputs] by W [S, inputs, units]. */
  readonly wLoc: tfCore.Tensor2D;
  readonly wScale: tfCore.Tensor2D;
  readonly bLoc: tfCore.Tensor1D;
  readonly bScale: tfCore.Tensor1D;
}

function tensorOf(model: Model, name: string): Tensor {
  const t = model.tensors.get(name);
  if (!t) throw new Error(`TF.js peer: the model has no tensor '${name}'`);
  return t;
}

/**
 * Loads TF.js with its WebGPU backend and uploads the model's posterior once. The page's synthetic
 * models only: mean-field Normal weights and biases, ReLU hidden layers, an identity output, a
 * fixed noise and no standardisation (anything else is refused by name rather than mis-predicted).
 */
export async function createTfPeer(model: Model): Promise<TfPeer> {
  const { spec } = model;
  const noise = normalLikelihood(spec.likelihood)?.noise;
  if (noise?.kind !== 'fixed') throw new Error("TF.js peer: the page's models have a Normal likelihood with a fixed noise");
  if (spec.standardization !== null) throw new Error('TF.js peer: the page compares unstandardised models only');
  spec.layers.forEach((layer, l) => {
    const last = l === spec.layers.length - 1;
    if (layer.weight.posterior !== 'normal' || layer.bias.posterior !== 'normal') throw new Error(`TF.js peer: layer ${l} is not mean-field Normal`);
    if (layer.activation !== (last ? 'identity' : 'relu')) throw new Error(`TF.js peer: layer ${l} has activation '${layer.activation}'`);
    if (layer.dropout !== 0 || layer.batchNorm) throw new Error(`TF.js peer: layer ${l} has dropout or batch norm`);
  });
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its WebGPU backend in this browser');
  await tf.ready();
  const sigma = noise.sigma;
  let inputs = spec.inputDim;
  const layers: PeerLayer[] = spec.layers.map((layer, l) => {
    const units = layer.units;
    // Model files store W as [units, inputs]; TF.js wants [inputs, units].
    const weight = (name: string) => tf.tidy(() => tf.transpose(tf.tensor2d(tensorOf(model, name).data, [units, inputs])));
    const entry: PeerLayer = {
      inputs,
      units,
      relu: l < spec.layers.length - 1,
      wLoc: weight(tensorNames.weightLoc(l)),
      wScale: weight(tensorNames.weightScale(l)),
      bLoc: tf.tensor1d(tensorOf(model, tensorNames.biasLoc(l)).data),
      bScale: tf.tensor1d(tensorOf(model, tensorNames.biasScale(l)).data),
    };
    inputs = units;
    return entry;
  });
  const outputs = inputs;
  return {
    description: `TF.js ${tf.version_core} (${tf.getBackend()})`,
    async predict(x, n, samples) {
      const out = tf.tidy(() => {
        let h: tfCore.Tensor3D = tf.tensor3d(x, [1, n, spec.inputDim]);
        for (const L of layers) {
          const w = tf.add<tfCore.Tensor3D>(L.wLoc, tf.mul(L.wScale, tf.randomNormal([samples, L.inputs, L.units])));
          const b = tf.add(L.bLoc, tf.mul(L.bScale, tf.randomNormal([samples, 1, L.units])));
          const z = tf.add<tfCore.Tensor3D>(tf.matMul(h, w), b);
          h = L.relu ? tf.relu(z) : z;
        }
        const { mean, variance } = tf.moments(h, 0);
        return tf.concat([tf.reshape(mean, [-1]), tf.reshape(tf.add(variance, sigma * sigma), [-1])]);
      });
      try {
        const values = (await out.data()) as Float32Array;
        return { mean: values.slice(0, n * outputs), variance: values.slice(n * outputs) };
      } finally {
        out.dispose();
      }
    },
    dispose() {
      for (const L of layers) for (const t of [L.wLoc, L.wScale, L.bLoc, L.bScale]) t.dispose();
    },
  };
}
