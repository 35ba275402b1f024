/**
 * Where Tab goes inside a component made of components: the focusable, visible, enabled elements
 * under `root` in document order, through open shadow roots and slots, the way the browser walks
 * them (positive tabindex aside, which none of our templates use).
 */
export function tabbableElements(root: Element | ShadowRoot): HTMLElement[] {
  return tabOrderAround(root, null).order;
}

/**
 * The Tab order under `root` (see tabbableElements), and where Tab and Shift+Tab would go from
 * `from`, which need not be in it (a status with tabindex=-1 that took focus): the next tabbable
 * element after it in document order, and the last one before it. Both undefined when `from` is not
 * under `root`.
 */
export function tabOrderAround(root: Element | ShadowRoot, from: Element | null): { order: HTMLElement[]; next?: HTMLElement; previous?: HTMLElement } {
  const order: HTMLElement[] = [];
  let seenFrom = false;
  let next: HTMLElement | undefined;
  let previous: HTMLElement | undefined;
  const visit = (node: Element | ShadowRoot): void => {
    const children = node instanceof HTMLSlotElement ? node.assignedElements({ flatten: true }) : [...node.children];
    for (const child of children) {
      if (child === from) {
        seenFrom = true;
        previous = order.at(-1);
      }
      if (!(child instanceof HTMLElement)) continue;
      // Nothing in a hidden or inert subtree takes focus; skipping it saves walking a whole hidden call.
      if (child.hidden || child.inert) continue;
      if (isTabbable(child)) {
        if (seenFrom && child !== from) next ??= child;
        order.push(child);
      }
      visit(child.shadowRoot ?? child);
    }
  };
  visit(root);
  return seenFrom ? { order, ...(next ? { next } : {}), ...(previous ? { previous } : {}) } : { order };
}

function isTabbable(element: HTMLElement): boolean {
  if (element.tabIndex < 0 || (element as HTMLButtonElement).disabled) return false;
  // Chromium gives every <a> tabIndex 0, but one without href is not a link and Tab passes it by.
  if (element instanceof HTMLAnchorElement && !element.hasAttribute('href') && !element.hasAttribute('tabindex')) return false;
  // Without checkVisibility (Safari < 17.4), trust the hidden check above.
  return element.checkVisibility?.({ visibilityProperty: true } as CheckVisibilityOptions) ?? true;
}

/** The element that has focus, looking into shadow roots rather than stopping at their hosts. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
