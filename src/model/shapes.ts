/** Tensor shapes: the scalar shape, comparison, and printing for messages. */

/** Shape of the scalar tensors (noise.loc, noise.scale, ...): one element, as safetensors and Pyro store a scalar site. */
export const SCALAR_SHAPE: readonly number[] = Object.freeze([]);

/** Dimensions a message shows of a shape; a hostile file's shape can have thousands. */
const SHOWN_DIMS = 8;

export const formatShape = (shape: readonly number[]): string =>
  shape.length <= SHOWN_DIMS ? `[${shape.join(', ')}]` : `[${shape.slice(0, SHOWN_DIMS).join(', ')}, ... (${shape.length} dimensions)]`;
export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
