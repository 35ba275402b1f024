/**
 * Script-tag entry (dist/cdn/rtc-elements.js). The broker defaults to the origin that served
 * this script, so `<script src="https://support.example.com/cdn/rtc-elements.js">` needs no
 * `server` attribute anywhere on the page.
 */
import { setDefaultServer } from './session/config.js';

setDefaultServer(new URL(/* @vite-ignore */ '../peerjs', import.meta.url).href);

export * from './index.js';
