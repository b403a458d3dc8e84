/**
 * The Fashion-MNIST files and the benchmark's data protocol (bench/README.md, "Fashion-MNIST"):
 * - in-distribution: classes 0-4 (T-shirt/top, trouser, pullover, dress, coat); the training rows
 *   are the first `trainPerClass` images of each in the training file, in file order; the test
 *   rows the first `testPerClass` of each in the test file;
 * - out-of-distribution: the first `testPerClass` test images of each of classes 5-9 (sandal,
 *   shirt, sneaker, bag, ankle boot), and `noise` images of uniform pixels in [0, 1) from
 *   mulberry32(noiseSeed) (bench/lib/synthetic.ts), pixel by pixel, image by image;
 * - pixels scaled to [0, 1] (byte / 255); train() standardises each input with the training
 *   rows' mean and std, the PyTorch peer does the same.
 * The PyTorch peer (torch_peer.py) selects the same rows by the same rule; both report a
 * checksum of everything selected so the driver can check they saw the same data.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../src/errors.js';
import { mulberry32 } from '../lib/synthetic.js';
import { readIdxFile, type IdxArray } from './idx.js';

export const DEFAULT_DATA_DIR = '/usr/share/datasets/fashion-mnist';
export const DEBIAN_PACKAGE = 'dataset-fashion-mnist';
export const IN_CLASSES = [0, 1, 2, 3, 4] as const;
export const OUT_CLASSES = [5, 6, 7, 8, 9] as const;
export const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

export interface LabelledImages {
  readonly count: number;
  /** Pixels per image (784). */
  readonly pixels: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

export interface FashionMnist {
  readonly train: LabelledImages;
  readonly test: LabelledImages;
}

/** Images and labels of one part, checked against each other (counts, labels 0-9). */
export function labelledImages(images: IdxArray, labels: IdxArray, name: string): LabelledImages {
  const [count = 0, rows = 0, cols = 0] = images.shape;
  if (labels.shape[0] !== count) throw new InvalidInputError(`${name}: ${count} images but ${String(labels.shape[0])} labels`);
  if (count === 0 || rows === 0 || cols === 0) throw new InvalidInputError(`${name}: no images (shape [${images.shape.join(', ')}])`);
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new InvalidInputError(`${name}: label ${String(labels.data[bad])} at row ${bad} is not a class 0-9`);
  return { count, pixels: rows * cols, images: images.data, labels: labels.data };
}

/** Reads the four files of a folder in the original layout. */
export async function loadFashionMnist(dir: string): Promise<FashionMnist> {
  const read = (file: string, dims: number) => readIdxFile(join(dir, file), dims);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    read(FILES.trainImages, 3),
    read(FILES.trainLabels, 1),
    read(FILES.testImages, 3),
    read(FILES.testLabels, 1),
  ]);
  const train = labelledImages(trainImages, trainLabels, join(dir, FILES.trainImages));
  const test = labelledImages(testImages, testLabels, join(dir, FILES.testImages));
  if (train.pixels !== test.pixels) throw new InvalidInputError(`${dir}: training images have ${train.pixels} pixels, test images ${test.pixels}`);
  return { train, test };
}

export function hasFashionMnist(dir: string): boolean {
  return Object.values(FILES).every((f) => existsSync(join(dir, f)));
}

/**
 * The data folder: `dataDir` when given; else the Debian package's, installed with apt-get when
 * missing and running as root. Messages go to `log`.
 */
export function resolveDataDir(dataDir: string | undefined, log: (line: string) => void): string {
  if (dataDir !== undefined) {
    if (!hasFashionMnist(dataDir)) throw new InvalidInputError(`--data-dir ${dataDir} lacks the Fashion-MNIST files (${Object.values(FILES).join(', ')})`);
    return dataDir;
  }
  if (hasFashionMnist(DEFAULT_DATA_DIR)) return DEFAULT_DATA_DIR;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    throw new InvalidInputError(
      `no Fashion-MNIST in ${DEFAULT_DATA_DIR}: install it (sudo apt-get install -y ${DEBIAN_PACKAGE}) or give --data-dir <folder with the idx .gz files>`,
    );
  }
  log(`fmnist: installing ${DEBIAN_PACKAGE} with apt-get`);
  const run = spawnSync('apt-get', ['install', '-y', DEBIAN_PACKAGE], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run.status !== 0 || !hasFashionMnist(DEFAULT_DATA_DIR)) {
    throw new InvalidInputError(`apt-get install -y ${DEBIAN_PACKAGE} failed (status ${String(run.status)}); install it by hand or give --data-dir`);
  }
  return DEFAULT_DATA_DIR;
}

export interface ProtocolSizes {
  readonly trainPerClass: number;
  readonly testPerClass: number;
  readonly noise: number;
  readonly noiseSeed: number;
}

/** Rows x pixels, row-major, pixels in [0, 1]. */
export interface ImageSet {
  readonly rows: number;
  readonly x: Float64Array;
}

export interface ProtocolData {
  readonly pixels: number;
  readonly train: ImageSet & { readonly y: Int32Array };
  readonly test: ImageSet & { readonly y: Int32Array };
  readonly ood: ImageSet;
  readonly noise: ImageSet;
  /** Sum of every selected pixel value and label (the PyTorch peer computes the same). */
  readonly checksum: number;
}

/** Indices of the first `perClass` rows of each class in `classes`, in file order (all of a class if it has fewer). */
export function firstPerClass(labels: Uint8Array, classes: readonly number[], perClass: number): number[] {
  const taken = new Map<number, number>(classes.map((c) => [c, 0]));
  const rows: number[] = [];
  labels.forEach((label, i) => {
    const t = taken.get(label);
    if (t !== undefined && t < perClass) {
      taken.set(label, t + 1);
      rows.push(i);
    }
  });
  return rows;
}

function gather(part: LabelledImages, rows: readonly number[]): Float64Array {
  const p = part.pixels;
  const x = new Float64Array(rows.length * p);
  rows.forEach((r, i) => {
    for (let c = 0; c < p; c++) x[i * p + c] = (part.images[r * p + c] as number) / 255;
  });
  return x;
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s;
}

/** The benchmark's rows (see the file comment). */
export function selectProtocolData(data: FashionMnist, sizes: ProtocolSizes): ProtocolData {
  const trainRows = firstPerClass(data.train.labels, IN_CLASSES, sizes.trainPerClass);
  const testRows = firstPerClass(data.test.labels, IN_CLASSES, sizes.testPerClass);
  const oodRows = firstPerClass(data.test.labels, OUT_CLASSES, sizes.testPerClass);
  const pixels = data.train.pixels;
  const rand = mulberry32(sizes.noiseSeed);
  const noise = Float64Array.from({ length: sizes.noise * pixels }, () => rand());
  const train = { rows: trainRows.length, x: gather(data.train, trainRows), y: Int32Array.from(trainRows, (r) => data.train.labels[r] as number) };
  const test = { rows: testRows.length, x: gather(data.test, testRows), y: Int32Array.from(testRows, (r) => data.test.labels[r] as number) };
  const ood = { rows: oodRows.length, x: gather(data.test, oodRows) };
  const checksum = sum(train.x) + sum(test.x) + sum(ood.x) + sum(noise) + sum(train.y) + sum(test.y);
  return { pixels, train, test, ood, noise: { rows: sizes.noise, x: noise }, checksum };
}
