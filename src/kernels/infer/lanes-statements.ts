/**
 * The WGSL statements the two lanes-form kernels share (dense-network.ts, dense-lanes.ts): a
 * thread's inputs sit in the lanes of vec4s (lane c of quad g is input n0 + 4g + c), so a vec4
 * weight load of 4 consecutive inputs of one unit's row feeds 4 multiply-adds per quad.
 */

export const LANES = ['x', 'y', 'z', 'w'] as const;

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Features 4i..4i+3 of each quad's 4 inputs (f<g>_<k>: feature 4i + k across the quad's lanes), from
 * the vec4 rows of the inputs in layer_in at offsets x<r> + i (input r of the thread).
 */
export function rowFeatures(quads: number, indent: string): string[] {
  return range(quads).flatMap((g) => [
    ...range(4).map((c) => `${indent}let r${g}_${c} = layer_in[x${4 * g + c} + i];`),
    ...LANES.map(
      (c, k) =>
        `${indent}let f${g}_${k} = vec4<f32>(${range(4)
          .map((r) => `r${g}_${r}.${c}`)
          .join(', ')});`,
    ),
  ]);
}

/** acc += the 4 features of quad g times weight vec4 w, in input order. */
export function laneFma(acc: string, w: string, g: number, indent: string): string {
  return `${indent}${acc} = fma(f${g}_3, vec4<f32>(${w}.w), fma(f${g}_2, vec4<f32>(${w}.z), fma(f${g}_1, vec4<f32>(${w}.y), fma(f${g}_0, vec4<f32>(${w}.x), ${acc}))));`;
}
