// Per sample, the log-likelihood summed over the chunk's inputs, added into sample_ll across
// input chunks.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= chunk.sampleCount) {
    return;
  }
  var total = 0.0;
  for (var n = 0u; n < chunk.nCount; n++) {
    total = total + ll[s * chunk.nCount + n];
  }
  let g = chunk.sampleOffset + s;
  sample_ll[g] = select(sample_ll[g] + total, total, chunk.nOffset == 0u);
}
