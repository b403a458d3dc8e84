/**
 * The training plan's adapter-dependent defaults (src/train/plan.ts): with no kernelStrategy asked
 * for, a CPU adapter gets the one-thread-a-model 'lanes' step where it covers the network and the
 * tiles elsewhere; a GPU adapter always gets the tiles; an explicit strategy is kept as asked. The
 * lanes step drops the gather program where the device binds the storage buffers its own gather needs.
 */
import { describe, expect, it } from 'vitest';
import { planTraining } from '../../src/train/plan.js';
import { stepPrograms } from '../../src/train/step-programs.js';
import type { TrainOptions } from '../../src/objective/types.js';
import type { ArchitectureSpec } from '../../src/objective/architecture.js';
import { DEFAULT_LIMITS } from '../support/program-matrix.js';

const data = { x: Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(i), i / 20]), y: Array.from({ length: 20 }, (_, i) => Math.sin(3 * i)) };
const oneHidden: ArchitectureSpec = { inputDim: 3, hidden: [50], activation: 'relu' };
const twoHidden: ArchitectureSpec = { inputDim: 3, hidden: [8, 4], activation: 'relu' };
const base: TrainOptions = { method: 'mc-dropout', epochs: 1, batchSize: 8, models: [{ dropout: 0.1 }, { dropout: 0.2 }] };
const cpu = { cpu: true };
const gpu = { cpu: false };

const programNames = (arch: ArchitectureSpec, options: TrainOptions, adapter: { cpu: boolean }, limits = DEFAULT_LIMITS) => {
  const plan = planTraining(limits, arch, data, options, adapter);
  return { strategy: plan.run.kernelStrategy, names: stepPrograms(plan.shape, plan.run, plan.lanesGathers).map((p) => p.name) };
};

describe('training plan defaults', () => {
  it.each(['mc-dropout', 'map', 'sgmcmc'] as const)('a CPU adapter gets the lanes step for one hidden layer (%s)', (method) => {
    const { strategy, names } = programNames(oneHidden, { ...base, method }, cpu);
    expect(strategy).toBe('lanes');
    expect(names.some((n) => /lanes/.test(n))).toBe(true);
  });

  it('a CPU adapter keeps the tiles where lanes does not cover the network: two hidden layers, more than 64 units, VI, an ensemble (its heteroscedastic head)', () => {
    expect(programNames(twoHidden, base, cpu).strategy).not.toBe('lanes');
    expect(programNames({ ...oneHidden, hidden: [65] }, base, cpu).strategy).not.toBe('lanes');
    expect(programNames(oneHidden, { ...base, method: 'vi' }, cpu).strategy).not.toBe('lanes');
    expect(programNames(oneHidden, { ...base, method: 'ensemble' }, cpu).strategy).not.toBe('lanes');
  });

  it('a GPU adapter never defaults to lanes, and an explicit strategy is kept on either', () => {
    const gpuDefault = programNames(oneHidden, base, gpu);
    expect(gpuDefault.strategy).not.toBe('lanes');
    expect(gpuDefault.names.some((n) => /lanes/.test(n))).toBe(false);
    expect(programNames(oneHidden, { ...base, kernelStrategy: 'tiled' }, cpu).strategy).toBe('tiled');
    expect(programNames(oneHidden, { ...base, kernelStrategy: 'lanes' }, gpu).strategy).toBe('lanes');
    expect(programNames(oneHidden, { ...base, kernelStrategy: 'fused' }, cpu).strategy).toBe('fused');
  });

  it('the lanes step gathers its own rows where the device binds 10 storage buffers, and runs the gather program where it binds 8', () => {
    const names = (storageBuffers: number) => programNames(oneHidden, base, cpu, { ...DEFAULT_LIMITS, maxStorageBuffersPerShaderStage: storageBuffers }).names;
    expect(names(8)).toEqual(['train_gather', 'train_lanes_mlp', 'train_clip', 'train_optimizer']);
    expect(names(9)).toEqual(names(8));
    expect(names(10)).toEqual(['train_lanes_mlp', 'train_clip', 'train_optimizer']);
    // 'fused' always reads the gathered rows.
    expect(programNames(oneHidden, { ...base, kernelStrategy: 'fused' }, cpu, { ...DEFAULT_LIMITS, maxStorageBuffersPerShaderStage: 12 }).names[0]).toBe('train_gather');
  });
});
