import { describe, expect, it } from 'vitest';
import { noAdapterMessage, SWIFTSHADER_ICD } from '../../src/node/device.js';

describe('noAdapterMessage', () => {
  it('without VK_ICD_FILENAMES: how to install a software driver', () => {
    for (const unset of [undefined, '']) {
      const message = noAdapterMessage(unset, () => true);
      expect(message).toMatch(/^no WebGPU adapter was found in Node\. On Debian\/Ubuntu install/);
      expect(message).toContain('apt-get install -y chromium libvulkan1');
    }
  });

  it('with VK_ICD_FILENAMES naming a missing file: that file, and to unset it, not to install packages', () => {
    const message = noAdapterMessage('/tmp/none.json', (path) => path !== '/tmp/none.json');
    expect(message).toBe(
      "no WebGPU adapter was found in Node: VK_ICD_FILENAMES is set to '/tmp/none.json' and names '/tmp/none.json', which does not exist. " +
        `Unset it (webgpu-bnn then looks for a driver itself) or point it at a Vulkan driver's ICD file, such as ${SWIFTSHADER_ICD}.`,
    );
    expect(message).not.toContain('apt-get');
  });

  it('with VK_ICD_FILENAMES naming files that exist but no working driver', () => {
    const message = noAdapterMessage('/a.json:/b.json', () => true);
    expect(message).toContain("VK_ICD_FILENAMES is set to '/a.json:/b.json' and names no driver that works here");
  });
});
