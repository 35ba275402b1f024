/**
 * A tiny typed event emitter for the session layer (no DOM events below the elements).
 * `on` returns its own unsubscribe function so callers can keep one list of disposers.
 */
export type Unsubscribe = () => void;

export class Emitter<Events extends object> {
  private listeners = new Map<keyof Events, Set<(detail: never) => void>>();

  on<K extends keyof Events>(type: K, listener: (detail: Events[K]) => void): Unsubscribe {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (detail: never) => void);
    return () => set.delete(listener as (detail: never) => void);
  }

  protected emit<K extends keyof Events>(type: K, detail: Events[K]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        (listener as (detail: Events[K]) => void)(detail);
      } catch (error) {
        // A listener's bug must not break the session; surface it without stopping the loop.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Number of live listeners; tests use it to prove everything was released. */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
