/**
 * The architecture's import rules (ARCHITECTURE.md), checked by `npm run check:imports` (part of
 * `npm test`): no import cycles between modules; each folder of src/ imports only the layers below
 * it; the float64 oracle never reaches GPU or kernel code, not even through a pure-looking module;
 * the library never imports the research code (bench/, scripts/), the demo or the tests.
 *
 * Layers, bottom up (a folder may import its own layer and those below):
 *   leaves      errors.ts, float32.ts, platform-types.ts, options.ts, inputs.ts
 *   maths       math/, random/
 *   model       model/
 *   objective   objective/ (the training contract), mcmc/ (diagnostics of posterior samples)
 *   kernels     kernels/ (program declarations and WGSL composition; no GPU calls)
 *   gpu         gpu/
 *   scheduler   scheduler/
 *   engines     infer/, reference/ (the oracle), then train/, then distill/ (students trained on an engine's predictive)
 *               and swag/ (SWAG posteriors from the trainer's iterates)
 *               and laplace/ (Laplace posteriors around a MAP fit)
 *   entries     index.ts, disposable.ts, node/, cli/
 */
const LEAVES = '^src/(errors|float32|platform-types|options|inputs)\\.ts$';

/** A rule forbidding `folder` to import anything in src/ but `allowed` (regex alternatives of src/ paths). */
function onlyImports(name, folder, allowed) {
  return {
    name,
    severity: 'error',
    comment: `${folder} may import only: ${allowed.join(', ')}`,
    from: { path: `^src/${folder}` },
    to: { path: '^src/', pathNot: [LEAVES, `^src/${folder}`, ...allowed.map((a) => `^src/${a}`)] },
  };
}

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules import each other in a cycle', from: {}, to: { circular: true } },
    {
      name: 'leaves-are-leaves',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: '^src/', pathNot: [LEAVES] },
    },
    onlyImports('random-layer', 'random/', []),
    onlyImports('math-layer', 'math/', []),
    onlyImports('model-layer', 'model/', ['math/', 'random/']),
    onlyImports('objective-layer', 'objective/', ['math/', 'random/', 'model/']),
    onlyImports('mcmc-layer', 'mcmc/', ['math/', 'random/', 'model/']),
    onlyImports('kernels-layer', 'kernels/', ['math/', 'random/', 'model/', 'objective/']),
    onlyImports('gpu-layer', 'gpu/', ['kernels/']),
    onlyImports('scheduler-layer', 'scheduler/', ['gpu/', 'kernels/']),
    onlyImports('infer-layer', 'infer/', ['math/', 'random/', 'model/', 'kernels/', 'gpu/', 'scheduler/']),
    onlyImports('reference-layer', 'reference/', ['math/', 'random/', 'model/', 'objective/', 'infer/']),
    onlyImports('train-layer', 'train/', ['math/', 'random/', 'model/', 'objective/', 'kernels/', 'gpu/', 'scheduler/', 'infer/']),
    onlyImports('swag-layer', 'swag/', ['math/', 'random/', 'model/', 'objective/', 'kernels/', 'gpu/', 'scheduler/', 'infer/', 'train/']),
    onlyImports('laplace-layer', 'laplace/', ['math/', 'random/', 'model/', 'objective/', 'kernels/', 'gpu/', 'scheduler/', 'infer/', 'train/']),
    onlyImports('distill-layer', 'distill/', ['math/', 'random/', 'model/', 'objective/', 'kernels/', 'gpu/', 'scheduler/', 'infer/', 'train/']),
    {
      name: 'oracle-never-reaches-gpu',
      severity: 'error',
      comment: 'the float64 oracle checks the GPU: it must not run (or type-depend on) any GPU or kernel code',
      from: { path: '^src/reference/' },
      to: { path: '^src/(gpu|kernels|scheduler)/', reachable: true },
    },
    {
      name: 'kernels-never-reach-engines',
      severity: 'error',
      from: { path: '^src/kernels/' },
      to: { path: '^src/(infer|train|distill|reference|cli|node)/', reachable: true },
    },
    {
      name: 'library-not-research',
      severity: 'error',
      comment: 'the published library never imports the benchmarks, scripts, demo or tests',
      from: { path: '^src/' },
      to: { path: '^(bench|scripts|demo|test|e2e)/' },
    },
    {
      name: 'research-not-cli-internals',
      severity: 'error',
      comment: 'the benchmarks and the UCI tool use the library, never the CLI internals',
      from: { path: '^(bench|scripts)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'shaders-hold-wgsl-only',
      severity: 'error',
      comment: 'shaders/ holds .wgsl files; the library reads them through src/kernels/wgsl.generated.ts',
      from: {},
      to: { path: '^shaders/.*\\.(ts|js)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|demo-dist|docs-api)/' },
    // Type-only imports count: a type from GPU code in the oracle is still a dependency on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
