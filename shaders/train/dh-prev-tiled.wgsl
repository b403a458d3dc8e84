// dh of the previous layer = mask * W^T dz, stored as that layer's dz (train/prev-grad), with
// register tiles (shared weights, as in train/forward-tiled): a thread owns TR batch slots x TI inputs of one (model, K-sample). The
// unrolled tile statements enter at the #insert points (src/kernels/train/tiled.ts): rows row{r} with live{r}
// (activation offsets, clamped), inputs col{c} (clamped), accumulators acc{r}_{c}. Constants: TR,
// TI, ROW_TILES, IN_TILES, IN, OUT, ACT_OFFSET, PREV_ACT_OFFSET, MASK_OFFSET. Define: DROPOUT.

// Stores the gradient of input i for batch slot b when i is inside the layer and `live` (the tile's
// row check, made once a row: b < B and the slot holds a row).
fn store_dh(m: u32, k: u32, b: u32, i: u32, acc: f32, live: bool) {
  if (live && i < IN) {
    store_prev_grad(m, k, b, i, acc);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * K * ROW_TILES * IN_TILES) {
    return;
  }
  let m = t / (K * ROW_TILES * IN_TILES);
  let k = (t / (ROW_TILES * IN_TILES)) % K;
  let b0 = ((t / IN_TILES) % ROW_TILES) * TR;
  let i0 = (t % IN_TILES) * TI;
#insert TILE_SETUP
  for (var j = 0u; j < OUT; j++) {
#insert TILE_BODY
  }
#insert TILE_STORE
}
