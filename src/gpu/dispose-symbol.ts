/**
 * `Symbol.dispose` on engines and contexts, so `using engine = Engine.create(...)` frees the GPU
 * at the end of a block. Installed only where the runtime defines the symbol (Node 20, current
 * browsers), and kept out of the published types, which must compile with `lib: ["ES2022"]`
 * (src/disposable.ts adds them on request).
 */
const disposeSymbol: symbol | undefined = (Symbol as { dispose?: symbol }).dispose;

/**
 * Adds [Symbol.dispose] to an object (a context), calling `dispose`. (Typed as present: where the
 * runtime lacks the symbol, nothing can call it either.)
 */
export function withDisposeSymbol<T extends object>(target: T, dispose: () => void): T & Disposable {
  if (disposeSymbol) Object.defineProperty(target, disposeSymbol, { value: dispose, enumerable: false });
  return target as T & Disposable;
}

/** Adds [Symbol.dispose] to a class's prototype, calling `dispose(instance)`. */
export function installDisposeSymbol<T extends object>(prototype: T, dispose: (instance: T) => void): void {
  if (!disposeSymbol) return;
  Object.defineProperty(prototype, disposeSymbol, {
    value(this: T) {
      dispose(this);
    },
    enumerable: false,
  });
}
