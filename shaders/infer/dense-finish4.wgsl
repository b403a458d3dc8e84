// The finish (batch norm, activation) of four consecutive units j..j+3 of a vec4 accumulator, the
// units past OUT left 0 (a padded row): for the kernels that read materialised weights as vec4.
fn finish4(acc: vec4<f32>, j: u32) -> vec4<f32> {
  var out = vec4<f32>(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (j + k < OUT) {
      out[k] = finish_unit(acc[k], j + k);
    }
  }
  return out;
}
