/**
 * Opt-in types for `using`: `import 'webgpu-bnn/disposable'` declares the `[Symbol.dispose]()`
 * that engines and contexts have at run time (src/gpu/dispose-symbol.ts). Separate from the main
 * types because `Symbol.dispose` needs `lib` `ESNext.Disposable`, and the main types must compile
 * without it.
 * @example import 'webgpu-bnn/disposable'; { using engine = Engine.create(ctx, model); ... }
 */
import type {} from './infer/engine.js';
import type {} from './gpu/device.js';

declare module './infer/engine.js' {
  interface Engine {
    [Symbol.dispose](): void;
  }
}

declare module './gpu/device.js' {
  interface GpuContext {
    [Symbol.dispose](): void;
  }
}
