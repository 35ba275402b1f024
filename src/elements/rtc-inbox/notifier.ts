/**
 * Desktop notifications for the agent console: a visitor writes or calls while the agent looks at
 * another tab or window. The chime alone is not enough there: browsers keep a page that has not been
 * clicked yet silent, and a title prefix is easy to miss among many tabs.
 */
export class DesktopNotifier {
  /** The notification on screen per conversation: a newer message replaces it rather than piling up. */
  private shown = new Map<string, Notification>();

  /** Whether this browser can show them here (the API exists only in secure contexts). */
  get supported(): boolean {
    return typeof Notification !== 'undefined' && (typeof isSecureContext === 'undefined' || isSecureContext);
  }

  /** 'default' until the agent answers the browser's question, then 'granted' or 'denied'. */
  get permission(): NotificationPermission {
    return this.supported ? Notification.permission : 'denied';
  }

  /** Asks the browser (only from a click: browsers refuse the question otherwise). */
  async enable(): Promise<NotificationPermission> {
    if (!this.supported) return 'denied';
    return Notification.requestPermission();
  }

  /**
   * Shows `title` and `body` (plain text: notifications render no HTML) unless the agent is looking at
   * the console already. `open` runs when the agent clicks it, after the window is brought forward.
   */
  show(key: string, title: string, body: string, open: () => void): void {
    if (this.permission !== 'granted') return;
    if (document.visibilityState === 'visible' && document.hasFocus()) return;
    this.clear(key);
    let notification: Notification;
    try {
      // Silent: the console chimes itself, and once is enough.
      notification = new Notification(title, { body: body.slice(0, 200), tag: key, silent: true });
    } catch {
      return; // Chrome on Android allows them only from a service worker: the chime and title remain.
    }
    notification.onclick = () => {
      window.focus();
      open();
      this.clear(key);
    };
    notification.onclose = () => {
      if (this.shown.get(key) === notification) this.shown.delete(key);
    };
    this.shown.set(key, notification);
  }

  /** The conversation was opened (or the call answered): its notification has done its job. */
  clear(key: string): void {
    this.shown.get(key)?.close();
    this.shown.delete(key);
  }

  close(): void {
    for (const notification of this.shown.values()) notification.close();
    this.shown.clear();
  }
}
