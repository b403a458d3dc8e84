// Workgroup-tiled dense layer, the shape of a GPU GEMM: one workgroup per (tile of TN inputs, tile
// of TJ units, sample); its 64 threads (8 x 8) each hold a 4 x 4 block of outputs in registers. The
// reduction runs over tiles of TK inputs: the threads stage the inputs' tile and the weights' tile
// in workgroup memory (the weights drawn there from their Philox blocks, never written to global
// memory), then every thread reads 4 inputs and 4 weights per step of the tile for 16 FMAs.
// Constants: STREAM, TN, TJ, TK (multiples of 4; TN = TJ = 32 with 64 threads); drawn_param and
// input_mask from infer/drawn-weights.
const TN4 = TN / 4u;
// Philox blocks that can overlap one weight row's TK elements: TK / 4 when the row starts on a
// block boundary, one more when it does not.
const ROW_BLOCKS = TK / 4u + 1u;

// xs[k][n]: the inputs' tile, transposed so a thread reads its 4 inputs as one vec4.
var<workgroup> xs: array<vec4<f32>, TK * TN4>;
// ws[k][j]: the weights' tile, transposed likewise; scalars, because a Philox block's 4 lanes
// belong to 4 inputs of one unit and no thread could write a whole vec4 of 4 units.
var<workgroup> ws: array<f32, TK * TJ>;

// Element e of the layer's [W, b] for sample gs: its block's draw, one lane of it.
fn param_element(e: u32, gs: u32, key: vec2<u32>) -> f32 {
#if RANDOM
  return drawn_param(e, normals4(e / 4u, gs, STREAM, key)[e % 4u]);
#else
  return param_loc(e);
#endif
}

// Input k0 + k of the chunk's input n0 + n for sample s; zero past the chunk or the layer.
fn tile_input(s: u32, n: u32, k: u32) -> f32 {
  if (n < chunk.nCount && k < IN) {
    return layer_in[input_base(s, n) + k];
  }
  return 0.0;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let s = wid.z;
  let n0 = wid.x * TN;
  let j0 = wid.y * TJ;
  // Whole workgroups leave together (no thread may skip a barrier that others reach).
  if (s >= chunk.sampleCount || n0 >= chunk.nCount) {
    return;
  }
  let gs = chunk.sampleOffset + s;
  let key = seed_key();
  let tn = lid % 8u;
  let tj = lid / 8u;
  var acc: array<vec4<f32>, 4>;
  for (var b = 0u; b < 4u; b++) {
    let j = j0 + 4u * tj + b;
    let bias = select(0.0, param_element(WEIGHT_COUNT + min(j, OUT - 1u), gs, key), j < OUT);
    acc[b] = vec4<f32>(bias);
  }
  for (var k0 = 0u; k0 < IN; k0 += TK) {
    // The inputs' tile, a whole vec4 (4 inputs at one k) per thread and turn: consecutive threads
    // read consecutive k of the same rows.
    for (var t = lid; t < TK * TN4; t += WORKGROUP_SIZE) {
      let k = t % TK;
      let n = n0 + 4u * (t / TK);
      xs[k * TN4 + t / TK] = vec4<f32>(tile_input(s, n, k0 + k), tile_input(s, n + 1u, k0 + k), tile_input(s, n + 2u, k0 + k), tile_input(s, n + 3u, k0 + k));
    }
    // The weights' tile: each thread draws whole Philox blocks of a row and keeps the lanes that
    // fall in the tile; every (j, k) of the tile lies in exactly one block, so each is written once.
    for (var t = lid; t < TJ * ROW_BLOCKS; t += WORKGROUP_SIZE) {
      let jj = t / ROW_BLOCKS;
      let j = j0 + jj;
      let row = j * IN + k0;
      let philox_block = row / 4u + t % ROW_BLOCKS;
      if (philox_block * 4u >= row + TK) {
        continue;
      }
#if RANDOM
      var eps = vec4<f32>(0.0);
      if (j < OUT) {
        eps = normals4(philox_block, gs, STREAM, key);
      }
#else
      let eps = vec4<f32>(0.0);
#endif
      for (var lane = 0u; lane < 4u; lane++) {
        let e = 4u * philox_block + lane;
        if (e >= row && e < row + TK) {
          let k = e - row;
          var v = 0.0;
          if (j < OUT && k0 + k < IN) {
            v = drawn_param(e, eps[lane]) * input_mask(s, k0 + k);
          }
          ws[k * TJ + jj] = v;
        }
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let x4 = xs[k * TN4 + tn];
      let w = k * TJ + 4u * tj;
      let w4 = vec4<f32>(ws[w], ws[w + 1u], ws[w + 2u], ws[w + 3u]);
      acc[0] = acc[0] + x4 * w4.x;
      acc[1] = acc[1] + x4 * w4.y;
      acc[2] = acc[2] + x4 * w4.z;
      acc[3] = acc[3] + x4 * w4.w;
    }
    workgroupBarrier();
  }
  // acc[b][a]: unit j0 + 4 tj + b at input n0 + 4 tn + a. Padded units (OUT..OUT_P) get zeros.
  for (var a = 0u; a < 4u; a++) {
    let n = n0 + 4u * tn + a;
    if (n >= chunk.nCount) {
      continue;
    }
    let out_base = (s * chunk.nCount + n) * OUT_P;
    for (var b = 0u; b < 4u; b++) {
      let j = j0 + 4u * tj + b;
      if (j < OUT) {
        layer_out[out_base + j] = finish_unit(acc[b][a], j);
      } else if (j < OUT_P) {
        layer_out[out_base + j] = 0.0;
      }
    }
  }
}
