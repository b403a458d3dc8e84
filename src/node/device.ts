/**
 * WebGPU in Node through npm `webgpu` (Dawn). Dawn picks a Vulkan driver from the system; where
 * none works (no GPU, or Debian 12's lavapipe, too old for Dawn) we retry with the SwiftShader
 * Vulkan driver that Debian's chromium package ships, by pointing VK_ICD_FILENAMES at it before
 * creating a second GPU instance.
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { GpuUnavailableError, InvalidInputError } from '../errors.js';
import { createContextFromAdapter, requestAdapter, type CreateContextOptions, type GpuContext } from '../gpu/device.js';
import { GPU_WAITS, nodeWaitFor, type GpuWait } from './gpu-wait.js';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const FIX_HINT =
  'On Debian/Ubuntu install a software Vulkan driver with `sudo apt-get install -y chromium libvulkan1` ' +
  `(webgpu-bnn then uses SwiftShader from ${SWIFTSHADER_ICD}), or install your GPU's Vulkan driver.`;

/**
 * Why no adapter was found and what to do, naming VK_ICD_FILENAMES when the user set it: a path to
 * a missing or unusable driver file there is the usual cause, and installing packages would not help.
 */
export function noAdapterMessage(userIcd: string | undefined, icdExists: (path: string) => boolean = existsSync): string {
  if (userIcd === undefined || userIcd === '') return `no WebGPU adapter was found in Node. ${FIX_HINT}`;
  const missing = userIcd.split(':').filter((path) => path !== '' && !icdExists(path));
  const why =
    missing.length > 0 ? `names ${missing.map((path) => `'${path}'`).join(', ')}, which ${missing.length === 1 ? 'does' : 'do'} not exist` : 'names no driver that works here';
  return (
    `no WebGPU adapter was found in Node: VK_ICD_FILENAMES is set to '${userIcd}' and ${why}. ` +
    `Unset it (webgpu-bnn then looks for a driver itself) or point it at a Vulkan driver's ICD file, such as ${SWIFTSHADER_ICD}.`
  );
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: DawnModule | null = null;

async function loadDawn(): Promise<DawnModule> {
  if (dawn) return dawn;
  try {
    dawn = await import('webgpu');
  } catch (cause) {
    throw new GpuUnavailableError(`npm package 'webgpu' (Dawn for Node) could not be loaded: ${String(cause)}. Run \`npm install webgpu\`.`, { cause });
  }
  // WebGPU's enum-like globals (GPUBufferUsage, GPUShaderStage, GPUMapMode) are expected globally.
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  return dawn;
}

export interface NodeContextOptions extends CreateContextOptions {
  /** Force the SwiftShader driver even if another adapter exists (reproducible CPU runs). */
  readonly forceSwiftShader?: boolean;
  /**
   * How the JavaScript thread waits for the GPU (src/node/gpu-wait.ts): 'spin' (Dawn's polling),
   * 'sleep' (polls between 1 ms sleeps: on a CPU adapter the kernels get the core back), or 'auto'
   * (default: 'sleep' on a CPU adapter such as SwiftShader, 'spin' on a GPU).
   */
  readonly gpuWait?: GpuWait;
}

/**
 * Whether this machine has a GPU a Vulkan driver could drive: a DRM render node or an NVIDIA
 * device file. Without one, Dawn's first attempt can only find Mesa's software driver, which
 * Debian 12's Dawn refuses with a four-line warning on stderr; going to SwiftShader directly
 * keeps every run quiet.
 */
function hasGpuDevice(): boolean {
  const renderNodes = existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  return renderNodes || existsSync('/dev/nvidia0') || existsSync('/dev/dxg') || process.platform !== 'linux';
}

/** Creates a WebGPU context in Node, falling back to Chromium's SwiftShader when no adapter is found. */
export async function createNodeContext(options: NodeContextOptions = {}): Promise<GpuContext> {
  const gpuWait = options.gpuWait ?? 'auto';
  if (!GPU_WAITS.includes(gpuWait)) throw new InvalidInputError(`unknown gpuWait '${String(gpuWait)}' (expected ${GPU_WAITS.join(', ')})`);
  const dawn = await loadDawn();
  const userIcd = process.env['VK_ICD_FILENAMES'];
  // Dawn's Vulkan loader prints an error line to stderr when XDG_RUNTIME_DIR is unset (CI, cron).
  process.env['XDG_RUNTIME_DIR'] ??= tmpdir();
  const swiftShaderOnly = options.forceSwiftShader === true || (!process.env['VK_ICD_FILENAMES'] && !hasGpuDevice());
  if (swiftShaderOnly && existsSync(SWIFTSHADER_ICD)) process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  let gpu = dawn.create([]);
  let adapter = await requestAdapter(gpu, options);
  if (!adapter && !process.env['VK_ICD_FILENAMES'] && existsSync(SWIFTSHADER_ICD)) {
    process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
    gpu = dawn.create([]);
    adapter = await requestAdapter(gpu, options);
  }
  if (!adapter) {
    throw new GpuUnavailableError(noAdapterMessage(userIcd));
  }
  // `gpu` must outlive the device: Dawn crashes if the instance is collected first.
  return createContextFromAdapter(adapter, { ...options, owner: gpu, waitFor: (description) => nodeWaitFor(gpuWait, description) });
}
