/**
 * An adapter in one line (description, vendor and architecture), for logs, CLI output and the
 * benchmark and UCI summaries that record which GPU produced a number.
 */
import type { AdapterDescription, GpuContext } from './device.js';

/** The context's adapter in one line. */
export function describeAdapter(ctx: GpuContext): string {
  return describeAdapterDescription(ctx.adapter);
}

/** The same line from a recorded adapter description (a run summary's). */
export function describeAdapterDescription(adapter: AdapterDescription): string {
  const { vendor, architecture, description, device } = adapter;
  const name = description || device || 'unknown adapter';
  const details = [vendor, architecture].filter((s) => s !== '').join(' / ');
  return details ? `${name} (${details})` : name;
}
