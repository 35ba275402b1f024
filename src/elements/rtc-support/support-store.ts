/**
 * What the support widget remembers about the visitor, per agent, in localStorage so it
 * survives page loads and is shared by every tab of the site. Light on purpose: it is part of
 * the launcher's first download.
 */
function storage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null; // blocked storage: the widget still works for this page
  }
}

function read(key: string): string | null {
  return storage()?.getItem(key) ?? null;
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch {
    // full or blocked
  }
}

export function supportStore(agent: string) {
  const key = (name: string) => `rtc-support:${agent}:${name}`;
  return {
    get visitorId(): string | null {
      return read(key('visitor'));
    },
    /** The visitor's id, created on first use: `v-` and 12 random hex digits. */
    ensureVisitorId(): string {
      let id = read(key('visitor'));
      if (!id) {
        const bytes = crypto.getRandomValues(new Uint8Array(6));
        id = `v-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
        write(key('visitor'), id);
      }
      return id;
    },
    get name(): string {
      return read(key('name')) ?? '';
    },
    set name(value: string) {
      write(key('name'), value || null);
    },
    get open(): boolean {
      return read(key('open')) === '1';
    },
    set open(value: boolean) {
      write(key('open'), value ? '1' : null);
    },
    get unread(): number {
      return Number(read(key('unread'))) || 0;
    },
    set unread(value: number) {
      write(key('unread'), value ? String(value) : null);
    },
    /** Forgets the visitor: these keys and the chat transcripts kept under its id. */
    clear(): void {
      const visitor = read(key('visitor'));
      for (const name of ['visitor', 'name', 'open', 'unread']) write(key(name), null);
      const store = storage();
      if (!store || !visitor) return;
      for (let i = store.length - 1; i >= 0; i--) {
        const k = store.key(i);
        if (k?.startsWith('rtc-elements:') && k.includes(`|${visitor}`)) write(k, null);
      }
    },
  };
}
