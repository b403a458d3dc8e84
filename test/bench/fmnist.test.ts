/**
 * The Fashion-MNIST benchmark's pure pieces (bench/fmnist/): the idx reader and its typed errors on
 * tiny synthetic and hostile files, the row selection, the metrics on hand-worked cases (AUROC with
 * ties against the O(mn) pair count), the driver's option errors, and the PyTorch peer: its metrics
 * and data selection agree with the TypeScript ones on the same inputs, and the driver runs it end
 * to end (--no-library) on a tiny synthetic data folder. No GPU; no full runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { firstPerClass, labelledImages, loadFashionMnist, selectProtocolData } from '../../bench/fmnist/data.js';
import { maybeGunzip, parseIdx, readIdxFile } from '../../bench/fmnist/idx.js';
import { auroc, classificationMetrics, sampleUncertainty } from '../../bench/fmnist/metrics.js';
import { peerScriptPath, readPeerResult } from '../../bench/fmnist/peer.js';
import { runFmnistCli } from '../../bench/fmnist/command.js';
import { mulberry32 } from '../../bench/lib/synthetic.js';
import { InvalidInputError } from '../../src/errors.js';
import { idxBytes, writeSyntheticFashionMnist } from '../support/fmnist-folder.js';
import { pythonWithTorch } from '../support/python.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fmnist-test-'));
  dirs.push(d);
  return d;
}

describe('idx reader', () => {
  it('reads the shape and the values of a tiny file, raw and gzipped', async () => {
    const values = Array.from({ length: 12 }, (_, i) => i * 20);
    const bytes = idxBytes([2, 2, 3], values);
    const parsed = parseIdx(bytes, 3, 'tiny');
    expect(parsed.shape).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(values);
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.gz'), gzipSync(bytes));
    const read = await readIdxFile(join(dir, 'tiny.gz'), 3);
    expect(read.shape).toEqual([2, 2, 3]);
    expect(Array.from(read.data)).toEqual(values);
  });

  const good = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
  const hostile: [string, Uint8Array, number, RegExp][] = [
    ['empty', new Uint8Array(0), 2, /too short/],
    ['three bytes', new Uint8Array([0, 0, 8]), 2, /too short/],
    ['a non-zero magic', Uint8Array.from(good, (b, i) => (i === 0 ? 1 : b)), 2, /not an idx file/],
    ['float values (0x0D)', idxBytes([2, 3], [1, 2, 3, 4, 5, 6], 0x0d), 2, /0x0d.*unsigned bytes/],
    ['the wrong number of dimensions', good, 3, /2 dimensions, expected 3/],
    ['a truncated header', good.subarray(0, 10), 2, /header truncated/],
    ['truncated data', good.subarray(0, good.length - 1), 2, /needs 6 values, the file holds 5 \(truncated\)/],
    ['trailing data', Uint8Array.from([...good, 7]), 2, /needs 6 values, the file holds 7/],
    ['huge dimensions', idxBytes([0xffffffff, 0xffffffff, 0xffffffff], [1, 2]), 3, /the file holds 2 \(truncated\)/],
  ];
  for (const [what, bytes, dims, message] of hostile) {
    it(`rejects ${what} with an InvalidInputError`, () => {
      expect(() => parseIdx(bytes, dims, 'f.idx')).toThrow(InvalidInputError);
      expect(() => parseIdx(bytes, dims, 'f.idx')).toThrow(message);
    });
  }

  it('rejects corrupt gzip and caps the decompressed size', () => {
    expect(() => maybeGunzip(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'bad.gz')).toThrow(InvalidInputError);
    const bomb = gzipSync(new Uint8Array(10_000));
    expect(() => maybeGunzip(bomb, 'bomb.gz', 1000)).toThrow(/bomb\.gz: gzip data could not be read/);
    expect(maybeGunzip(bomb, 'bomb.gz', 20_000).length).toBe(10_000);
  });

  it('names a missing file', async () => {
    await expect(readIdxFile(join(tempDir(), 'absent.gz'), 1)).rejects.toThrow(/cannot read .*absent\.gz/);
  });
});

describe('data selection', () => {
  it('takes the first rows of each class in file order', () => {
    expect(firstPerClass(Uint8Array.from([0, 5, 0, 1, 0, 1, 1]), [0, 1], 2)).toEqual([0, 2, 3, 5]);
    expect(firstPerClass(Uint8Array.from([3, 3]), [3, 4], 5)).toEqual([0, 1]);
  });

  it('checks images against labels', () => {
    const images = { shape: [2, 1, 2], data: new Uint8Array(4) };
    expect(() => labelledImages(images, { shape: [3], data: new Uint8Array(3) }, 'p')).toThrow(/2 images but 3 labels/);
    expect(() => labelledImages(images, { shape: [2], data: Uint8Array.from([1, 10]) }, 'p')).toThrow(/label 10 at row 1/);
    expect(() => labelledImages({ shape: [0, 1, 2], data: new Uint8Array(0) }, { shape: [0], data: new Uint8Array(0) }, 'p')).toThrow(/no images/);
  });

  it('scales pixels, draws the noise from mulberry32 and sums everything into the checksum', () => {
    const part = { count: 4, pixels: 2, images: Uint8Array.from([255, 0, 51, 102, 0, 0, 255, 255]), labels: Uint8Array.from([0, 7, 1, 0]) };
    const d = selectProtocolData({ train: part, test: part }, { trainPerClass: 1, testPerClass: 1, noise: 2, noiseSeed: 9 });
    expect(Array.from(d.train.x)).toEqual([1, 0, 0, 0]);
    expect(Array.from(d.train.y)).toEqual([0, 1]);
    expect(Array.from(d.ood.x)).toEqual([0.2, 0.4]);
    const rand = mulberry32(9);
    const noise = [rand(), rand(), rand(), rand()];
    expect(Array.from(d.noise.x)).toEqual(noise);
    const total = 1 + 1 + 0.6 + noise.reduce((a, b) => a + b, 0) + 2;
    expect(d.checksum).toBeCloseTo(total, 12);
  });
});

describe('metrics', () => {
  it('AUROC: separated, reversed, tied and a hand-counted case', () => {
    expect(auroc([0, 1, 2], [3, 4])).toBe(1);
    expect(auroc([3, 4], [0, 1, 2])).toBe(0);
    expect(auroc([1, 1, 1], [1, 1])).toBe(0.5);
    // Positive 2 beats 1, ties 2, loses to 3 (1.5 of 3); positive 4 beats all three: 4.5 / 6.
    expect(auroc([1, 2, 3], [2, 4])).toBe(0.75);
  });

  it('AUROC equals the pair count with ties as halves on random integer scores', () => {
    const rand = mulberry32(4);
    for (let trial = 0; trial < 20; trial++) {
      const neg = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 6));
      const pos = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 6) + 1);
      let wins = 0;
      for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
      expect(auroc(neg, pos)).toBeCloseTo(wins / (pos.length * neg.length), 12);
    }
  });

  it('AUROC rejects NaN scores and an empty class', () => {
    expect(() => auroc([0, NaN], [1])).toThrow(RangeError);
    expect(() => auroc([], [1])).toThrow(RangeError);
  });

  it('accuracy, NLL, Brier and ECE on a hand-worked case', () => {
    const m = classificationMetrics([0.7, 0.2, 0.1, 0.1, 0.6, 0.3], [0, 2], 3);
    expect(m.accuracy).toBe(0.5);
    expect(m.nll).toBeCloseTo(-(Math.log(0.7) + Math.log(0.3)) / 2, 14);
    expect(m.brier).toBeCloseTo((0.09 + 0.04 + 0.01 + 0.01 + 0.36 + 0.49) / 2, 14);
    // Confidences 0.7 (bin 10, right) and 0.6 (bin 9, wrong): half of |1 - 0.7| plus half of |0 - 0.6|.
    expect(m.ece).toBeCloseTo(0.45, 14);
    // Confidence 1 falls in the last bin; a probability of 0 gives a large finite NLL.
    const sure = classificationMetrics([1, 0, 0, 1], [0, 0], 2);
    expect(sure.ece).toBeCloseTo(0.5, 14);
    expect(sure.nll).toBeCloseTo(-Math.log(1e-300) / 2, 8);
    expect(() => classificationMetrics([0.5, 0.5], [0, 1], 2)).toThrow(RangeError);
  });

  it('entropy and mutual information from samples', () => {
    const u = sampleUncertainty([Float64Array.from([1, 0, 0.5, 0.5]), Float64Array.from([0, 1, 0.5, 0.5])], 2, 2);
    expect(Array.from(u.probs)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(u.entropy[0]).toBeCloseTo(Math.LN2, 14);
    expect(u.mutualInformation[0]).toBeCloseTo(Math.LN2, 14);
    expect(u.entropy[1]).toBeCloseTo(Math.LN2, 14);
    expect(u.mutualInformation[1]).toBe(0);
  });
});

describe('driver options', () => {
  const run = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runFmnistCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  };

  it('prints help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: npm run bench:fmnist/);
  });

  for (const [argv, message] of [
    [['--epochs', '0'], /--epochs must be an integer >= 1, got '0'/],
    [['--dropout', '1'], /--dropout must be in \[0, 1\)/],
    [['--methods', 'vi,sgld'], /unknown method 'sgld'/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--no-torch', '--no-library'], /leave nothing to run/],
    [['--data-dir', '/nonexistent-fmnist'], /lacks the Fashion-MNIST files/],
  ] as const) {
    it(`exits 2 with one line for ${argv.join(' ')}`, async () => {
      const r = await run([...argv]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
  }

  it("rejects a peer's malformed JSON", () => {
    expect(() => readPeerResult('not json')).toThrow(/printed no JSON/);
    expect(() => readPeerResult('{"torch": "1", "data": {"checksum": 1}, "methods": {"vi": {"accuracy": 1}}}')).toThrow(/vi result lacks a metric/);
  });
});

describe('the PyTorch peer', () => {
  const python = pythonWithTorch();

  it('computes the same metrics, noise and idx checks as the TypeScript side', () => {
    const rand = mulberry32(21);
    const n = 40;
    const k = 5;
    const samples = Array.from({ length: 3 }, () => {
      const p = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        const raw = Array.from({ length: k }, () => rand() ** 3);
        const z = raw.reduce((a, b) => a + b, 0);
        raw.forEach((v, c) => (p[i * k + c] = v / z));
      }
      return Array.from(p);
    });
    const labels = Array.from({ length: n }, () => Math.floor(rand() * k));
    // Integer scores on a small range: many ties.
    const neg = Array.from({ length: 25 }, () => Math.floor(rand() * 5));
    const pos = Array.from({ length: 15 }, () => Math.floor(rand() * 5) + 1);
    const input = JSON.stringify({ samples, labels, n, k, neg, pos });
    const script = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import torch_peer as t
d = json.loads(sys.stdin.read())
s = np.array(d["samples"]).reshape(len(d["samples"]), d["n"], d["k"])
mean, h, mi = t.uncertainty(s)
r = t.mulberry32(7)
def err(b):
    try:
        t.read_idx_bytes(bytes(b), 2, "x")
        return None
    except t.IdxError as e:
        return str(e)
print(json.dumps({"metrics": t.classification_metrics(mean, np.array(d["labels"])), "entropy": h.tolist(), "mi": mi.tolist(),
                  "auroc": t.auroc(np.array(d["neg"], dtype=float), np.array(d["pos"], dtype=float)), "noise": [r() for _ in range(5)],
                  "errors": [err([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 1, 5, 6]), err([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 1, 5, 6, 7]), err([0, 0, 8])]}))
`;
    const dir = join(peerScriptPath(), '..');
    const run = spawnSync(python, ['-c', script, dir], { input, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const theirs = JSON.parse(run.stdout) as {
      metrics: Record<'accuracy' | 'nll' | 'brier' | 'ece', number>;
      entropy: number[];
      mi: number[];
      auroc: number;
      noise: number[];
      errors: (string | null)[];
    };
    const u = sampleUncertainty(samples, n, k);
    const ours = classificationMetrics(u.probs, labels, k);
    for (const key of ['accuracy', 'nll', 'brier', 'ece'] as const) expect(theirs.metrics[key]).toBeCloseTo(ours[key], 12);
    theirs.entropy.forEach((h, i) => expect(h).toBeCloseTo(u.entropy[i] as number, 12));
    theirs.mi.forEach((v, i) => expect(v).toBeCloseTo(u.mutualInformation[i] as number, 12));
    expect(theirs.auroc).toBeCloseTo(auroc(neg, pos), 14);
    const r = mulberry32(7);
    expect(theirs.noise).toEqual([r(), r(), r(), r(), r()]);
    expect(theirs.errors[0]).toBeNull();
    expect(theirs.errors[1]).toMatch(/3 data bytes, the header says 2/);
    expect(theirs.errors[2]).toMatch(/shorter than/);
  });

  it('runs end to end from the driver on a tiny synthetic folder and selects the same data', async () => {
    const dir = tempDir();
    writeSyntheticFashionMnist(dir);
    const loaded = await loadFashionMnist(dir);
    expect(loaded.train.pixels).toBe(16);
    let out = '';
    let err = '';
    const argv = [
      '--data-dir',
      dir,
      '--no-library',
      '--json',
      '--train-per-class',
      '8',
      '--test-per-class',
      '4',
      '--noise',
      '6',
      '--hidden',
      '8',
      '--epochs',
      '2',
      '--samples',
      '3',
    ];
    const code = await runFmnistCli([...argv, '--members', '2', '--python', python, '--threads', '1'], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    expect(err).not.toMatch(/error/i);
    expect(code, err).toBe(0);
    const json = JSON.parse(out) as {
      data: { train: number; checksum: number };
      torch: { data: { checksum: number }; methods: Record<string, { accuracy: number; auroc: unknown }> };
    };
    expect(json.data.train).toBe(40);
    expect(json.torch.data.checksum).toBeCloseTo(json.data.checksum, 6);
    expect(Object.keys(json.torch.methods)).toEqual(['mc-dropout', 'vi', 'ensemble']);
    for (const m of Object.values(json.torch.methods)) {
      expect(m.accuracy).toBeGreaterThanOrEqual(0);
      expect(m.accuracy).toBeLessThanOrEqual(1);
    }
  }, 180_000);
});
