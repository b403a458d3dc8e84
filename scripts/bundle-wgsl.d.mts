// Types of scripts/bundle-wgsl.mjs (plain JavaScript: it runs before anything is compiled).
/** Where the bundle is written: src/kernels/wgsl.generated.ts. */
export declare const BUNDLE_PATH: string;
/** The bundle's text for the current shaders/ files. */
export declare function bundle(): string;
