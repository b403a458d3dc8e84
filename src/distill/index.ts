/** Distillation of a posterior predictive into a deterministic student (Bayesian dark knowledge, ensemble distribution distillation). */
export { distill, CLASSIFIER_STUDENTS, type ClassifierStudent, type DistillOptions, type DistillReport, type DistillResult } from './distill.js';
export { DISTILL_JITTER_STREAM } from './augment.js';
export { DEFAULT_TARGET_SMOOTHING } from './dirichlet-targets.js';
export { compareStudent, type ClassifierScores, type CompareOptions, type MutualInformationAgreement, type StudentComparison } from './compare.js';
