import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The language an element is in, as the platform reckons it for `:lang()`: the nearest `lang`
 * attribute on the element or an ancestor, crossing shadow roots to their hosts, up to `<html>`.
 * Lowercase; '' when none says (or `lang=""`, "unknown"). No string tables here: the launcher in
 * the first download uses it too.
 */
export function elementLanguage(element: Element): string {
  let node: Element | null = element;
  while (node) {
    const found = node.closest('[lang]');
    if (found) return (found.getAttribute('lang') ?? '').toLowerCase();
    const root = node.getRootNode();
    node = typeof ShadowRoot !== 'undefined' && root instanceof ShadowRoot ? root.host : null;
  }
  return '';
}

/** Elements on the page that speak a language; one observer serves them all. */
const hosts = new Set<ReactiveControllerHost>();
let observer: MutationObserver | null = null;

/**
 * Re-renders its element when any `lang` attribute in the document changes, so a site's own
 * language switch (`<html lang>` or a wrapper's `lang`) reaches the elements without a reload.
 * The observer exists while at least one element is connected.
 */
export class LanguageController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & Element) {
    host.addController(this);
  }

  hostConnected(): void {
    hosts.add(this.host);
    if (observer || typeof MutationObserver === 'undefined') return;
    observer = new MutationObserver(() => {
      for (const host of hosts) host.requestUpdate();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
    if (hosts.size > 0) return;
    observer?.disconnect();
    observer = null;
  }
}

/** For tests: whether the shared observer is running. */
export function languageObserverActive(): boolean {
  return observer !== null;
}
