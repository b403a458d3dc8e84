/**
 * The package as a user gets it: `npm pack` (which builds), the tarball installed into a fresh
 * project, and there: the README's Node example, `npx webgpu-bnn predict`, the published types
 * type-checked by TypeScript 5 and 7 under a DOM config and a Node-only `lib: ["ES2022"]` config
 * (no skipLibCheck), the opt-in `using` types, and a Vite app that imports the package built with
 * zero warnings and no Node module in its bundle.
 *
 * Installs come from the npm registry through npm's cache (`--prefer-offline`): the tarball's
 * dependencies are the repository's own, so only TypeScript 7 is new on a fresh machine.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..');
const INSTALL = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
/** TypeScript majors the published types must compile under (5: the repository's; 7: the native port). */
const TYPESCRIPTS = { ts5: 'typescript@5.9', ts7: 'typescript@7' } as const;

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}

let root = '';
let app = '';
let packed: PackResult;

async function sh(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
}

/** The fenced block after `<!-- readme-test: <name> -->` in the README. */
async function readmeExample(name: string): Promise<string> {
  const readme = await readFile(join(REPO, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- readme-test: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`README has no example marked <!-- readme-test: ${name} -->`);
  return match[1];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'webgpu-bnn-package-'));
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', root], REPO);
  // `npm pack --json` prints the build's output first when prepack writes to stdout.
  packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as PackResult[])[0] as PackResult;
  app = join(root, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'bnn-user-app', private: true, type: 'module' }, null, 2));
  await sh('npm', ['install', join(root, packed.filename), ...INSTALL], app);
  for (const [dir, ts] of Object.entries(TYPESCRIPTS)) {
    await mkdir(join(root, dir));
    await writeFile(join(root, dir, 'package.json'), '{"private": true}');
    await sh('npm', ['install', ts, ...INSTALL], join(root, dir));
  }
  await sh('npm', ['install', '@types/node@22', '@webgpu/types', 'vite@8', ...INSTALL, '--no-save'], app);
}, 600_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the library, its models, LICENSE and CHANGELOG, and no research code or source maps', () => {
    const paths = packed.files.map((f) => f.path);
    console.log(`tarball: ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${paths.length} files`);
    for (const needed of [
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
      'dist/src/index.js',
      'dist/src/node/index.js',
      'dist/src/reference/index.js',
      'dist/src/cli/main.js',
    ]) {
      expect(paths, needed).toContain(needed);
    }
    expect(paths.some((p) => p.startsWith('models/') && p.endsWith('.safetensors'))).toBe(true);
    expect(paths.filter((p) => p.endsWith('.map') || p.includes('/uci/') || p.startsWith('dist/bench/') || p.startsWith('dist/scripts/') || p.startsWith('src/'))).toEqual([]);
  });

  it("runs the README's Node example in a fresh project", async () => {
    await writeFile(join(app, 'readme-node.mjs'), await readmeExample('node'));
    const { stdout, stderr } = await sh('node', ['readme-node.mjs'], app);
    expect(stdout).toMatch(/-?\d+\.\d{3} ± \d+\.\d{3}/);
    // No start-up noise from Dawn or the Vulkan loader.
    expect(stderr).toBe('');
  }, 180_000);

  it.each(['api', 'train'])(
    "runs the README's %s example in a fresh project",
    async (name) => {
      await writeFile(join(app, `readme-${name}.mjs`), await readmeExample(name));
      const { stdout, stderr } = await sh('node', [`readme-${name}.mjs`], app);
      expect(stdout).not.toMatch(/NaN/);
      expect(stdout.trim().length).toBeGreaterThan(0);
      expect(stderr).toBe('');
    },
    300_000,
  );

  it('runs `npx webgpu-bnn predict` on a shipped model', async () => {
    await writeFile(join(app, 'x.csv'), 'x\n-1\n0\n2.5\n');
    const model = join(app, 'node_modules', 'webgpu-bnn', 'models', 'pyro-toy1d.safetensors');
    const { stdout, stderr } = await sh('npx', ['webgpu-bnn', 'predict', model, '--x', 'x.csv', '--samples', '200', '--json'], app);
    const result = JSON.parse(stdout) as { mean: number[]; std: number[] };
    expect(result.mean).toHaveLength(3);
    expect(result.std.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    expect(stderr).toBe('');
  }, 180_000);

  it('runs `npx webgpu-bnn train` and `npx webgpu-bnn demo` there', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => {
      const x = -2 + (4 * i) / 39;
      return `${x},${Math.sin(2 * x)}`;
    });
    await writeFile(join(app, 'train.csv'), `x,y\n${rows.join('\n')}\n`);
    const trained = await sh(
      'npx',
      ['webgpu-bnn', 'train', '--data', 'train.csv', '--target', 'y', '--method', 'map', '--hidden', '8', '--epochs', '3', '--out', 'mine.safetensors', '--json'],
      app,
    );
    expect((JSON.parse(trained.stdout) as { out: string }).out).toBe('mine.safetensors');
    expect(trained.stderr).toContain('compiling GPU kernels');
    const predicted = await sh('npx', ['webgpu-bnn', 'predict', 'mine.safetensors', '--x', 'train.csv', '--target', 'y', '--output', 'csv'], app);
    expect(predicted.stdout.split('\n')[0]).toBe('x,mean,std,epistemic_std,aleatoric_std,lower,upper,log_predictive_density');
    const demo = await sh('npx', ['webgpu-bnn', 'demo'], app);
    expect(demo.stdout).toContain('epistemic');
    expect(demo.stderr).toBe('');
  }, 300_000);

  describe.each(Object.keys(TYPESCRIPTS))('types under %s', (ts) => {
    const tsc = () => join(root, ts, 'node_modules', '.bin', 'tsc');
    const USER_CODE = `import { Engine, loadModel, train, type GpuContext, type Model, type PredictResult, InvalidInputError } from 'webgpu-bnn';
import { createNodeContext, exampleModelPath } from 'webgpu-bnn/node';
import { oraclePredict } from 'webgpu-bnn/reference';

export async function main(): Promise<number> {
  const ctx: GpuContext = await createNodeContext();
  const model: Model = await loadModel(exampleModelPath('pyro-toy1d'));
  const engine = Engine.create(ctx, model);
  const controller = new AbortController();
  const r: PredictResult = await engine.predict([[0.5]], { samples: 10, signal: controller.signal });
  const o = oraclePredict(model, [[0.5]], { samples: 10 });
  const trained = await train(ctx, { inputDim: 1, hidden: [4], activation: 'tanh' }, { x: [[0], [1]], y: [0, 1] }, { method: 'map', epochs: 1 });
  engine.dispose();
  ctx.destroy();
  if (r.mean[0] === undefined) throw new InvalidInputError('no mean');
  return (r.mean[0] ?? 0) - (o.mean[0] ?? 0) + trained.models.length;
}
`;
    const configs = {
      dom: { lib: ['ES2022', 'DOM'], types: [] as string[] },
      'dom + @webgpu/types': { lib: ['ES2022', 'DOM'], types: ['@webgpu/types'] },
      'node lib ES2022': { lib: ['ES2022'], types: ['node'] },
    };
    // TypeScript 7's DOM lib declares WebGPU itself: there @webgpu/types clashes with the DOM (not with us), so that pair is not a user setup.
    const applicable = Object.entries(configs).filter(([name]) => !(ts === 'ts7' && name === 'dom + @webgpu/types'));
    it.each(applicable)(
      '%s',
      async (name, config) => {
        const dir = join(app, `types-${ts}-${name.replace(/\W+/g, '-')}`);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'main.ts'), USER_CODE);
        const tsconfig = {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            ...config,
            typeRoots: [join(app, 'node_modules', '@types'), join(app, 'node_modules')],
          },
          files: ['main.ts'],
        };
        await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
        await sh(tsc(), ['-p', 'tsconfig.json'], dir);
      },
      120_000,
    );

    it("'webgpu-bnn/disposable' types `using` engines and contexts", async () => {
      const dir = join(app, `types-${ts}-disposable`);
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, 'main.ts'),
        `import 'webgpu-bnn/disposable';
import { Engine, createNodeContext, exampleModelPath, loadModel } from 'webgpu-bnn/node';
export async function main(): Promise<void> {
  using ctx = await createNodeContext();
  using engine = Engine.create(ctx, await loadModel(exampleModelPath('pyro-toy1d')));
  await engine.predict([[0]], { samples: 4 });
}
`,
      );
      const tsconfig = {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          lib: ['ES2022', 'ESNext.Disposable'],
          types: ['node'],
          typeRoots: [join(app, 'node_modules', '@types')],
        },
        files: ['main.ts'],
      };
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
      await sh(tsc(), ['-p', 'tsconfig.json'], dir);
    }, 120_000);
  });

  it('its API reference builds from the doc comments with no warning (npm run docs)', async () => {
    const { stdout, stderr } = await sh(join(REPO, 'node_modules', '.bin', 'typedoc'), ['--emit', 'none', '--treatWarningsAsErrors'], REPO);
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  }, 180_000);

  it('builds a Vite app that imports it with zero warnings and no Node modules in the bundle', async () => {
    const web = join(app, 'web');
    await mkdir(web, { recursive: true });
    await writeFile(join(web, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>');
    await writeFile(join(web, 'model.safetensors'), await readFile(join(app, 'node_modules', 'webgpu-bnn', 'models', 'pyro-toy1d.safetensors')));
    // The README's browser example is the app.
    await writeFile(join(web, 'main.js'), await readmeExample('browser'));
    const { stdout, stderr } = await sh(join(app, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], web);
    expect(`${stdout}${stderr}`.trim()).toBe('');
    const assets = await readdir(join(web, 'dist', 'assets'));
    const bundle = (await Promise.all(assets.filter((a) => a.endsWith('.js')).map((a) => readFile(join(web, 'dist', 'assets', a), 'utf8')))).join('\n');
    expect(bundle).not.toMatch(/node:(fs|path|url|os|child_process)/);
    // Dawn (npm `webgpu`) is the Node entry's alone.
    expect(bundle).not.toMatch(/import\(\s*["'`]webgpu["'`]\s*\)|from\s*["'`]webgpu["'`]/);
    // Error names survive minification.
    expect(bundle).toMatch(/["'`]GpuUnavailableError["'`]/);
  }, 180_000);
});
