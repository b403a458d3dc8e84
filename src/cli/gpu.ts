/**
 * The GPU side of a command: get a context, make an engine, and always release both — the engine
 * disposed, and the context destroyed when the CLI created it — so the process can exit.
 */
import type { GpuContext } from '../gpu/device.js';
import { Engine } from '../infer/engine.js';
import type { Model } from '../model/spec.js';
import { createNodeContext } from '../node/device.js';
import type { CliIo } from './io.js';

export async function withContext<T>(io: CliIo, task: (ctx: GpuContext) => Promise<T>): Promise<T> {
  const borrowed = io.context !== undefined;
  const ctx = await (io.context ? io.context() : createNodeContext());
  try {
    return await task(ctx);
  } finally {
    if (!borrowed) ctx.destroy();
  }
}

export function withEngine<T>(io: CliIo, model: Model, task: (engine: Engine, ctx: GpuContext) => Promise<T>): Promise<T> {
  return withEnsembleEngine(io, [model], task);
}

/** An engine for one model or an ensemble's members (predicted as their mixture). */
export function withEnsembleEngine<T>(io: CliIo, members: readonly Model[], task: (engine: Engine, ctx: GpuContext) => Promise<T>): Promise<T> {
  return withContext(io, async (ctx) => {
    const engine = Engine.create(ctx, members.length === 1 ? (members[0] as Model) : members);
    try {
      return await task(engine, ctx);
    } finally {
      engine.dispose();
    }
  });
}
