// A layer's parameter gradients with register tiles (shared weights, as in train/forward-tiled):
// a thread sums dz x input over the K-samples and valid batch slots for TU units x TI inputs
// (input column IN is the bias), then train/param-grad adds the regulariser per element exactly as
// train/weight-grad does. PReLU slopes (define ACT_PRELU) get one thread per unit after the tiles.
// The unrolled tile statements enter at the #insert points (src/kernels/train/tiled.ts): units
// unit{u} and inputs col{c} (clamped), is_bias{c}, sums g_loc{u}_{c} (and g_s{u}_{c} for 'vi').
// Constants: TU, TI, TILES, COL_TILES, SLOPE_THREADS (OUT with PReLU, else 0), OUT, ACT_OFFSET.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * (TILES + SLOPE_THREADS)) {
    return;
  }
#if ACT_PRELU
  if (t >= M * TILES) {
    let m = (t - M * TILES) / OUT;
    let j = (t - M * TILES) % OUT;
    store_prelu_slope_grad(m, j);
    return;
  }
#endif
  let m = t / TILES;
  let j0 = ((t % TILES) / COL_TILES) * TU;
  let i0 = ((t % TILES) % COL_TILES) * TI;
#insert TILE_SETUP
  for (var k = 0u; k < K; k++) {
#insert SAMPLE_SETUP
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        continue;
      }
      let base = ACT_OFFSET + ((m * K + k) * B + b) * OUT;
#insert TILE_BODY
    }
#insert SAMPLE_STORE
  }
#insert TILE_STORE
}
