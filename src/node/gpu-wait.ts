/**
 * How a Node context waits for the GPU. Dawn for Node (npm `webgpu`) delivers a mapAsync or
 * onSubmittedWorkDone by polling its events from a setImmediate loop that runs for as long as any
 * such promise is pending, so the JavaScript thread spins at 100% of a core while the GPU works.
 * On a GPU that costs a core and nothing else; on a CPU adapter (SwiftShader) the spinning thread
 * takes its core from the adapter's own worker threads, which then ran the kernels 1.5-1.8x slower on 2 cores
 * (bench/README.md, "Waiting for the GPU in Node"). 'sleep' puts the thread to sleep for a slice between
 * polls instead: each turn of the event loop blocks at most `sliceMs` while a wait is pending, so
 * other callbacks still run between slices, and a result arrives at most one slice late.
 */
import { InvalidInputError } from '../errors.js';
import { isCpuAdapterDescription, waitForPromise, type AdapterDescription, type WaitFor } from '../gpu/device.js';

/** 'spin': Dawn's own polling (lowest latency, a core busy); 'sleep': polls between slices of sleep; 'auto': 'sleep' on CPU adapters, else 'spin'. */
export type GpuWait = 'auto' | 'spin' | 'sleep';
export const GPU_WAITS: readonly GpuWait[] = ['auto', 'spin', 'sleep'];

/** The slice the thread sleeps between polls: long beside a poll (microseconds), short beside a kernel. */
export const GPU_WAIT_SLICE_MS = 1;

/** A waitFor that sleeps the thread in slices of `sliceMs` while at least one of its waits is pending. */
export function sleepingWaitFor(sliceMs = GPU_WAIT_SLICE_MS): WaitFor {
  if (!(sliceMs > 0 && sliceMs <= 100)) throw new InvalidInputError(`gpuWait: the sleep slice must be in (0, 100] ms, got ${sliceMs}`);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  let pending = 0;
  let scheduled = false;
  const nap = () => {
    scheduled = false;
    if (pending === 0) return;
    // Nothing ever notifies the cell: this is a plain sleep of one slice.
    Atomics.wait(cell, 0, 0, sliceMs);
    scheduled = true;
    setImmediate(nap);
  };
  return async <T>(promise: Promise<T>): Promise<T> => {
    pending++;
    if (!scheduled) {
      scheduled = true;
      setImmediate(nap);
    }
    try {
      return await promise;
    } finally {
      pending--;
    }
  };
}

/** The waitFor a Node context uses on this adapter. */
export function nodeWaitFor(wait: GpuWait, adapter: AdapterDescription): WaitFor {
  const sleep = wait === 'sleep' || (wait === 'auto' && isCpuAdapterDescription(adapter));
  return sleep ? sleepingWaitFor() : waitForPromise;
}
