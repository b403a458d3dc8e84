/**
 * Types of the host platform (browser or Node) that the API mentions beside WebGPU's: the user's
 * own global type when their compilation declares it (the DOM lib, @types/node), else the members
 * this library uses. A leaf: every layer, the float64 oracle included, may import it.
 */

/** The global declared as `var Name: { prototype: T }` (how lib.dom and @webgpu/types declare classes), or Fallback. */
export type GlobalClass<Name extends string, Fallback> = typeof globalThis extends { readonly [K in Name]: { readonly prototype: infer T } } ? T : Fallback;

/** AbortSignal from the DOM lib or @types/node, else the members this library uses. */
export type AbortSignalLike = GlobalClass<'AbortSignal', { readonly aborted: boolean; readonly reason: unknown; throwIfAborted(): void }>;

/** URL from the DOM lib or @types/node, else the members this library reads. */
export type UrlLike = GlobalClass<'URL', { readonly href: string; readonly protocol: string }>;
