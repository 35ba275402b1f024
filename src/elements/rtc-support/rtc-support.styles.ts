import { css, unsafeCSS } from 'lit';
import { FULL_SCREEN_QUERY } from './full-screen.js';

/**
 * The launcher sits on pages we did not write: `all: initial` cuts inherited fonts, colours
 * and line heights, and every size is in px so a host's `html { font-size }` changes nothing.
 */
export const styles = css`
  :host {
    all: initial;
    --_accent: var(--rtc-accent, #2563eb);
    --_accent-text: var(--rtc-accent-text, #ffffff);
    --_offset: var(--rtc-support-offset, 20px);
    --_radius: var(--rtc-radius, 12px);
    position: fixed;
    z-index: var(--rtc-support-z-index, 2147483000);
    bottom: var(--_offset);
    right: var(--_offset);
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 12px;
    font-family: var(--rtc-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: 14px;
    line-height: 1.4;
    color: var(--rtc-text, #111827);
    box-sizing: border-box;
  }
  :host([position='bottom-left']) {
    right: auto;
    left: var(--_offset);
    align-items: flex-start;
  }
  :host *,
  :host *::before,
  :host *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  .launcher {
    position: relative;
    width: 60px;
    height: 60px;
    margin: 0;
    padding: 0;
    border: 0;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: 0 6px 20px rgba(0, 0, 0, 0.25);
    cursor: pointer;
    transition: transform 0.15s ease;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher:focus-visible,
  .retry:focus-visible {
    outline: 3px solid var(--rtc-focus-ring, #1d4ed8);
    outline-offset: 3px;
  }
  /* A call goes on behind the closed panel: camera and microphone are live, and the launcher shows it. */
  .launcher.in-call {
    background: var(--rtc-success, #15803d);
    animation: in-call 1.6s ease-out infinite;
  }
  @keyframes in-call {
    from {
      box-shadow: 0 0 0 0 rgba(21, 128, 61, 0.6);
    }
    to {
      box-shadow: 0 0 0 14px rgba(21, 128, 61, 0);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .launcher {
      transition: none;
    }
    .launcher.in-call {
      animation: none;
      box-shadow: 0 0 0 4px rgba(21, 128, 61, 0.45);
    }
  }
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: var(--rtc-danger, #dc2626);
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 22px;
    text-align: center;
    box-shadow: 0 0 0 2px #fff;
  }
  .panel {
    display: flex;
    width: 380px;
    height: min(640px, calc(100vh - 120px));
    border-radius: var(--_radius);
    background: var(--rtc-background, #ffffff);
    box-shadow: 0 12px 40px rgba(0, 0, 0, 0.28);
    overflow: hidden;
  }
  .panel.loading {
    align-items: center;
    justify-content: center;
    color: var(--rtc-muted-text, #4b5563);
  }
  .retry {
    display: grid;
    place-items: center;
    width: 56px;
    height: 56px;
    border: 2px solid currentColor;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  .spinner {
    width: 28px;
    height: 28px;
    border: 3px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
  /* Narrow or short screens: the panel takes the whole viewport, or the call and the composer would be cut off. */
  @media ${unsafeCSS(FULL_SCREEN_QUERY)} {
    .panel {
      position: fixed;
      inset: 0;
      width: 100vw;
      height: 100vh;
      height: 100dvh;
      border-radius: 0;
    }
    /* The panel's own close button takes over; a floating button would cover the chat. */
    :host([open]) .launcher {
      display: none;
    }
  }
`;
