import { afterEach, describe, expect, it, vi } from 'vitest';
import { warmCapture } from '../../src/session/media.js';

describe('warmCapture', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('does nothing, and throws nothing, where there is no navigator or no mediaDevices', () => {
    vi.stubGlobal('navigator', undefined);
    expect(() => warmCapture()).not.toThrow();
    vi.stubGlobal('navigator', {});
    expect(() => warmCapture()).not.toThrow();
  });

  it('lists the devices once and opens none', () => {
    const enumerateDevices = vi.fn(() => Promise.resolve([]));
    const getUserMedia = vi.fn();
    vi.stubGlobal('navigator', { mediaDevices: { enumerateDevices, getUserMedia } });
    warmCapture();
    expect(enumerateDevices).toHaveBeenCalledTimes(1);
    expect(getUserMedia).not.toHaveBeenCalled();
  });

  it('swallows a refused listing: ringing must not fail because of it', async () => {
    const refused = Promise.reject(new DOMException('no', 'NotAllowedError'));
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    vi.stubGlobal('navigator', { mediaDevices: { enumerateDevices: () => refused } });
    warmCapture();
    await new Promise((resolve) => setTimeout(resolve, 0));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
