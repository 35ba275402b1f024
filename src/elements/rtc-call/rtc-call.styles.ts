import { css } from 'lit';
import { tokens } from '../../styles/tokens.js';

export const styles = [
  tokens,
  css`
    :host {
      /* The call is dark: a light ring shows on it (the light surfaces' default is dark blue). */
      --_focus: var(--rtc-focus-ring, #93c5fd);
      display: block;
      position: relative;
      width: 100%;
      height: 100%;
      min-height: 240px;
      color: var(--_surface-text);
      contain: content;
    }
    .call {
      display: flex;
      flex-direction: column;
      width: 100%;
      height: 100%;
      min-height: inherit;
      background: var(--_surface);
      border-radius: var(--_radius);
      overflow: hidden;
    }
    .stage {
      position: relative;
      flex: 1;
      min-height: 160px;
    }
    /* A host that makes the element a size container and gives it little height (the support
       panel on a short screen): the picture shrinks, the status line and the controls stay whole. */
    @container (max-height: 240px) {
      .stage {
        min-height: 72px;
      }
    }
    .tile {
      position: absolute;
      overflow: hidden;
      display: grid;
      place-items: center;
    }
    .tile.remote {
      inset: 0;
    }
    .tile video {
      width: 100%;
      height: 100%;
      object-fit: cover;
      background: #000;
    }
    .tile.remote video {
      position: absolute;
      inset: 0;
      object-fit: contain;
    }
    /* No picture to show (before the answer, the camera off, a voice call). Before the answer the
       player may hold the remote tracks already (rtc-call.ts updated()): important, so that no
       ::part(remote-video) rule of the host's can show them. */
    .tile.remote video.waiting {
      visibility: hidden !important;
    }
    .tile.local {
      right: 12px;
      bottom: 12px;
      width: min(28%, 200px);
      aspect-ratio: 4 / 3;
      border-radius: calc(var(--_radius) * 0.66);
      box-shadow: 0 2px 12px rgba(0, 0, 0, 0.5);
      z-index: 1;
    }
    /* A mirrored self-view is what people expect; a shared screen must read the right way round. */
    .tile.local:not(.screen) video {
      transform: scaleX(-1);
    }
    .audio-only .tile.local {
      display: none;
    }
    .avatar {
      position: relative;
      width: 96px;
      height: 96px;
      border-radius: 50%;
      display: grid;
      place-items: center;
      font-size: 40px;
      font-weight: 600;
      background: var(--_accent);
      color: var(--_accent-text);
    }
    /*
     * The halo that pulses while it rings is a ring drawn outside the avatar by a static shadow,
     * faded in and out. Opacity is animated by the compositor on its own: the box-shadow that
     * used to be animated made both pages repaint 60 times a second for as long as a call rang
     * (≈ 7–14 % of a core each on a 2-core VM; now about once a second).
     */
    .state-calling .avatar::before,
    .state-ringing .avatar::before {
      content: '';
      position: absolute;
      inset: 0;
      border-radius: 50%;
      box-shadow: 0 0 0 16px rgba(255, 255, 255, 0.08);
      opacity: 0;
      animation: pulse 1.6s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 1;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .avatar::before {
        animation: none !important;
      }
    }
    .name {
      position: absolute;
      left: 8px;
      bottom: 6px;
      font-size: 12px;
      padding: 2px 6px;
      border-radius: 6px;
      background: rgba(0, 0, 0, 0.45);
    }
    .tile.remote .name {
      left: 12px;
      bottom: 12px;
    }
    .remote-status {
      position: absolute;
      top: 44px;
      left: 12px;
      display: flex;
      gap: 6px;
    }
    .badge {
      display: inline-grid;
      place-items: center;
      width: 32px;
      height: 32px;
      border-radius: 50%;
      background: rgba(0, 0, 0, 0.55);
    }
    .topline {
      position: absolute;
      top: 0;
      left: 0;
      right: 0;
      display: flex;
      align-items: center;
      gap: 10px;
      padding: 10px 12px;
      background: linear-gradient(rgba(0, 0, 0, 0.45), transparent);
      z-index: 2;
    }
    .status {
      flex: 1;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .timer {
      font-variant-numeric: tabular-nums;
    }
    .quality {
      display: inline-flex;
      align-items: flex-end;
      gap: 2px;
      height: 14px;
    }
    .quality i {
      width: 4px;
      background: var(--_muted-text);
      border-radius: 1px;
    }
    .quality i:nth-child(1) {
      height: 5px;
    }
    .quality i:nth-child(2) {
      height: 9px;
    }
    .quality i:nth-child(3) {
      height: 14px;
    }
    .quality.good i {
      background: var(--_success);
    }
    .quality.fair i:nth-child(-n + 2) {
      background: #eab308;
    }
    .quality.poor i:nth-child(1) {
      background: var(--_danger);
    }
    .own-id {
      position: absolute;
      left: 0;
      right: 0;
      bottom: 12px;
      text-align: center;
      color: var(--_muted-text);
      user-select: all;
    }
    .own-id strong {
      color: var(--_surface-text);
    }
    .error {
      position: absolute;
      left: 12px;
      right: 12px;
      top: 44px;
      display: flex;
      gap: 8px;
      align-items: flex-start;
      padding: 8px 10px;
      border-radius: calc(var(--_radius) * 0.66);
      background: #7f1d1d;
      color: #fff;
      z-index: 3;
    }
    .error span {
      flex: 1;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      justify-content: center;
      align-items: center;
      gap: 10px;
      padding: 12px;
      min-height: 64px;
    }
    .control {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      gap: 6px;
      min-width: 44px;
      height: 44px;
      padding: 0 12px;
      border: 0;
      border-radius: 22px;
      background: var(--_control);
      color: inherit;
      font: inherit;
      cursor: pointer;
    }
    .control[aria-pressed='true'] {
      background: var(--_surface-text);
      color: var(--_surface);
    }
    /* Forced colours paint every button's background alike: "on" must still show (sharing the
       screen, the device list open). */
    @media (forced-colors: active) {
      .control[aria-pressed='true'] {
        forced-color-adjust: none;
        background: Highlight;
        color: HighlightText;
      }
    }
    .control.accent {
      background: var(--_accent);
      color: var(--_accent-text);
    }
    .control.success {
      background: var(--_success);
      color: #fff;
    }
    .control.danger {
      background: var(--_danger);
      color: #fff;
    }
    .control:disabled {
      opacity: 0.45;
      cursor: not-allowed;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible {
      outline: 3px solid var(--_focus);
      outline-offset: 2px;
    }
    .dismiss {
      border: 0;
      background: transparent;
      color: inherit;
      cursor: pointer;
      padding: 0;
    }
    .remote-id input {
      height: 44px;
      width: 14em;
      max-width: 100%;
      padding: 0 12px;
      border-radius: 22px;
      border: 1px solid var(--_muted-text);
      background: transparent;
      color: inherit;
      font: inherit;
    }
    .devices {
      display: flex;
      flex-wrap: wrap;
      gap: 10px;
      padding: 8px 12px 0;
    }
    .devices-hint {
      margin: 0;
      font-size: 13px;
      color: var(--_muted-text);
    }
    .devices label {
      display: flex;
      flex-direction: column;
      gap: 4px;
      font-size: 12px;
      color: var(--_muted-text);
    }
    .devices select {
      max-width: 220px;
      font: inherit;
      color: var(--_surface-text);
      background: var(--_surface);
      border: 1px solid var(--_muted-text);
      border-radius: 8px;
      padding: 4px;
    }
  `,
];
