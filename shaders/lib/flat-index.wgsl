// The flat thread index of a grid folded into x and y (the host folds past
// maxComputeWorkgroupsPerDimension: src/kernels/program.ts flatGrid). Needs WORKGROUP_SIZE.
fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}
