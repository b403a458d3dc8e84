/**
 * The package's own directory, found from this module's location (import.meta.url) rather than the
 * working directory, so `webgpu-bnn demo` and exampleModelPath find the shipped files wherever they run from — from
 * the sources (src/node) as well as from the build (dist/src/node) or an installed copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'webgpu-bnn';

let cached: string | null = null;

/** The nearest directory above this module whose package.json is named 'webgpu-bnn'. */
export function packageRoot(): string {
  if (cached !== null) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readName(manifest) === PACKAGE_NAME) {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`internal: no package.json named '${PACKAGE_NAME}' above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function readName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/** A path inside the package. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** The package version from package.json. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
