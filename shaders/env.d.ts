declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  /** Tagged template: `#if ${flag}` ... `#elif` ... `#else` ... `#endif` blocks resolved at build time. */
  export function wgsl(strings: TemplateStringsArray, ...values: unknown[]): string;
}
