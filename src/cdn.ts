/**
 * Script-tag entry (dist/cdn/rtc-elements.js). It stays tiny so a host page pays almost nothing
 * for the support button: the launcher is defined here; `<rtc-call>`, `<rtc-chat>` and
 * `<rtc-inbox>` (and PeerJS) load from rtc-elements-full.js as soon as one appears in the page.
 * The broker defaults to the origin that served this script.
 */
import { setDefaultServer } from './session/default-server.js';
import { setCurrentBuildLoader } from './elements/rtc-support/rtc-support.js';

const broker = new URL(/* @vite-ignore */ '../peerjs', import.meta.url).href;
setDefaultServer(broker);
// A page open across a release asks for the new build's panel when its own build's is gone. The new
// build's modules are new instances: they learn the broker from here too, or they would use the page's origin.
setCurrentBuildLoader(async () => {
  const url = new URL(/* @vite-ignore */ `rtc-elements-full.js?build=${Date.now()}`, import.meta.url).href;
  const current = (await import(/* @vite-ignore */ url)) as { setDefaultServer?: (url: string) => void };
  current.setDefaultServer?.(broker);
});

const LAZY_TAGS = ['rtc-call', 'rtc-chat', 'rtc-inbox'];
let full: Promise<typeof import('./full.js')> | null = null;

/** Loads every element now; call it when you create elements inside your own shadow roots. */
export function loadElements(): Promise<typeof import('./full.js')> {
  full ??= import('./full.js');
  return full;
}

function wanted(): boolean {
  return LAZY_TAGS.some((tag) => document.querySelector(`${tag}:not(:defined)`));
}

if (typeof document !== 'undefined') {
  if (wanted()) void loadElements();
  else {
    // Elements added later (by a framework, or by the host's script) trigger the load once.
    const observer = new MutationObserver(() => {
      if (!wanted()) return;
      observer.disconnect();
      void loadElements();
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  }
}
