/**
 * The training contract: the exact semantics that the GPU trainer (src/train, its kernels in
 * src/kernels/train) and the float64 training oracle (src/reference/train) both implement, so
 * gradients can be compared step by step, and the definitions both read: methods, the θ layout,
 * initialisation, the objectives' constants, the optimiser, the step's compile-time shape and the
 * per-step and per-model values the kernels read, and a request's options, their checks and defaults
 * (prepare.ts) and its result. Plain TypeScript with no GPU, kernel, trainer or inference imports,
 * so every side can import it.
 *
 * MODELS. M independent models (ensemble members, grid points, data splits) train together. They
 * share the architecture (an MLP of dense layers, ModelSpec conventions: weight [out, in], dropout
 * on a layer's input) and the dataset (rows uploaded once), and differ in their row subsets, their
 * standardisation, their hyper-parameters and their random streams. A model's stream identity s
 * (ModelHyper.stream, default its index in `models`) keys every draw of it (4th Philox counter word
 * s + 1), and its draws count its own steps, so a model's θ is the same bit for bit whichever
 * models share its call (same seed and options), with one exception: the 'cosine' schedule follows
 * the call's global step (OPTIMISER), so under it a model with fewer steps per epoch than the
 * call's longest depends on that longest model's row count.
 *
 * PARAMETERS (layout.ts; unconstrained vector θ per model, layer by layer, in this order):
 *   method 'vi':  W_loc [out*in], W_rho [out*in], b_loc [out], b_rho [out] (scale = softplus(rho)),
 *                 PReLU slopes [out] if prelu; then noise: sigma_loc, sigma_rho (LogNormal guide on
 *                 sigma: log sigma ~ N(sigma_loc, softplus(sigma_rho))).
 *   otherwise:    W [out*in], b [out], PReLU slopes [out] if prelu; then noise: 'map' (and 'sgmcmc',
 *                 whose θ and step loss are 'map''s: methods.ts objectiveMethod) learns log_sigma
 *                 (one value), as does 'concrete-dropout'; 'mc-dropout' has no noise parameter (sigma fixed from tau);
 *                 'ensemble' has none (heteroscedastic head: last layer 2 units, sigma =
 *                 softplus(raw) + 1e-3).
 *   Then log df when a 'student-t' learns its degrees of freedom, then the hierarchical precisions, then
 *   'concrete-dropout''s dropout logits (one per layer, CONCRETE DROPOUT).
 *   A likelihood without a noise scale has no noise parameters (LIKELIHOODS), nor has a heteroscedastic
 *   head (HETEROSCEDASTIC HEAD).
 * LIKELIHOODS (likelihood.ts; options.likelihood, default 'normal'; the maths is src/math/likelihoods.ts):
 *   output layer: normal and student-t 1 unit (2 for 'ensemble': the heteroscedastic head); categorical K logits
 *   (K = options.classes, else the largest label + 1, at least 2); bernoulli 1 logit; beta 2 units
 *   (α = softplus(f_0) + c, β = softplus(f_1) + c, c = 1e-3); dirichlet K units (α_k = softplus(f_k) + c).
 *   Targets: one column (normal: a real; categorical: an integer 0..K-1; bernoulli: 0 or 1; beta: a
 *   value strictly inside (0, 1) in float32), dirichlet K columns per row (each inside (0, 1) in
 *   float32, summing to 1 within 1e-4; evaluated as given, not renormalised). Anything else is an
 *   InvalidInputError naming the row. Only normal targets are standardised; for the others yMean 0
 *   and yStd 1 (the model records 0 and 1 per output). x is standardised for every likelihood.
 *   The likelihoods other than normal have no noise scale: no sigma site and no noise parameter in θ
 *   for any method, no heteroscedastic head for 'ensemble' (its members are plain classifiers or
 *   Beta / Dirichlet regressors, predicted as the mixture), and no τ ('mc-dropout''s weight decay
 *   uses τ = 1; giving tau is an error). Their data term is NLL_b = −log p(y_b | f(x_b)) in every
 *   objective below in place of the Normal's.
 *   'student-t' is a scale likelihood: everything of the normal (standardised y, each method's σ and
 *   noise parameters, the ensemble's heteroscedastic head) with −log StudentT(y | df, f, σ) in place
 *   of −log N(y | f, σ), also for 'mc-dropout' (its squared error becomes the Student-t NLL at the
 *   fixed σ = 1/(sqrt(τ) yStd)). df is options.degreesOfFreedom when a number; with 'learn' (the
 *   default) θ holds u = log df after the noise parameters (before the hierarchical precisions),
 *   initialised to log 10, learnt as a point estimate with no prior term, and the model records
 *   spec.likelihood.df = exp(u).
 * INITIALISATION (init.ts; Philox stream STREAM_INIT, sample 0, element = θ index, 4th word the
 *   model's stream s + 1): weights (W or W_loc) ~ N(0, 1/fan_in) (He-like, sqrt(1/fan_in) std); biases 0;
 *   rho = log(expm1(1e-3)); PReLU slopes 0.25; sigma_loc = log(0.5), sigma_rho = log(expm1(0.1));
 *   map and concrete-dropout log_sigma = log(0.5); concrete-dropout logits log(p0 / (1 − p0)), p0 = ModelHyper.dropout
 *   (else the architecture's dropout, else 0.1).
 * MINIBATCHES. Epoch e, step t, batch slot k of model m reads row perm_m,e(t*B + k) of its own
 *   n_m rows (the last step of an epoch is short when B does not divide n_m). perm is a keyed
 *   Feistel bijection on [0, n_m) with cycle walking (src/random/shuffle.ts), keyed by
 *   (seed, stream s, epoch): no sort, no host round trip. B = min(batchSize, the largest n of the
 *   call); a model with n_m <= B takes one full-batch step an epoch whatever B is.
 * DRAWS per step (Philox key = seed): sample index = the model's own step t_m = epoch * its steps per
 *   epoch + step in the epoch (t below); streams by layer as in inference
 *   (STREAM_WEIGHTS for eps of weights, one draw per (model, K-sample, θ-element), the 4th counter
 *   word the model's stream s + 1: src/random/train-streams.ts); dropout masks per (model, row in batch, unit),
 *   i.e. independent per example as in standard dropout training ('mc-dropout': 16-bit halves,
 *   8 rows of a unit a Philox block).
 * OBJECTIVES (per model, minimised; B = rows in the step, N = n_m):
 *   'vi':         (N/B) Σ_b (1/K) Σ_k −log N(y_b | f_k(x_b), σ_k) + KL(q‖p), KL closed form for the
 *                 Gaussian weights against N(0, priorScale²), Monte Carlo for sigma:
 *                 log q(σ_k) − log Gamma(σ_k | a, b) averaged over k. Reported loss: that / N.
 *   'mc-dropout': (1/B) Σ_b (y_b − f(x_b))² + λ Σ (W² + b²), λ = p l² / (2 N τ) (bench/uci/PROTOCOL.md).
 *   'map':        (1/B) Σ_b −log N(y_b | f(x_b), σ) + (1/N) Σ −log N(w | 0, priorScale) (σ = exp(log_sigma)).
 *   'ensemble':   (1/B) Σ_b −log N(y_b | μ(x_b), σ(x_b)).
 *   'concrete-dropout': 'map''s data term (1/B) Σ_b −log N(y_b | f(x_b), σ) through the relaxed masks, plus
 *                 Σ_l R_l (CONCRETE DROPOUT) in place of the prior term.
 *   Likelihoods without a noise scale (LIKELIHOODS): 'vi' (N/B) Σ_b (1/K) Σ_k NLL_b(f_k) + KL (no sigma
 *   terms); 'mc-dropout' (1/B) Σ_b NLL_b + λ Σ (W² + b²) with λ = p l² / (2 N); 'map' (1/B) Σ_b NLL_b +
 *   the prior term above; 'ensemble' (1/B) Σ_b NLL_b.
 * HETEROSCEDASTIC HEAD (options.heteroscedastic, default false; normal and student-t only, another
 *   likelihood is an InvalidInputError): 'vi', 'mc-dropout', 'map' and 'concrete-dropout' (as 'map') get the ensemble's head, last layer
 *   2 units, μ = f_0, σ(x) = softplus(f_1) + 1e-3 (ENSEMBLE_MIN_SCALE, standardised units), in place of
 *   their global σ: no sigma site and no sigma terms ('vi'), no τ ('mc-dropout': giving tau is an
 *   error, λ uses τ = 1), no log_sigma ('map'). The data term is −log N(y_b | μ, σ(x_b)) (Student-t:
 *   −log StudentT(y_b | df, μ, σ(x_b))) in every objective: 'vi' (N/B) Σ_b (1/K) Σ_k of it (f from
 *   the K-sample) + KL; 'mc-dropout' (1/B) Σ_b of it + λ Σ (W² + b²) (the NLL in place of the squared
 *   error); 'map' (1/B) Σ_b of it + the prior term. The model records noise { kind: 'heteroscedastic',
 *   minScale: 1e-3 }. 'ensemble' has the head with or without the option.
 * VI ESTIMATORS (options.viEstimator, 'vi' only; s = softplus(rho), t the model's step, k the K-sample,
 *   w3 = the model's stream + 1 the 4th counter word):
 *   'reparameterization' (default): as above, one weight draw per (model, K-sample) shared by the batch.
 *   'local' (local reparameterisation, Kingma et al. 2015): per (model, k, batch slot b, unit j) of
 *     layer l, z_j = mu_j + sqrt(v_j) eps with mu_j = b_loc_j + sum_i W_loc_ji h_i,
 *     v_j = s_b_j^2 + sum_i s_ji^2 h_i^2, eps = normalAt(key, t*K + k, layerStream(l, STREAM_MARGINAL),
 *     b*out + j, w3).
 *   'flipout' (Wen et al. 2018): E = the reparameterisation draws of W and b (same stream and index as
 *     above), signs from word = wordAt(key, t*K + k, layerStream(l, STREAM_FLIP), b*(in + out) + c, w3)
 *     with sign = word < 2^31 ? +1 : -1: input sign q_i at c = i, output sign r_j at c = in + j;
 *     z_j = b_loc_j + s_b_j E_b_j + sum_i W_loc_ji h_i + r_j sum_i s_ji E_ji q_i h_i (the bias is not flipped).
 * HIERARCHICAL PRIOR (options.hierarchical, 'vi' only): each layer l gets a learned log-precision
 *   log lambda_l (θ: one value per layer, after the noise parameters, initialised to
 *   -2 log priorScale); the weight prior of layer l is N(0, 1/lambda_l) (replacing priorScale), and the
 *   objective adds -log Gamma(lambda_l | 1, 1) (a MAP estimate of the precision under a Gamma(1, 1)
 *   hyperprior, constants.ts; no Jacobian term).
 * ADVERSARIAL TRAINING (options.adversarialEpsilon = e > 0; 'ensemble' and 'map' only; Lakshminarayanan
 *   et al. 2017, Goodfellow et al.'s fast gradient sign): at every step, for each row b of the
 *   minibatch, g_b = d ℓ_b / d x_b (ℓ_b the row's data term at the current θ, x standardised) and
 *   x'_b = x_b + ε ⊙ sign(g_b) (sign(0) = 0), with ε_i = e × (range of input i over the model's
 *   rows) / xStd_i, i.e. e times the input's range in standardised units (the paper's ε = 0.01 ×
 *   range). The data term of the step is then taken over the 2B rows {x_b} ∪ {x'_b} (each row
 *   weighs 1/(2B): the mean of the clean and the adversarial terms, half the paper's sum, which
 *   Adam does not see); the prior term ('map') is unchanged. The reported loss is that objective.
 * CONCRETE DROPOUT ('concrete-dropout', Gal, Hron & Kendall 2017; the maths is concrete.ts): MC dropout whose
 *   rate p_l = sigmoid(θ_l) on each layer's input is learnt with the weights (θ_l: the layer's logit in
 *   θ). Layer l's input unit i of batch slot b is multiplied by m = (1 − z) / (1 − p_l), z =
 *   sigmoid((θ_l + g) / T), T = 0.1, g = log u − log(1 − u) the logistic noise of mc-dropout's mask
 *   word (same stream and element: wordAt(key, t, layerStream(l, STREAM_DROPOUT), b * inputs + i, m + 1)),
 *   u = (2 (word >>> 9) + 1) / 2^24. Gradients reach θ_l through m. Regulariser per layer, in the step
 *   loss's per-row units: R_l = c Σ W_l² / (1 − p_l) + c Σ b_l² + (K_l / N)(p_l log p_l + (1 − p_l) log(1 − p_l)),
 *   c = l² / (2N) (l = options.lengthScale, default 0.01; K_l the layer's inputs): the paper's
 *   weight_regularizer l²/N and dropout_regularizer 2/N halved, as its code's data term is twice the
 *   mean NLL (the bias, never dropped, carries no 1/(1 − p)). Noise: log_sigma learnt as 'map''s, or
 *   a heteroscedastic head (options.heteroscedastic); any likelihood 'map' takes. No τ (an error), no
 *   adversarial training, no hierarchical prior. The model records layer l's dropout = sigmoid(θ_l)
 *   and is predicted by the engine's MC dropout.
 * SAMPLERS ('sgmcmc', sampler.ts; TrainOptions.sampler): 'map''s θ and step loss Û/N (the unbiased
 *   minibatch estimate of U(θ)/N, U the negative log posterior; log_sigma, when learnt, under a flat
 *   prior; with every model's tau the noise is fixed at 'mc-dropout''s σ = 1/(sqrt(tau) yStd) and θ has
 *   no log_sigma), g = its gradient (clipped when clipNorm), ε_t the step size at global step t, α the
 *   friction, T the temperature, N the model's rows. SGHMC (Chen et al. 2014, as Zhang et al. 2020's code):
 *     v ← (1 − α) v − ε_t g + sqrt(2 α ε_t T / N) ξ,   θ ← θ + v   (v starts at 0; SGLD: α = 1,
 *     θ ← θ − ε_t g + sqrt(2 ε_t T / N) ξ, Langevin dynamics at step ε_t / N on U / T),
 *   ξ_e = normalAt(key, t_m, STREAM_SAMPLER, e, s + 1) for θ element e of the model with stream s at its own step t_m. Step size: constant
 *   ε_t = lr (samples after each `thin`-th epoch past `burnIn`), or cyclical (Zhang et al. 2020) with C
 *   cycles of L = K/C steps (K = epochs x steps per epoch, C divides epochs): ε_t = lr/2 (cos(π mod(t, L)/L) + 1),
 *   no noise in each cycle's first ceil(β L) steps (exploration), samples after the last
 *   samplesPerCycle epochs of each cycle (wholly in its sampling stage). The samples are
 *   TrainResult.snapshots (delta engine models, one list per chain).
 * HMC (hmc.ts; method 'hmc', options.hmc): Hamiltonian Monte Carlo on 'map''s posterior, θ laid out as
 *   'map''s (log_sigma under a flat prior; left out when every model gives tau: a known noise σ =
 *   1/(sqrt(τ) yStd) in standardised units, also for the Student-t), each of hmc.chains chains per
 *   entry of options.models a slot of its own (slot = entry × chains + chain, its own initial θ).
 *   Full-batch: the potential is U(θ) = N × 'map''s step loss over all N rows of the model, ∇U = N ×
 *   its gradient. First `epochs` full-batch optimiser steps of 'map' (the MAP pre-fit; 0 for none),
 *   then transitions t = 0 .. warmup + samples × thin − 1, per chain m with step size ε_m:
 *   p0_e = normalAt(key, t, STREAM_HMC_MOMENTUM, e, m + 1) (identity mass matrix); L = leapfrogSteps
 *   times: p ← p − (ε/2) ∇U(θ), θ ← θ + ε p, p ← p − (ε/2) ∇U(θ); ΔH = U(θ') + |p'|²/2 − U(θ) − |p0|²/2;
 *   ΔH not finite or > 1000 is a divergence (α = 0, counted); else α = min(1, exp(−ΔH)); accept iff
 *   uniformClosedOpen(wordAt(key, t, STREAM_HMC_ACCEPT, 0, m + 1)) < α, else θ and ∇U are restored.
 *   Warm-up (t < warmup) adapts ε by dual averaging (hmc.ts, Hoffman & Gelman 2014 with Stan's
 *   constants, target δ = targetAccept) and freezes it at exp(log ε̄) after the last warm-up transition.
 *   The last transition of each group of `thin` after warm-up is kept: its θ is a sample.
 *   With hmc.algorithm 'nuts' (nuts.ts) the transition is the No-U-Turn sampler's tree from the same
 *   p0: doubling j (direction from STREAM_NUTS_TREE) adds 2^j leapfrog steps of ±ε, the proposal is
 *   sampled progressively within the subtree (STREAM_NUTS_LEAF) and taken by the tree with the
 *   biased probability; the tree stops on a U-turn (generalised criterion on Σr, checked at every
 *   completed sub-subtree), a divergence or maxTreeDepth; θ and ∇U become the proposal's, and dual
 *   averaging adapts ε from the leaves' mean min(1, exp(−ΔH)).
 * OPTIMISER (optimizer.ts): Adam (β1 0.9, β2 0.999, ε 1e-8, bias-corrected) or SGD (momentum 0.9); learning rate
 *   lr_m * schedule(t), lr_m = the model's ModelHyper.lr or options.lr, t the call's global step
 *   (epoch * the longest model's steps per epoch + step in the epoch); gradients clipped to
 *   global norm `clipNorm` per model when given.
 */
