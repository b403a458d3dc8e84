/**
 * Getting a WebGPU device in the page, and the message shown when there is none (what to do about it).
 * Shared by the demo and the benchmark page.
 */
import { createBrowserContext, GpuUnavailableError, type GpuContext } from '../src/index.js';

export type GpuStart =
  | { readonly ok: true; readonly ctx: GpuContext }
  | {
      readonly ok: false;
      /** 'no-navigator-gpu': the browser has no WebGPU; 'no-adapter': WebGPU is there but no adapter; 'device': the device failed. */
      readonly reason: 'no-navigator-gpu' | 'no-adapter' | 'device';
      readonly message: string;
    };

/** Creates the library's context from navigator.gpu; never throws. */
export async function startGpu(): Promise<GpuStart> {
  const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator && (navigator as Navigator & { gpu?: unknown }).gpu != null;
  try {
    const ctx = await createBrowserContext({ powerPreference: 'high-performance' });
    return { ok: true, ctx };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!hasGpu) return { ok: false, reason: 'no-navigator-gpu', message };
    if (error instanceof GpuUnavailableError && /no WebGPU adapter/i.test(message)) return { ok: false, reason: 'no-adapter', message };
    return { ok: false, reason: 'device', message };
  }
}

/** Fills `box` with what is wrong and what to do, and shows it. */
export function showWebGpuMissing(box: HTMLElement, start: Extract<GpuStart, { ok: false }>): void {
  const what =
    start.reason === 'no-navigator-gpu'
      ? 'This browser does not expose WebGPU (<code>navigator.gpu</code> is missing).'
      : start.reason === 'no-adapter'
        ? 'WebGPU is present, but the browser offered no GPU adapter.'
        : 'A WebGPU adapter was found, but it would not create a device.';
  box.innerHTML = `
    <h2>WebGPU is not available</h2>
    <p>${what} This page computes everything on the GPU with WebGPU, so it cannot run here.</p>
    <p><strong>What to do:</strong></p>
    <ul>
      <li>Open the page in <strong>Chrome or Edge 113 or newer</strong> on Windows, macOS or ChromeOS
        (WebGPU is on by default there), or a recent Chrome on Android.</li>
      <li>On Linux, or in headless Chromium, start the browser with <code>--enable-unsafe-webgpu</code>
        (or turn on <code>chrome://flags/#enable-unsafe-webgpu</code>) — without a GPU driver Chromium
        then falls back to SwiftShader on the CPU (slow but correct).</li>
      <li>Firefox and Safari: use a version with WebGPU enabled (Firefox 141+ on Windows, Safari 26+),
        or their WebGPU preference.</li>
      <li>Serve the page from <code>http://localhost</code>, <code>http://127.0.0.1</code> or https:
        WebGPU needs a secure context.</li>
    </ul>
    <p class="note">Details: <span class="detail"></span></p>`;
  const detail = box.querySelector('.detail');
  if (detail) detail.textContent = start.message;
  box.hidden = false;
}
