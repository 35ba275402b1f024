/**
 * Narrow or short screens (a phone, a phone turned sideways, a laptop zoomed in): there the panel
 * covers the whole viewport and is modal. One string for the stylesheet and the panel's script.
 */
export const FULL_SCREEN_QUERY = '(max-width: 479px), (max-height: 519px)';
