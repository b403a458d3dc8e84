/** Distillation of a posterior predictive into a deterministic student (Bayesian dark knowledge). */
export { distill, type DistillOptions, type DistillReport, type DistillResult } from './distill.js';
export { DISTILL_JITTER_STREAM } from './augment.js';
export { compareStudent, type CompareOptions, type StudentComparison } from './compare.js';
