/** Everything, for the script-tag bundle's lazy part (dist/cdn/rtc-elements-full.js). */
export * from './index.js';
