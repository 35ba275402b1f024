import { css } from 'lit';
import { tokens } from '../../styles/tokens.js';

export const styles = [
  tokens,
  css`
    :host {
      --_chat-bg: var(--rtc-chat-background, var(--_background));
      --_chat-text: var(--rtc-chat-text, var(--_text));
      --_bubble-remote: var(--rtc-bubble-remote, var(--_subtle));
      --_chat-muted: var(--_secondary-text);
      display: block;
      position: relative;
      height: 100%;
      min-height: 240px;
      color: var(--_chat-text);
      contain: content;
    }
    .chat {
      position: relative;
      display: flex;
      flex-direction: column;
      height: 100%;
      min-height: inherit;
      background: var(--_chat-bg);
      border-radius: var(--_radius);
      overflow: hidden;
    }
    .log {
      flex: 1;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: 12px;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .log:focus-visible {
      outline: 3px solid var(--_focus);
      outline-offset: -3px;
    }
    .empty {
      margin: auto;
      color: var(--_chat-muted);
      text-align: center;
    }
    .row {
      display: flex;
      flex-direction: column;
      max-width: 80%;
      align-self: flex-start;
    }
    .row.local {
      align-self: flex-end;
      align-items: flex-end;
    }
    .sender {
      font-size: 12px;
      color: var(--_chat-muted);
      margin: 0 4px 2px;
    }
    /* Seen, your own messages need no name (they sit on the right); heard, they do: "You". */
    .row.local .sender {
      position: absolute;
      width: 1px;
      height: 1px;
      margin: 0;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .bubble {
      padding: 8px 12px;
      border-radius: var(--_radius);
      background: var(--_bubble-remote);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .row.local .bubble {
      background: var(--_accent);
      color: var(--_accent-text);
    }
    .row.local .bubble a {
      color: inherit;
    }
    .meta {
      font-size: 11px;
      color: var(--_chat-muted);
      margin: 2px 4px 0;
      display: inline-flex;
      gap: 4px;
    }
    .status.delivered {
      color: var(--_accent);
    }
    .file-bubble {
      display: flex;
      flex-direction: column;
      gap: 6px;
      min-width: 220px;
    }
    .file-bubble img {
      display: block;
      max-width: 100%;
      max-height: 240px;
      border-radius: calc(var(--_radius) * 0.66);
    }
    .file-line {
      display: flex;
      gap: 8px;
      justify-content: space-between;
      font-weight: 600;
    }
    .file-name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .file-size,
    .file-status {
      font-size: 12px;
      font-weight: normal;
    }
    /* Softer on the grey remote bubble only: on your own (accent) bubble, faded white text at 12 px
       fell below 4.5:1. */
    .row.remote .file-size,
    .row.remote .file-status {
      color: var(--_chat-muted);
    }
    .file-status {
      display: flex;
      justify-content: space-between;
      gap: 8px;
    }
    progress {
      width: 100%;
      height: 6px;
      accent-color: var(--_success);
    }
    .pill {
      position: absolute;
      left: 50%;
      bottom: 76px;
      transform: translateX(-50%);
      border: 0;
      border-radius: 999px;
      padding: 6px 14px;
      background: var(--_accent);
      color: var(--_accent-text);
      font: inherit;
      cursor: pointer;
      box-shadow: 0 2px 8px rgba(0, 0, 0, 0.2);
    }
    .typing {
      min-height: 18px;
      padding: 0 14px;
      font-size: 12px;
      color: var(--_chat-muted);
    }
    .notice {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      margin: 0 12px 6px;
      padding: 6px 10px;
      border-radius: 8px;
      background: var(--_error);
      color: var(--_error-text);
      font-size: 13px;
    }
    .notice.info {
      background: var(--_selected);
      color: inherit;
    }
    .notice span {
      flex: 1;
    }
    .composer {
      display: flex;
      align-items: flex-end;
      gap: 6px;
      padding: 8px;
      border-top: 1px solid var(--rtc-border, rgba(0, 0, 0, 0.08));
    }
    .field {
      flex: 1;
      display: flex;
    }
    textarea {
      flex: 1;
      resize: none;
      min-height: 40px;
      max-height: 140px;
      field-sizing: content;
      padding: 9px 12px;
      border: 1px solid var(--rtc-border, rgba(0, 0, 0, 0.2));
      border-radius: calc(var(--_radius) * 0.8);
      font: inherit;
      color: inherit;
      background: transparent;
    }
    textarea[aria-invalid='true'] {
      border-color: var(--_danger);
    }
    .counter {
      align-self: center;
      font-size: 12px;
      color: var(--_chat-muted);
      font-variant-numeric: tabular-nums;
    }
    .counter.over {
      color: var(--_danger);
      font-weight: 600;
    }
    .icon-button {
      display: inline-grid;
      place-items: center;
      width: 40px;
      height: 40px;
      border: 0;
      border-radius: 50%;
      background: transparent;
      color: inherit;
      cursor: pointer;
    }
    .icon-button.send {
      background: var(--_accent);
      color: var(--_accent-text);
    }
    .icon-button:disabled {
      opacity: 0.4;
      cursor: not-allowed;
    }
    .link-button {
      border: 0;
      background: transparent;
      color: inherit;
      font: inherit;
      text-decoration: underline;
      cursor: pointer;
      padding: 0;
    }
    button:focus-visible,
    textarea:focus-visible,
    a:focus-visible {
      outline: 3px solid var(--_focus);
      outline-offset: 2px;
    }
    .drop-zone {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      background: rgba(37, 99, 235, 0.12);
      border: 3px dashed var(--_accent);
      border-radius: var(--_radius);
      font-weight: 600;
      pointer-events: none;
    }
  `,
];
