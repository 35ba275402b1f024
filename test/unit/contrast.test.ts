import { describe, expect, it } from 'vitest';
import { tokens } from '../../src/styles/tokens.js';
import { styles as callStyles } from '../../src/elements/rtc-call/rtc-call.styles.js';

/** The `--_name: var(--rtc-…, #rrggbb)` defaults of a stylesheet. */
function defaults(cssText: string): Record<string, string> {
  return Object.fromEntries([...cssText.matchAll(/--_([\w-]+):\s*var\(--rtc-[\w-]+,\s*(#[0-9a-f]{6})\)/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('default colours', () => {
  const light = defaults(tokens.cssText);
  const call = { ...light, ...defaults(callStyles.map((s) => ('cssText' in s ? s.cssText : '')).join('\n')) };

  it.each([
    // [foreground, background, minimum, where]
    ['text', 'background', 4.5, 'chat and console text'],
    ['secondary-text', 'background', 4.5, 'times, names, notes'],
    ['secondary-text', 'subtle', 4.5, 'secondary text on notes and remote bubbles'],
    ['secondary-text', 'selected', 4.5, 'secondary text of the open conversation'],
    ['text', 'subtle', 4.5, 'remote bubbles'],
    ['accent-text', 'accent', 4.5, 'own bubbles, accent buttons, panel header'],
    ['accent', 'background', 4.5, 'outlined buttons and links'],
    ['accent-text', 'success', 4.5, 'Answer'],
    ['accent-text', 'danger', 4.5, 'Decline, Hang up'],
    ['warning-text', 'warning', 4.5, 'the agent-offline note'],
    ['error-text', 'error', 4.5, 'error notes'],
    ['focus', 'background', 3, 'focus ring on light surfaces'],
  ] as const)('%s on %s ≥ %s:1 (%s)', (fg, bg, min, _where) => {
    expect(light[fg], fg).toBeDefined();
    expect(light[bg], bg).toBeDefined();
    expect(contrast(light[fg]!, light[bg]!)).toBeGreaterThanOrEqual(min);
  });

  it('on the call\'s dark surface: text, secondary text and the focus ring', () => {
    expect(contrast(call['surface-text']!, call.surface!)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(call['muted-text']!, call.surface!)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(call.focus!, call.surface!)).toBeGreaterThanOrEqual(3);
  });
});
