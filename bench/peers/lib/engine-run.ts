/**
 * webgpu-bnn on the peer workload: every strategy on every configuration, one fresh engine per
 * (strategy, configuration) so its GPU bytes after the calls are that strategy's own (scratch
 * buffers only grow, so this is the peak a call holds; the short-lived read-back staging buffer is
 * not counted). Runs in Node (bench/peers/engine-node.ts) and in Chromium (the harness page).
 */
import type { GpuContext } from '../../../src/gpu/device.js';
import { Engine } from '../../../src/infer/engine.js';
import type { PredictOptions } from '../../../src/infer/types.js';
import { deviceCalibrations } from '../../../src/infer/kernel-calibration.js';
import { configRows, engineModel, type Config, type Dataset, type DatasetName } from './workload.js';
import { summarize, timeCalls, type TimingOptions } from './timing.js';

/**
 * 'default' passes no options: path and kernel 'auto', resolved per shape and adapter
 * (src/infer/predict-options.ts, kernel-choice.ts). The slowest on SwiftShader come last, so a
 * step cut by its time limit loses the least.
 */
export const ENGINE_STRATEGIES = ['default', 'materialized', 'subgroups', 'marginal', 'registers', 'fused', 'calibrate', 'tiled', 'network', 'lanes'] as const;
export type EngineStrategy = (typeof ENGINE_STRATEGIES)[number];

export const STRATEGY_OPTIONS: Readonly<Record<EngineStrategy, Pick<PredictOptions, 'path' | 'kernel'>>> = {
  default: {},
  fused: { path: 'joint', kernel: 'fused' },
  tiled: { path: 'joint', kernel: 'tiled' },
  registers: { path: 'joint', kernel: 'registers' },
  materialized: { path: 'joint', kernel: 'materialized' },
  subgroups: { path: 'joint', kernel: 'subgroups' },
  network: { path: 'joint', kernel: 'network' },
  lanes: { path: 'joint', kernel: 'lanes' },
  // Its untimed first call calibrates (times every kernel at 64 samples); the timed calls use the winner.
  calibrate: { path: 'joint', kernel: 'calibrate' },
  marginal: { path: 'marginal' },
};

export function isEngineStrategy(name: string): name is EngineStrategy {
  return (ENGINE_STRATEGIES as readonly string[]).includes(name);
}

/** One result record, the format every peer writes to results/<impl>.json. */
export interface PeerRecord {
  readonly impl: string;
  readonly config: string;
  readonly N: number;
  readonly S: number;
  readonly dOut: number;
  readonly warmup: number;
  readonly reduced: number;
  readonly first_call_ms: number;
  readonly median_ms: number;
  readonly min_ms: number;
  readonly p90_ms: number;
  readonly reps: number;
  readonly times_ms: readonly number[];
  readonly extra: Record<string, unknown>;
  readonly stats: { readonly mean: readonly number[]; readonly variance: readonly number[]; readonly lpd: readonly number[] };
}

export interface EngineRunOptions {
  readonly strategies: readonly EngineStrategy[];
  readonly configs: readonly Config[];
  readonly timing: TimingOptions;
  /** 'node' or 'chromium': the suffix of the implementation names. */
  readonly runtime: string;
  readonly dataset: (name: DatasetName) => Promise<Dataset>;
  readonly log: (line: string) => void;
  /** Called with a strategy's records so far after each configuration (so a run cut short keeps them). */
  readonly done?: (impl: string, records: PeerRecord[]) => void;
}

export async function runEngine(ctx: GpuContext, o: EngineRunOptions): Promise<Record<string, PeerRecord[]>> {
  const out: Record<string, PeerRecord[]> = {};
  for (const strategy of o.strategies) {
    const impl = `engine-${strategy}-${o.runtime}`;
    const records: PeerRecord[] = [];
    for (const cfg of o.configs) {
      const ds = await o.dataset(cfg.dataset);
      const engine = Engine.create(ctx, engineModel(ds));
      try {
        const { x, y } = configRows(ds, cfg.N);
        let seed = 1;
        const call = async () => {
          const r = await engine.predict(x, { samples: cfg.S, seed: seed++, y, ...STRATEGY_OPTIONS[strategy] });
          return { mean: r.mean, variance: r.std.map((s) => s * s), lpd: r.logPredictiveDensity ?? [] };
        };
        const residentBytes = engine.resources.bytes;
        // One untimed call compiles the pipelines first, so the budget rule (decided by the first
        // call's time) sees a call's cost, not the compiler's; its time is recorded apart.
        const c0 = performance.now();
        await call();
        const compileCallMs = performance.now() - c0;
        const t = await timeCalls(call, o.timing);
        const { buffers, bytes, pipelines } = engine.resources;
        const rec: PeerRecord = {
          impl,
          config: cfg.id,
          N: cfg.N,
          S: cfg.S,
          dOut: ds.meta.layers[ds.meta.layers.length - 1] ?? 0,
          warmup: t.warmup,
          reduced: t.reduced,
          first_call_ms: t.firstMs,
          ...summarize(t.times),
          times_ms: t.times.map((v) => +v.toFixed(3)),
          extra: {
            strategy,
            adapter: ctx.adapter,
            compileCallMs,
            residentBytes,
            peakGpuBytes: bytes,
            buffers,
            pipelines,
            ...(strategy === 'calibrate' ? { calibrations: Object.fromEntries(deviceCalibrations(ctx.device)) } : {}),
          },
          stats: { mean: Array.from(t.last.mean), variance: Array.from(t.last.variance), lpd: Array.from(t.last.lpd) },
        };
        records.push(rec);
        o.log(`${impl} ${cfg.id}: median ${rec.median_ms.toFixed(2)} ms (reps ${rec.reps}, compile call ${compileCallMs.toFixed(0)} ms), GPU bytes ${bytes}`);
      } catch (e) {
        o.log(`${impl} ${cfg.id}: FAILED ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e)}`);
      } finally {
        engine.dispose();
      }
      o.done?.(impl, records);
    }
    out[impl] = records;
  }
  return out;
}
