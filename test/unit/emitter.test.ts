import { afterEach, describe, expect, it } from 'vitest';
import { Emitter } from '../../src/session/emitter.js';

interface Events {
  status: string;
  count: number;
  done: void;
}

/** Exposes the protected members, as a session subclass would use them. */
class TestEmitter extends Emitter<Events> {
  fire<K extends keyof Events>(type: K, detail: Events[K]): void {
    this.emit(type, detail);
  }
  clear(): void {
    this.removeAllListeners();
  }
}

describe('Emitter', () => {
  it('starts with no listeners and emitting to nobody is harmless', () => {
    const emitter = new TestEmitter();
    expect(emitter.listenerCount).toBe(0);
    expect(() => emitter.fire('status', 'x')).not.toThrow();
  });

  it('delivers the detail to every listener of that type, in subscription order', () => {
    const emitter = new TestEmitter();
    const calls: string[] = [];
    emitter.on('status', (s) => calls.push(`a:${s}`));
    emitter.on('status', (s) => calls.push(`b:${s}`));
    emitter.on('count', (n) => calls.push(`count:${n}`));
    emitter.fire('status', 'online');
    expect(calls).toEqual(['a:online', 'b:online']);
    emitter.fire('count', 3);
    expect(calls).toEqual(['a:online', 'b:online', 'count:3']);
  });

  it('delivers every emit, not just the first', () => {
    const emitter = new TestEmitter();
    const seen: number[] = [];
    emitter.on('count', (n) => seen.push(n));
    for (const n of [1, 2, 3]) emitter.fire('count', n);
    expect(seen).toEqual([1, 2, 3]);
  });

  it.each([
    { subscribe: 0, unsubscribe: 0, expected: 0 },
    { subscribe: 1, unsubscribe: 0, expected: 1 },
    { subscribe: 3, unsubscribe: 1, expected: 2 },
    { subscribe: 3, unsubscribe: 3, expected: 0 },
  ])('listenerCount after $subscribe subscriptions and $unsubscribe unsubscriptions is $expected', ({ subscribe, unsubscribe, expected }) => {
    const emitter = new TestEmitter();
    const offs = Array.from({ length: subscribe }, (_, i) => emitter.on(i % 2 ? 'status' : 'count', () => {}));
    offs.slice(0, unsubscribe).forEach((off) => off());
    expect(emitter.listenerCount).toBe(expected);
  });

  it('the unsubscribe function stops delivery to that listener only', () => {
    const emitter = new TestEmitter();
    const a: string[] = [];
    const b: string[] = [];
    const offA = emitter.on('status', (s) => a.push(s));
    emitter.on('status', (s) => b.push(s));
    emitter.fire('status', 'one');
    offA();
    emitter.fire('status', 'two');
    expect(a).toEqual(['one']);
    expect(b).toEqual(['one', 'two']);
    expect(emitter.listenerCount).toBe(1);
  });

  it('unsubscribing twice is harmless and does not remove another listener', () => {
    const emitter = new TestEmitter();
    const off = emitter.on('status', () => {});
    emitter.on('status', () => {});
    off();
    off();
    expect(emitter.listenerCount).toBe(1);
  });

  it('the same function subscribed to two types is counted and removed per type', () => {
    const emitter = new TestEmitter();
    const seen: unknown[] = [];
    const listener = (detail: unknown) => seen.push(detail);
    const offStatus = emitter.on('status', listener);
    emitter.on('count', listener);
    expect(emitter.listenerCount).toBe(2);
    offStatus();
    emitter.fire('status', 'ignored');
    emitter.fire('count', 5);
    expect(seen).toEqual([5]);
    expect(emitter.listenerCount).toBe(1);
  });

  it('a listener removed by an earlier listener during an emit still gets that emit, but not the next', () => {
    const emitter = new TestEmitter();
    const seen: string[] = [];
    emitter.on('status', () => offB());
    const offB = emitter.on('status', (s) => seen.push(s));
    emitter.fire('status', 'first');
    emitter.fire('status', 'second');
    expect(seen).toEqual(['first']);
  });

  it('a listener added during an emit starts with the next emit', () => {
    const emitter = new TestEmitter();
    const seen: string[] = [];
    let added = false;
    emitter.on('status', () => {
      if (!added) {
        added = true;
        emitter.on('status', (s) => seen.push(s));
      }
    });
    emitter.fire('status', 'first');
    emitter.fire('status', 'second');
    expect(seen).toEqual(['second']);
  });

  it('removeAllListeners releases everything', () => {
    const emitter = new TestEmitter();
    const seen: unknown[] = [];
    emitter.on('status', (s) => seen.push(s));
    emitter.on('count', (n) => seen.push(n));
    emitter.clear();
    expect(emitter.listenerCount).toBe(0);
    emitter.fire('status', 'x');
    emitter.fire('count', 1);
    expect(seen).toEqual([]);
  });

  describe('a throwing listener', () => {
    let restore: (() => void) | undefined;
    afterEach(() => {
      restore?.();
      restore = undefined;
    });

    /**
     * Swaps the process's uncaughtException listeners (vitest's included) for a collector so the
     * rethrown error is observed instead of failing the run; `restore` puts them back.
     */
    function collectUncaught(): unknown[] {
      const errors: unknown[] = [];
      const previous = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      const collector = (error: unknown) => errors.push(error);
      process.on('uncaughtException', collector);
      restore = () => {
        process.off('uncaughtException', collector);
        for (const listener of previous) process.on('uncaughtException', listener);
      };
      return errors;
    }

    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

    it('does not stop the other listeners, and its error is rethrown asynchronously', async () => {
      const uncaught = collectUncaught();
      const emitter = new TestEmitter();
      const boom = new Error('listener bug');
      const seen: string[] = [];
      emitter.on('status', (s) => seen.push(`before:${s}`));
      emitter.on('status', () => {
        throw boom;
      });
      emitter.on('status', (s) => seen.push(`after:${s}`));

      expect(() => emitter.fire('status', 'online')).not.toThrow();
      // Both neighbours ran synchronously, and nothing was rethrown yet.
      expect(seen).toEqual(['before:online', 'after:online']);
      expect(uncaught).toEqual([]);

      await settle();
      expect(uncaught).toEqual([boom]);
    });

    it('rethrows each failing listener error separately', async () => {
      const uncaught = collectUncaught();
      const emitter = new TestEmitter();
      const first = new Error('first');
      const second = new TypeError('second');
      let ran = 0;
      emitter.on('count', () => {
        throw first;
      });
      emitter.on('count', () => {
        ran++;
      });
      emitter.on('count', () => {
        throw second;
      });
      emitter.fire('count', 1);
      expect(ran).toBe(1);
      await settle();
      expect(uncaught).toEqual([first, second]);
    });

    it('keeps the throwing listener subscribed', async () => {
      const uncaught = collectUncaught();
      const emitter = new TestEmitter();
      let calls = 0;
      emitter.on('done', () => {
        calls++;
        throw new Error('again');
      });
      emitter.fire('done', undefined);
      emitter.fire('done', undefined);
      expect(calls).toBe(2);
      expect(emitter.listenerCount).toBe(1);
      await settle();
      expect(uncaught).toHaveLength(2);
    });
  });
});
