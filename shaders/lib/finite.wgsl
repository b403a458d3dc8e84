// Whether x is finite: exponent bits not all set (WGSL does not promise that isinf/isnan survive
// the compiler's fast-math assumptions, the bits do).
fn finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}
