// A layer's forward pass with register tiles, for layers whose weights every batch slot of a
// (model, K-sample) shares: a thread computes z and h for TR batch slots x TU units, so each
// loaded input feeds TU multiply-adds and each loaded weight TR (on SwiftShader every storage load
// is a per-lane gather and dominates these loops; bench/train.bench.ts measures the split). Same
// maths as train/forward. The unrolled tile statements enter at the #insert points
// (src/kernels/train/tiled.ts writes them for the tile): rows row{r} with live{r}, units unit{u} (clamped to
// valid indices), accumulators acc{r}_{u}. Constants: TR, TU, ROW_TILES, UNIT_TILES, OUT,
// ACT_OFFSET. Define STORE_Z: keep z (layer.ts needsPreActivation).

// Writes the pre-activation `acc` of unit j for batch slot b, and its activation, when j is inside
// the layer and `live` (the tile's row check, made once a row: b < B and the slot holds a row).
fn store_unit(m: u32, k: u32, b: u32, j: u32, acc: f32, live: bool) {
  if (live && j < OUT) {
    let at = ACT_OFFSET + ((m * K + k) * B + b) * OUT + j;
#if STORE_Z
    z[at] = acc;
#endif
    h[at] = activate(acc, unit_slope(m, j));
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * K * ROW_TILES * UNIT_TILES) {
    return;
  }
  let m = t / (K * ROW_TILES * UNIT_TILES);
  let k = (t / (ROW_TILES * UNIT_TILES)) % K;
  let b0 = ((t / UNIT_TILES) % ROW_TILES) * TR;
  let j0 = (t % UNIT_TILES) * TU;
#insert TILE_SETUP
  for (var i = 0u; i < IN; i++) {
#insert TILE_BODY
  }
#insert TILE_STORE
}
