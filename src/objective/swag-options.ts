/**
 * The options of method 'swag' (TrainOptions.swag), read and checked by src/swag/options.ts. SWAG
 * (Maddox et al. 2019) is fitted from a 'map' run: TrainOptions' epochs, optimiser, lr and schedule
 * pretrain; then an SWA phase of SGD (momentum 0.9) at a constant learning rate collects θ after
 * each of its epochs, and the posterior is Gaussian with the iterates' mean and a diagonal plus
 * low-rank covariance.
 */

/** 'low-rank': diagonal plus low-rank covariance, predicted through draws; 'diagonal': SWAG-Diagonal alone, a mean-field normal posterior. */
export type SwagVariant = 'low-rank' | 'diagonal';

export const SWAG_VARIANTS: readonly SwagVariant[] = ['low-rank', 'diagonal'];

export interface SwagOptions {
  /** Epochs of the SWA phase; θ is collected after each, so K = swaEpochs iterates (at least 2). Default 20. */
  readonly swaEpochs?: number;
  /**
   * The SWA phase's constant SGD learning rate (default: TrainOptions.lr); a model with its own
   * ModelHyper.lr runs at swaLr · ModelHyper.lr / TrainOptions.lr.
   */
  readonly swaLr?: number;
  /** Columns kept in the deviation matrix D, the last K_max deviations (default 20, the paper's). */
  readonly rank?: number;
  /** 'low-rank': posterior draws saved as the predictive ensemble (default 30; at most MAX_ENSEMBLE_MEMBERS). */
  readonly samples?: number;
  /**
   * Multiplies the whole posterior covariance (default 1: the paper's ½ Σ_diag + D Dᵀ / (2 (K − 1)),
   * and Σ_diag for 'diagonal'); the paper's code's scale 0.5 on its Σ_diag + D Dᵀ / (K − 1) is our 1.
   */
  readonly scale?: number;
  /** Default 'low-rank'. */
  readonly variant?: SwagVariant;
}
