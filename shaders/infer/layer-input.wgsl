// Where input n of sample s starts in layer_in: layer 0 reads x ([n][IN_P], shared by every
// sample), later layers the previous layer's activations ([s][n][IN_P]). Define FIRST_LAYER.
fn input_base(s: u32, n: u32) -> u32 {
#if FIRST_LAYER
  return n * IN_P;
#else
  return (s * chunk.nCount + n) * IN_P;
#endif
}
