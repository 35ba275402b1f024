import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The per-tab id and broker token (config.ts) across reloads and duplicated tabs. Each "page" is
 * a fresh import of the module over a sessionStorage that the test carries over the way a browser
 * does: a reload keeps it, "Duplicate tab" copies it while the original page lives on.
 */
class MemoryStorage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  copy(): MemoryStorage {
    const other = new MemoryStorage();
    for (const [key, value] of this.items) other.setItem(key, value);
    return other;
  }
}

const server = new URL('https://rtc.example.com/peerjs');

/** Opens a "page" on `storage`: its own module instance and its own window events. */
async function openPage(storage: MemoryStorage) {
  vi.resetModules();
  const events = new EventTarget();
  vi.stubGlobal('sessionStorage', storage);
  vi.stubGlobal('addEventListener', events.addEventListener.bind(events));
  const config = await import('../../src/session/config.js');
  return {
    id: () => config.defaultPeerId(server),
    token: (peerId: string) => config.peerToken(server, peerId),
    unload: () => events.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: false })),
  };
}

beforeEach(() => vi.unstubAllGlobals());
afterEach(() => vi.unstubAllGlobals());

describe('per-tab identity', () => {
  it('a reload gets the same id and token back', async () => {
    const storage = new MemoryStorage();
    const first = await openPage(storage);
    const id = first.id();
    const token = first.token(id);
    expect(first.id()).toBe(id); // the same page asks again: same answer
    first.unload();
    const reloaded = await openPage(storage);
    expect(reloaded.id()).toBe(id);
    expect(reloaded.token(id)).toBe(token);
  });

  it('a duplicated tab gets its own id and token while the original lives', async () => {
    const storage = new MemoryStorage();
    const original = await openPage(storage);
    const id = original.id();
    const token = original.token('agent-1');
    const duplicate = await openPage(storage.copy());
    expect(duplicate.id()).not.toBe(id);
    // An explicit id stays the same (the broker then says it is taken), with a token of its own.
    expect(duplicate.token('agent-1')).not.toBe(token);
  });

  it('a tab duplicated after its original went (closed) reuses nothing it should not', async () => {
    const storage = new MemoryStorage();
    const original = await openPage(storage);
    const id = original.id();
    original.unload();
    // Restoring a closed tab brings its storage back without the live mark: same id.
    const restored = await openPage(storage.copy());
    expect(restored.id()).toBe(id);
  });
});
