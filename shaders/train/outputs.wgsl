// The network's output unit `unit` for (model m, K-sample k, batch slot b), and the step
// objective's derivative in it (written into dh of the last layer). Constants: OUTPUT_OFFSET (the
// last layer in the activation buffers), OUTPUT_UNITS.
fn net_out(m: u32, k: u32, b: u32, unit: u32) -> f32 {
  return h[OUTPUT_OFFSET + ((m * K + k) * B + b) * OUTPUT_UNITS + unit];
}

fn set_d_out(m: u32, k: u32, b: u32, unit: u32, value: f32) {
  dh[OUTPUT_OFFSET + ((m * K + k) * B + b) * OUTPUT_UNITS + unit] = value;
}
