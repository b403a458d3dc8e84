// One training step's dropout masks, forward pass, loss and gradient of a one-hidden-layer network
// with one Normal output, in the lanes form (the 'lanes' kernel strategy, src/kernels/train/lanes.ts):
// one thread per model carries its batch 4 QN rows at a time, as QN quads of vec4 lanes (lane c of
// quad q is row r0 + 4q + c), through the whole step, so every weight read feeds QN vec4
// multiply-adds and nothing but θ's gradient, the loss and model_active is written to storage. The
// same maths and random streams as train/fused-mlp and the layer-by-layer programs; its sums over
// rows run in another order. The loops over inputs and over mask blocks stay loops (SwiftShader's
// compile time grows faster than the straight-line code); the units are unrolled by the generated
// statements at the #insert points: X_MASKS and H_MASKS (one input's, one unit's masks), QUAD_ROWS (the chunk's validity and targets), X_QUADS (one
// input's masked values), FORWARD (one input's multiply-adds into z<u>_<q>), FINISH
// (activations, output, loss, the output layer's and the biases' gradients, dz<u>_<q>), BACKWARD
// (one input's weight gradients). Constants and defines: those of train/fused-mlp but R, and
// THREADS (models per workgroup), QN (quads per chunk, even: a chunk's masks are whole blocks);
// GATHER: the kernel gathers the chunk's rows itself (CHUNK_ROWS; BD, STREAM_SHUFFLE, lib/shuffle
// and the data_x, data_y, rows, x_mean, x_std bindings) instead of reading train/gather's xb, yb
// and valid. Needs lib/philox, lib/math, lib/activation, train/model-stream, train/one-hidden.

// The chunk's masked inputs: input i of quad q at xc[i * QN + q].
var<private> xc: array<vec4<f32>, IN0 * QN>;
// The chunk's hidden masks: unit u of quad q at hm[u * QN + q].
var<private> hm: array<vec4<f32>, HID * QN>;
var<private> w0: array<f32, IN0 * HID>;
var<private> gw0: array<f32, IN0 * HID>;

fn act4(z: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(activate(z.x, LEAKY_SLOPE), activate(z.y, LEAKY_SLOPE), activate(z.z, LEAKY_SLOPE), activate(z.w, LEAKY_SLOPE));
}

fn act_grad4(z: vec4<f32>, h: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(
    activate_grad(z.x, h.x, LEAKY_SLOPE),
    activate_grad(z.y, h.y, LEAKY_SLOPE),
    activate_grad(z.z, h.z, LEAKY_SLOPE),
    activate_grad(z.w, h.w, LEAKY_SLOPE),
  );
}

// The keep factors of 4 consecutive rows from a word pair's four 16-bit halves (dropout_half's order).
fn keep_quad(pair: vec2<u32>, threshold: u32, scale: f32) -> vec4<f32> {
  let halves = vec4<u32>(pair.x & 0xffffu, pair.x >> 16u, pair.y & 0xffffu, pair.y >> 16u);
  return select(vec4<f32>(0.0), vec4<f32>(scale), halves < vec4<u32>(threshold));
}

#if GATHER
// The kernel gathers its own rows (train/gather's rows, shuffle and standardisation, without its
// xb / yb / valid round trip through storage): slot b of model m's batch is data row
// chunk_row(...), NO_ROW where train/gather marks the slot invalid.
const NO_ROW: u32 = 0xffffffffu;

fn chunk_row(m: u32, b: u32, keys: vec4<u32>) -> u32 {
  let n_m = models[m].rowCount;
  let position = step.stepInEpoch * BD + b;
  if (b >= BD || step.stepInEpoch >= models[m].stepsPerEpoch || position >= n_m) {
    return NO_ROW;
  }
  return rows[models[m].rowOffset + permute(position, n_m, keys)];
}

// The chunk's data rows: slot r0 + s at rc[s], filled by one loop (SwiftShader inlines every call, and
// 4 QN inlined shuffles made the kernel's compile time explode).
var<private> rc: array<u32, 4 * QN>;

fn fill_chunk_rows(m: u32, r0: u32, keys: vec4<u32>) {
  for (var s = 0u; s < 4u * QN; s++) {
    rc[s] = chunk_row(m, r0 + s, keys);
  }
}

fn rows_valid(r: vec4<u32>) -> vec4<f32> {
  return select(vec4<f32>(0.0), vec4<f32>(1.0), r != vec4<u32>(NO_ROW));
}

// Input i of 4 rows standardised with model m's statistics as train/gather does it; 0 for no row.
fn gathered_x(m: u32, r: vec4<u32>, i: u32) -> vec4<f32> {
  let has = r != vec4<u32>(NO_ROW);
  let at = select(vec4<u32>(0u), r, has) * IN0 + vec4<u32>(i);
  let raw = vec4<f32>(data_x[at.x], data_x[at.y], data_x[at.z], data_x[at.w]);
  return select(vec4<f32>(0.0), (raw - vec4<f32>(x_mean[m * IN0 + i])) / vec4<f32>(x_std[m * IN0 + i]), has);
}