export { checkArchitecture, MAX_TRAIN_WIDTH, type ArchitectureSpec } from './architecture.js';
export { CONCRETE_TEMPERATURE, INIT_CONCRETE_DROPOUT, concreteDrop, concreteMask, concreteNoise, concreteRegulariser, dropoutLogit } from './concrete.js';
export { ENSEMBLE_MIN_SCALE, PRECISION_HYPERPRIOR, VI_SIGMA_PRIOR } from './constants.js';
export { INIT_LOG_SIGMA, INIT_PRELU_SLOPE, INIT_RHO, INIT_SIGMA_LOC, INIT_SIGMA_RHO, initialTheta } from './init.js';
export { trainLayout, type TrainLayerLayout, type TrainLayout } from './layout.js';
export {
  TRAIN_METHODS,
  VI_ESTIMATORS,
  objectiveMethod,
  type LearningRateSchedule,
  type ObjectiveMethod,
  type OptimizerKind,
  type TrainMethod,
  type ViEstimator,
} from './methods.js';
export { SAMPLER_KINDS, prepareSampler, samplerNoiseStd, samplerNoisy, samplerStepSize, type PreparedSampler, type SamplerKind, type SamplerOptions } from './sampler.js';
export { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, SGD_MOMENTUM, scheduledLearningRate } from './optimizer.js';
export { divergenceError, learningRate, prepareRun, type PreparedModel, type PreparedRun } from './prepare.js';
export { dataRows, type TrainShape } from './shape.js';
export { MODEL_FIELDS, STEP_FIELDS, type ModelField, type StepField } from './step.js';
export { thetaToModel, type TrainedModelInfo } from './to-model.js';
export type { ModelHyper, TrainData, TrainOptions, TrainProgress, TrainResult } from './types.js';
