// Fused dense layer: one workgroup per (sample, tile of N_TILE inputs) draws the layer's weights JT
// rows at a time into workgroup memory (never to global memory), then each thread takes inputs of
// the tile. Constants: STREAM (the layer's weight stream), JT, N_TILE, TILE_FLOATS (JT * IN + JT),
// MASK_STRIDE, MASK_OFFSET. Defines: RANDOM (some element is drawn), HAS_MASK (dropout on the input).
var<workgroup> tile: array<f32, TILE_FLOATS>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let s = wid.y;
  let n0 = wid.x * N_TILE;
  if (s >= chunk.sampleCount || n0 >= chunk.nCount) {
    return;
  }
  let n_tile = min(N_TILE, chunk.nCount - n0);
  let gs = chunk.sampleOffset + s;
  let key = seed_key();
  for (var j0 = 0u; j0 < OUT; j0 += JT) {
    let rows = min(JT, OUT - j0);
    {
      let lo = j0 * IN;
      let hi = lo + rows * IN;
      for (var b = lo / 4u + lid; b * 4u < hi; b += WORKGROUP_SIZE) {
#if RANDOM
        let eps = normals4(b, gs, STREAM, key);
#else
        let eps = vec4<f32>(0.0);
#endif
        for (var lane = 0u; lane < 4u; lane++) {
          let e = b * 4u + lane;
          if (e >= lo && e < hi) {
#if HAS_MASK
            tile[e - lo] = drawn_param(e, eps[lane]) * input_mask(s, e % IN);
#else
            tile[e - lo] = drawn_param(e, eps[lane]);
#endif
          }
        }
      }
    }
    {
      let lo = WEIGHT_COUNT + j0;
      let hi = lo + rows;
      for (var b = lo / 4u + lid; b * 4u < hi; b += WORKGROUP_SIZE) {
#if RANDOM
        let eps = normals4(b, gs, STREAM, key);
#else
        let eps = vec4<f32>(0.0);
#endif
        for (var lane = 0u; lane < 4u; lane++) {
          let e = b * 4u + lane;
          if (e >= lo && e < hi) {
            tile[JT * IN + e - lo] = drawn_param(e, eps[lane]);
          }
        }
      }
    }
    workgroupBarrier();
    // One thread per input: it reuses its input row across the tile's units (fewer invocations
    // and index divisions than one thread per (input, unit), which SwiftShader pays dearly for).
    for (var q = lid; q < n_tile; q += WORKGROUP_SIZE) {
      let n = n0 + q;
      let in_base = input_base(s, n);
      let out_base = (s * chunk.nCount + n) * OUT_P + j0;
      for (var jj = 0u; jj < rows; jj++) {
        var acc = tile[JT * IN + jj];
        let row = jj * IN;
        for (var i = 0u; i < IN; i++) {
          acc = acc + tile[row + i] * layer_in[in_base + i];
        }
        layer_out[out_base + jj] = finish_unit(acc, j0 + jj);
      }
    }
    workgroupBarrier();
  }
}
