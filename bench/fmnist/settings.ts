/**
 * The benchmark's settings: one list shared by the webgpu-bnn side and the PyTorch peer (the driver
 * passes every one of them to torch_peer.py on its command line, so the two sides cannot drift).
 */
import { InvalidInputError } from '../../src/errors.js';

export const METHODS = ['mc-dropout', 'vi', 'ensemble'] as const;
export type FmnistMethod = (typeof METHODS)[number];

export interface FmnistSettings {
  readonly methods: readonly FmnistMethod[];
  /** Training images per in-distribution class (the first ones in file order). */
  readonly trainPerClass: number;
  /** Test images per class, in-distribution and out-of-distribution alike. */
  readonly testPerClass: number;
  /** Uniform-noise images. */
  readonly noise: number;
  readonly noiseSeed: number;
  /** Units of the one hidden ReLU layer: the network is 784-hidden-5. */
  readonly hidden: number;
  readonly epochs: number;
  readonly batch: number;
  /** Adam's rate for MC dropout and the ensemble members. */
  readonly lr: number;
  /** Adam's rate for VI. */
  readonly viLr: number;
  /** MC dropout's rate, on the input and on the hidden layer. */
  readonly dropout: number;
  /** MC dropout's length-scale l (weight decay p l^2 / (2 N tau), tau = 1). */
  readonly lengthScale: number;
  /** VI's prior std on every weight and bias. */
  readonly priorScale: number;
  /** Predictive samples of MC dropout and VI (the ensemble: one per member). */
  readonly samples: number;
  readonly members: number;
  readonly seed: number;
}

export const DEFAULT_SETTINGS: FmnistSettings = {
  methods: METHODS,
  trainPerClass: 400,
  testPerClass: 200,
  noise: 500,
  noiseSeed: 12345,
  hidden: 50,
  epochs: 10,
  batch: 128,
  lr: 3e-3,
  viLr: 1e-2,
  dropout: 0.1,
  lengthScale: 0.01,
  priorScale: 1,
  samples: 30,
  members: 5,
  seed: 0,
};

export function parseMethods(text: string): FmnistMethod[] {
  const names = text.split(',').map((t) => t.trim());
  for (const n of names) {
    if (!(METHODS as readonly string[]).includes(n)) throw new InvalidInputError(`unknown method '${n}'; use some of ${METHODS.join(', ')}`);
  }
  return names as FmnistMethod[];
}

/** The peer's command-line arguments for these settings. */
export function peerArguments(settings: FmnistSettings, dataDir: string, threads: number): string[] {
  const s = settings;
  const pairs: [string, string | number][] = [
    ['--data-dir', dataDir],
    ['--methods', s.methods.join(',')],
    ['--train-per-class', s.trainPerClass],
    ['--test-per-class', s.testPerClass],
    ['--noise', s.noise],
    ['--noise-seed', s.noiseSeed],
    ['--hidden', s.hidden],
    ['--epochs', s.epochs],
    ['--batch', s.batch],
    ['--lr', s.lr],
    ['--vi-lr', s.viLr],
    ['--dropout', s.dropout],
    ['--length-scale', s.lengthScale],
    ['--prior-scale', s.priorScale],
    ['--samples', s.samples],
    ['--members', s.members],
    ['--seed', s.seed],
    ['--threads', threads],
  ];
  return pairs.flatMap(([k, v]) => [k, String(v)]);
}
