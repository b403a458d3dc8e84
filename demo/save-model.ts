/** Save: the current model as a webgpu-bnn .safetensors download (an ensemble's members in one file). */
import { ensembleToBytes, modelToBytes } from '../src/index.js';
import type { LoadedModel } from './model-loading.js';

/** A file name from the model's name: word characters, dots and dashes only. */
export function downloadName(name: string): string {
  return `${
    name
      .replace(/\.safetensors$/, '')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'model'
  }.safetensors`;
}

export function downloadModel(current: LoadedModel): void {
  const bytes = current.members.length > 1 ? ensembleToBytes(current.members) : modelToBytes(current.model);
  const blob = new Blob([Uint8Array.from(bytes)], { type: 'application/octet-stream' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = downloadName(current.name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
