/** The UCI regression benchmark (bench/uci/PROTOCOL.md): loading, splits, per-method protocols, scoring and summaries. */
export { loadUciDataset, type UciDataset, type UciSplit } from './dataset.js';
export { validationSplit, selectSplits, gatherRows, VALIDATION_FRACTION, type ValidationSplit } from './splits.js';
export { maxModelsPerCall, chunkEvenly, type CallShape } from './batching.js';
export { methodPlan, parseUciMethod, UCI_METHODS, type UciMethod, type UciMethodPlan, type HyperPoint, type MethodChoices } from './methods.js';
export { scoreSampled, scoreEnsemble, rootMeanSquaredError, type HeldOutScore, type HeldOutRows } from './score.js';
export {
  runUciProtocol,
  PROTOCOL_SAMPLES,
  type UciRunOptions,
  type UciRun,
  type UciProgress,
  type UciSplitResult,
  type UciSettings,
  type UciTiming,
  type CandidateScore,
  type TrainCallRecord,
} from './protocol.js';
export { publishedFor, readPublished, parseMeanSe, type MeanSe, type PublishedColumn } from './published.js';
export { meanSe, summarize, summaryJson, summaryMarkdown, summaryText, type UciSummary } from './summary.js';
export { runUciCli, UCI_HELP } from './command.js';
export { mergeRateSearches, type NamedSummary } from './merge.js';
