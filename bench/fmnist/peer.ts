/**
 * Runs the PyTorch peer (torch_peer.py, beside this file in the source tree) as a subprocess and
 * reads its JSON: the same protocol, networks and metrics in PyTorch (bench/README.md).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../../src/errors.js';
import type { AurocPair, MethodResult } from './library-side.js';
import { METHODS, type FmnistMethod } from './settings.js';

export interface PeerResult {
  readonly torch: string;
  readonly threads: number;
  readonly data: { readonly train: number; readonly test: number; readonly ood: number; readonly noise: number; readonly checksum: number };
  readonly methods: Partial<Record<FmnistMethod, MethodResult>>;
}

/** The peer script: next to this module in the source tree (dist/bench/fmnist -> bench/fmnist). */
export function peerScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'torch_peer.py'), resolve(here, '../../../bench/fmnist/torch_peer.py')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new InvalidInputError(`cannot find torch_peer.py (looked in ${candidates.join(', ')})`);
  return found;
}

/** $BNN_PYTHON, else Debian's python3 (python3-torch installs there; a pyenv shim earlier on the PATH may lack torch), else python3. */
export function defaultPython(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const chosen = env['BNN_PYTHON'];
  if (chosen !== undefined && chosen !== '') return chosen;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number';
}

function checkPair(v: unknown, where: string): AurocPair {
  const o = v as Partial<AurocPair> | undefined;
  if (!o || !isNumber(o.ood) || !isNumber(o.noise)) throw new Error(`the PyTorch peer's ${where} is not {ood, noise}`);
  return { ood: o.ood, noise: o.noise };
}

/** Checks the shape of the peer's JSON (it is another program's output). */
export function readPeerResult(text: string): PeerResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`the PyTorch peer printed no JSON: ${text.slice(0, 200)}`, { cause: error });
  }
  const o = raw as Partial<PeerResult> & { methods?: Record<string, unknown> };
  if (!o.data || !isNumber(o.data.checksum) || !o.methods || typeof o.torch !== 'string') throw new Error("the PyTorch peer's JSON lacks torch, data or methods");
  const methods: Partial<Record<FmnistMethod, MethodResult>> = {};
  for (const name of METHODS) {
    const m = o.methods[name] as Partial<MethodResult> | undefined;
    if (m === undefined) continue;
    const numbers = [m.accuracy, m.nll, m.brier, m.ece, m.trainSeconds, m.predictSeconds];
    if (!numbers.every(isNumber) || !m.auroc) throw new Error(`the PyTorch peer's ${name} result lacks a metric`);
    methods[name] = {
      accuracy: m.accuracy as number,
      nll: m.nll as number,
      brier: m.brier as number,
      ece: m.ece as number,
      auroc: { entropy: checkPair(m.auroc.entropy, `${name} entropy AUROC`), mutualInformation: checkPair(m.auroc.mutualInformation, `${name} MI AUROC`) },
      trainSeconds: m.trainSeconds as number,
      predictSeconds: m.predictSeconds as number,
    };
  }
  return { torch: o.torch, threads: isNumber(o.threads) ? o.threads : NaN, data: o.data, methods };
}

/** Runs the peer with `args`; its stderr (progress) is passed to `log` line by line. */
export function runPeer(python: string, args: readonly string[], log: (line: string) => void): Promise<PeerResult> {
  const script = peerScriptPath();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const lines = err.split('\n');
      err = lines.pop() ?? '';
      for (const line of lines) log(line);
    });
    child.on('error', (error) => {
      reject(new InvalidInputError(`cannot run ${python} (give --python <path to a python3 with torch>): ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      if (err !== '') log(err);
      if (code !== 0) {
        reject(new Error(`the PyTorch peer (${python} ${script}) exited with status ${String(code)}`));
        return;
      }
      try {
        resolvePromise(readPeerResult(out));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
