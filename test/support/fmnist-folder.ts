/**
 * A tiny synthetic Fashion-MNIST folder for the benchmark's tests (test/bench/fmnist*.test.ts):
 * the four idx .gz files of the real layout, 4x4 images whose brightness grows with the class (so
 * there is something to learn), labels cycling through 0-9.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mulberry32 } from '../../bench/lib/synthetic.js';

/** An idx file of unsigned bytes (type 0x08 unless given) with the given dimensions and values. */
export function idxBytes(shape: readonly number[], values: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + values.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  shape.forEach((n, d) => view.setUint32(4 + 4 * d, n));
  out.set(Array.from(values), 4 + 4 * shape.length);
  return out;
}

/** Writes `train` training and `test` test images into `dir`. */
export function writeSyntheticFashionMnist(dir: string, train = 100, test = 60, seed = 3): void {
  const rand = mulberry32(seed);
  const part = (count: number) => {
    const labels = Array.from({ length: count }, (_, i) => i % 10);
    const images = labels.flatMap((l) => Array.from({ length: 16 }, () => Math.min(255, Math.floor(20 * l + 40 * rand()))));
    return { images: gzipSync(idxBytes([count, 4, 4], images)), labels: gzipSync(idxBytes([count], labels)) };
  };
  const a = part(train);
  const b = part(test);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), a.images);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), a.labels);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), b.images);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), b.labels);
}
