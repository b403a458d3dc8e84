// Materialised weights shared across a subgroup ('subgroups' feature). One workgroup per (sample,
// run of WORKGROUP_SIZE x NI inputs), so every subgroup's lanes share the sample whatever lanes
// the device groups together; each thread computes NI inputs x 4 units, as dense-materialized.wgsl
// does with JQ = 1, but the four weight rows' vec4s of cols = subgroup_size / 4 columns are loaded
// once per subgroup (one vec4 per lane) and handed round with subgroupShuffle: each weight leaves
// memory once per subgroup instead of once per thread (on a GPU the materialised matmul is bound by
// those reads). Columns are summed in dense-materialized.wgsl's order with the same expressions,
// so the two give the same bits. Every thread runs every loop (the shuffles need uniform control
// flow); a thread past the chunk's last input computes that input again and stores nothing.
// Constants: SLOT4, DST4, IN4, OUT4, NI. Needs infer/dense-finish4.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) sg: u32,
) {
  let blocks = (chunk.nCount + NI - 1u) / NI;
  let runs = (blocks + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
  let group = wg.x + wg.y * groups.x;
  let s = group / runs;
  // Uniform over the workgroup: a whole workgroup past the last sample leaves.
  if (s >= chunk.sampleCount) {
    return;
  }
  let n0 = ((group % runs) * WORKGROUP_SIZE + li) * NI;
#insert INPUT_ROWS
  let w_base = s * SLOT4 + DST4;
  let b_base = w_base + OUT_P * IN4;
  // Lane L loads row 4 jb + L % 4 at column first + L / 4: cols columns of the four rows a round.
  let cols = sg / 4u;
  let my_row = lane % 4u;
  let my_col = lane / 4u;
  for (var jb = 0u; jb < OUT4; jb++) {
    let bias = weights[b_base + jb];
#insert BLOCK_SETUP
    let row = w_base + (4u * jb + my_row) * IN4;
    for (var first = 0u; first < IN4; first += cols) {
      let mine = weights[row + min(first + my_col, IN4 - 1u)];
      let span = min(cols, IN4 - first);
      for (var c = 0u; c < span; c++) {
        let i = first + c;
        let w0 = subgroupShuffle(mine, 4u * c);
        let w1 = subgroupShuffle(mine, 4u * c + 1u);
        let w2 = subgroupShuffle(mine, 4u * c + 2u);
        let w3 = subgroupShuffle(mine, 4u * c + 3u);
#insert BLOCK_BODY
      }
    }
#insert BLOCK_STORE
  }
}
