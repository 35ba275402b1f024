import { css } from 'lit';

/**
 * The outlined, fully rounded secondary button of the support panel and the agent console.
 * Interpolated into each element's own rule, which adds the size.
 */
export const outlineButton = css`
  border: 1px solid var(--_accent);
  border-radius: 999px;
  background: var(--_background);
  color: var(--_accent);
  font: inherit;
  cursor: pointer;
`;

/**
 * Design tokens: every colour, radius and font an element uses comes from a `--rtc-*` custom
 * property with a default here, so a site restyles all elements from one place.
 */
export const tokens = css`
  :host {
    --_accent: var(--rtc-accent, #2563eb);
    --_accent-text: var(--rtc-accent-text, #ffffff);
    --_danger: var(--rtc-danger, #dc2626);
    --_success: var(--rtc-success, #15803d);
    --_surface: var(--rtc-surface, #111827);
    --_surface-text: var(--rtc-surface-text, #f9fafb);
    --_muted-text: var(--rtc-muted-text, #9ca3af);
    --_control: var(--rtc-control-background, rgba(255, 255, 255, 0.14));
    --_radius: var(--rtc-radius, 12px);
    --_font: var(--rtc-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_focus: var(--rtc-focus-ring, #1d4ed8);
    /* Light surfaces (chat, support panel, agent console); a dark theme sets these. */
    --_background: var(--rtc-background, #ffffff);
    --_text: var(--rtc-text, #111827);
    --_secondary-text: var(--rtc-muted-text, #4b5563);
    --_border: var(--rtc-border, #e5e7eb);
    --_subtle: var(--rtc-subtle-background, #f3f4f6);
    --_selected: var(--rtc-selected-background, #eff6ff);
    --_warning: var(--rtc-warning-background, #fef3c7);
    --_warning-text: var(--rtc-warning-text, #78350f);
    --_error: var(--rtc-error-background, #fee2e2);
    --_error-text: var(--rtc-error-text, #7f1d1d);
    font-family: var(--_font);
    font-size: 14px;
    line-height: 1.4;
    box-sizing: border-box;
  }
  :host *,
  :host *::before,
  :host *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