fn gathered_y(m: u32, r: vec4<u32>) -> vec4<f32> {
  let has = r != vec4<u32>(NO_ROW);
  let at = select(vec4<u32>(0u), r, has);
  let raw = vec4<f32>(data_y[at.x], data_y[at.y], data_y[at.z], data_y[at.w]);
  return select(vec4<f32>(0.0), (raw - vec4<f32>(models[m].yMean)) / vec4<f32>(models[m].yStd), has);
}
#else
// Rows past the batch (the last chunk of a batch that is not a multiple of 4 QN) count as invalid.
fn row_valid(m: u32, b: u32) -> f32 {
  return select(0.0, valid[m * B + min(b, B - 1u)], b < B);
}

fn quad_valid(m: u32, b: u32) -> vec4<f32> {
  return vec4<f32>(row_valid(m, b), row_valid(m, b + 1u), row_valid(m, b + 2u), row_valid(m, b + 3u));
}

// Slot b of model m's batch, clamped inside it (lanes past B read row B - 1 and are invalid).
fn slot(m: u32, b: u32) -> u32 {
  return m * B + min(b, B - 1u);
}

fn quad_x(m: u32, b: u32, i: u32) -> vec4<f32> {
  return vec4<f32>(xb[slot(m, b) * IN0 + i], xb[slot(m, b + 1u) * IN0 + i], xb[slot(m, b + 2u) * IN0 + i], xb[slot(m, b + 3u) * IN0 + i]);
}

fn quad_y(m: u32, b: u32) -> vec4<f32> {
  return vec4<f32>(yb[slot(m, b)], yb[slot(m, b + 1u)], yb[slot(m, b + 2u)], yb[slot(m, b + 3u)]);
}
#endif

@compute @workgroup_size(THREADS)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // One model a thread, the grid folded into x and y as flatGrid folds it.
  let m = gid.x + gid.y * groups.x * THREADS;
  if (m >= M) {
    return;
  }
#if GATHER
  // train/gather's count of valid slots: the step's rows of the model, none past its epoch.
  let first = step.stepInEpoch * BD;
  let has_rows = step.stepInEpoch < models[m].stepsPerEpoch && first < models[m].rowCount;
  let nb = f32(select(0u, min(BD, models[m].rowCount - select(0u, first, has_rows)), has_rows));
  let keys = philox4x32(vec4<u32>(0u, step.epoch, STREAM_SHUFFLE, model_word(m)), seed_key());
#else
  var nb = 0.0;
  for (var b = 0u; b < B; b++) {
    nb = nb + valid[m * B + b];
  }
#endif
  // A model without rows this step adds no data term (and divides by nothing).
  let inv_nb = select(0.0, 1.0 / nb, nb > 0.0);
  let base = m * P;
  for (var k = 0u; k < IN0 * HID; k++) {
    w0[k] = theta[base + W0_OFFSET + k];
    gw0[k] = 0.0;
  }
#insert THETA
  var loss = 0.0;
  var d_u = 0.0;
#if METHOD_MAP
  let sigma = map_sigma(m);
  let inv_var = 1.0 / (sigma * sigma);
  let log_norm = log(sigma) + HALF_LOG_TWO_PI;
#endif
#if DROPOUT
  let key = seed_key();
  let at = model_step(m);
  let word = model_word(m);
  let keep_threshold = models[m].keepThreshold;
  let keep_scale = models[m].keepScale;
#endif
  // The step's valid slots are a prefix of the batch (train/gather): chunks past it would add only
  // zeros (every term is weighted by its validity), so they are skipped, the last step of an epoch
  // that does not fill its batch and a model past its epoch's steps run shorter.
  let valid_slots = u32(nb);
  for (var r0 = 0u; r0 < valid_slots; r0 += 4u * QN) {
    // Unit i's masks of 8 rows r0 + 8 k.. are the halves of one Philox block, (r0 / 8 + k) * IN0 + i
    // (src/random/train-streams.ts): quad 2 k takes words 0 and 1, quad 2 k + 1 words 2 and 3.
    // A loop over k ran the 2-quad chunk about 1.4x slower than these generated statements (bench/README.md).
#insert CHUNK_ROWS
    for (var i = 0u; i < IN0; i++) {
#insert X_MASKS
    }
#if DROPOUT
    for (var u = 0u; u < HID; u++) {
#insert H_MASKS
    }
#endif
#insert QUAD_ROWS
#insert ZS
    for (var i = 0u; i < IN0; i++) {
#insert X_QUADS
#insert FORWARD
    }
#insert FINISH
    for (var i = 0u; i < IN0; i++) {
#insert X_QUADS
#insert BACKWARD
    }
  }
  var own_penalty = 0.0;
  for (var k = 0u; k < IN0 * HID; k++) {
    own_penalty = own_penalty + penalty(m, w0[k]);
    grad[base + W0_OFFSET + k] = gw0[k] + penalty_grad(m, w0[k]);
  }
#insert STORE
  model_active[m] = select(0.0, 1.0, nb > 0.0);
  if (nb == 0.0) {
    return;
  }
#if METHOD_MAP
  let reported = loss + own_penalty / models[m].n;
#if !FIXED_SIGMA
  grad[base + LOG_SIGMA_OFFSET] = d_u;
#endif
#else
  let reported = loss + models[m].weightDecay * own_penalty;
#endif
  epoch_loss[2u * m] = epoch_loss[2u * m] + reported;
  epoch_loss[2u * m + 1u] = epoch_loss[2u * m + 1u] + 1.0;
}
