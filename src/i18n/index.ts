/** `rtc-elements/i18n`: add or adjust a language without importing the elements here. */
export { registerTranslation } from './localize.js';
export type { Strings } from './en.js';
