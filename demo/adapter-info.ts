/** The adapter description and the throughput of the last predict, as definition lists. */
import type { GpuContext } from '../src/index.js';

export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly timestampQuery: boolean;
  /** A CPU implementation (SwiftShader, llvmpipe): numbers say nothing about GPU speed. */
  readonly cpuFallback: boolean;
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupStorageSize: number;
}

export function summarizeAdapter(ctx: GpuContext): AdapterSummary {
  const a = ctx.adapter;
  return {
    vendor: a.vendor,
    architecture: a.architecture,
    device: a.device,
    description: a.description,
    timestampQuery: ctx.hasTimestampQuery,
    cpuFallback: /swiftshader|llvmpipe|lavapipe|cpu/i.test(`${a.vendor} ${a.architecture} ${a.description}`),
    maxStorageBufferBindingSize: ctx.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: ctx.limits.maxComputeWorkgroupStorageSize,
  };
}

function fillList(dl: HTMLElement, rows: readonly (readonly [string, string])[]): void {
  dl.replaceChildren();
  for (const [key, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = key;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset['key'] = key;
    dl.append(dt, dd);
  }
}

export function renderAdapter(dl: HTMLElement, s: AdapterSummary): void {
  fillList(dl, [
    ['vendor', s.vendor || '(not reported)'],
    ['architecture', s.architecture || '(not reported)'],
    ...(s.device ? [['device', s.device] as const] : []),
    ...(s.description ? [['description', s.description] as const] : []),
    ['timestamp queries', s.timestampQuery ? 'yes' : 'no'],
    ['max binding', formatBytes(s.maxStorageBufferBindingSize)],
    ...(s.cpuFallback ? [['note', 'CPU fallback (SwiftShader): correct but slow'] as const] : []),
  ]);
}

export interface Throughput {
  /** Posterior samples, or a deep ensemble's members (one function each). */
  readonly samples: number;
  /** A deep ensemble's size (samples are then its members), or 1. */
  readonly members: number;
  readonly inputs: number;
  readonly ms: number;
  /** The first call on a new model also compiles its pipelines. */
  readonly firstCall: boolean;
}

/** samples x inputs per second. */
export function sampleInputsPerSecond(t: Throughput): number {
  return (t.samples * t.inputs) / (t.ms / 1000);
}

export function renderThroughput(dl: HTMLElement, t: Throughput): void {
  fillList(dl, [
    ['last predict', t.members > 1 ? `${t.members} ensemble members, N = ${t.inputs}` : `S = ${t.samples}, N = ${t.inputs}`],
    ['time', `${t.ms.toFixed(1)} ms (wall, upload to read-back${t.firstCall ? '; first call, includes compiling the pipelines: predict again for the steady state' : ''})`],
    ['throughput', `${formatRate(sampleInputsPerSecond(t))} samples×inputs/s`],
  ]);
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  const units = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const;
  for (const [scale, suffix] of units) if (perSecond >= scale) return `${(perSecond / scale).toPrecision(3)}${suffix}`;
  return perSecond.toPrecision(3);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toPrecision(3)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toPrecision(3)} MiB`;
  return `${(bytes / 1024).toPrecision(3)} KiB`;
}
