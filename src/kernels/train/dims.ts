/**
 * The sizes every training program compiles in (src/objective/shape.ts's TrainShape, reduced to
 * what the WGSL reads): M models, B rows per step, K samples, P θ floats and PW drawn floats per
 * (model, K-sample).
 */
import type { TrainShape } from '../../objective/shape.js';
import { u32, type WgslConst } from '../wgsl.js';

export interface StepDims {
  readonly models: number;
  readonly batch: number;
  readonly samples: number;
  readonly thetaSize: number;
  /** At least 1: the drawn buffers exist (one float) when nothing is drawn. */
  readonly drawnSize: number;
}

export function stepDims(shape: TrainShape): StepDims {
  return { models: shape.models, batch: shape.batch, samples: shape.samples, thetaSize: shape.layout.size, drawnSize: Math.max(shape.layout.drawnSize, 1) };
}

export function dimConsts(d: StepDims): Record<string, WgslConst> {
  return { M: u32(d.models), B: u32(d.batch), K: u32(d.samples), P: u32(d.thetaSize), PW: u32(d.drawnSize) };
}
