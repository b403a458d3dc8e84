/**
 * Runs test/python/export_cases.py (the Python exporter on real torch networks, Pyro / NumPyro param
 * stores laid out as those libraries store them, torch's log_prob as the independent reference) and
 * reads what it wrote. It needs a Python 3 with torch and numpy: Debian's python3-torch and
 * python3-numpy, which scripts/setup.sh installs. Without one the tests fail (they never skip): CI
 * must test the exporter.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The interpreters tried, in order: $BNN_PYTHON, then Debian's system Python (python3-torch installs there), then python3 on the PATH. */
const CANDIDATES = [process.env['BNN_PYTHON'], '/usr/bin/python3', 'python3'].filter((c): c is string => typeof c === 'string' && c !== '');

/** The first interpreter that imports torch and numpy; throws (with what to install) when none does. */
export function pythonWithTorch(): string {
  const tried: string[] = [];
  for (const python of CANDIDATES) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return python;
    tried.push(`${python}: ${probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`)}`);
  }
  throw new Error(
    `no Python 3 with torch and numpy (tried ${tried.join('; ')}); install Debian's python3-torch and python3-numpy ` +
      '(scripts/setup.sh does) or set BNN_PYTHON to an interpreter that has them',
  );
}

export interface GuideCase {
  readonly name: string;
  readonly layout: 'modulelist' | 'sequential' | 'named';
  readonly guide: 'AutoNormal' | 'AutoDiagonalNormal';
  readonly prior: Record<string, number | string> | null;
  readonly legacy: boolean;
  readonly noise_site: string;
  readonly fixed: number | null;
  readonly link: 'sigma' | 'sigma2';
  readonly raw_file: string;
  readonly ours_file: string;
  readonly spec: unknown;
  readonly pairs: [string, string][];
  readonly sigma_loc: number | null;
  readonly sigma_scale: number;
  readonly point: Record<string, number[]>;
  readonly x: number[][];
  readonly y: number[][];
  readonly torch_log_prob: Record<string, number>;
}

export interface DensityCase {
  readonly prior: Record<string, number | string>;
  readonly x: number[];
  /** torch's log_prob at each x; '-inf' / 'inf' where it is infinite. */
  readonly log_prob: (number | string)[];
}

export interface ExportCases {
  readonly dir: string;
  readonly torch: string;
  readonly mc_dropout: { file: string; x: number[][]; eval_f: number[][]; passes: number; mc_mean: number[]; mc_var: number[]; mc_m4: number[] };
  readonly mc_dropout_named: { file: string; x: number[][]; eval_f: number[][] };
  readonly mc_dropout_bn: { file: string; x: number[][]; eval_f: number[][] };
  readonly ensemble: EnsembleCase;
  readonly ensemble_heads: EnsembleCase;
  readonly guides: GuideCase[];
  readonly numpyro: { name: string; file: string; prior: Record<string, number | string>; params: Record<string, number | number[] | number[][]> }[];
  readonly refusals: Record<string, string | null>;
  readonly prior_from_distribution: Record<string, Record<string, number | string>>;
  readonly densities: DensityCase[];
}

export interface EnsembleCase {
  readonly file: string;
  readonly x: number[][];
  readonly min_scale: number;
  readonly member_mean: number[][];
  readonly member_std: number[][];
  readonly mean: number[];
  readonly std: number[];
}

/** Runs the case script into a fresh temporary folder (seconds: torch's import and a few hundred Adam steps). */
export function runExportCases(): ExportCases {
  const python = pythonWithTorch();
  const dir = mkdtempSync(join(tmpdir(), 'webgpu-bnn-export-'));
  const script = fileURLToPath(new URL('../python/export_cases.py', import.meta.url));
  const run = spawnSync(python, [script, dir], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`${python} ${script} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr}`);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Omit<ExportCases, 'dir'>;
  return { ...manifest, dir };
}

/** Removes the folder runExportCases wrote (call it in afterAll). */
export function removeExportCases(cases: ExportCases | undefined): void {
  if (cases) rmSync(cases.dir, { recursive: true, force: true });
}

/** torch's number, with its infinities spelt as strings in the JSON. */
export function jsonNumber(value: number | string): number {
  if (value === '-inf') return -Infinity;
  if (value === 'inf') return Infinity;
  return typeof value === 'number' ? value : NaN;
}
