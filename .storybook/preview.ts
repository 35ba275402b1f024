import { setCustomElementsManifest, type Decorator, type Preview } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { ArgTypesEnhancer } from 'storybook/internal/types';
import { withActions } from 'storybook/actions/decorator';
import { keyed } from 'lit/directives/keyed.js';
import { styleMap } from 'lit/directives/style-map.js';
import manifest from '../custom-elements.json';
import { disposeFixture } from '../stories/fixtures.js';
// The elements, as the CDN script defines them: <rtc-support> loads its panel on first use.
import '../src/elements/rtc-call/rtc-call.js';
import '../src/elements/rtc-chat/rtc-chat.js';
import '../src/elements/rtc-inbox/rtc-inbox.js';
import '../src/elements/rtc-support/rtc-support.js';

interface ManifestDeclaration {
  members?: { name: string; privacy?: string; static?: boolean }[];
  attributes?: { name: string }[];
  cssParts?: { name: string }[];
}

/**
 * What the docs tables show, from the manifest:
 * - the public API only: the manifest lists every class member, private state and render helpers
 *   included; public non-static members stay (attributes, events, parts and CSS properties are
 *   public by definition);
 * - every attribute: Storybook keys its rows by name, so a part named like an attribute (the
 *   `greeting` of <rtc-support>) would replace the attribute's row; such a part is listed as
 *   `::part(greeting)`.
 */
function forDocs<T>(cem: T): T {
  const copy = structuredClone(cem) as { modules?: { declarations?: ManifestDeclaration[] }[] };
  for (const module of copy.modules ?? []) {
    for (const declaration of module.declarations ?? []) {
      if (declaration.members) declaration.members = declaration.members.filter((m) => !m.static && (m.privacy ?? 'public') === 'public');
      const taken = new Set([...(declaration.attributes ?? []), ...(declaration.members ?? [])].map((a) => a.name));
      for (const part of declaration.cssParts ?? []) if (taken.has(part.name)) part.name = `::part(${part.name})`;
    }
  }
  return copy as T;
}

// Attributes, properties, events, CSS parts and custom properties in Controls and on the docs
// pages come from the generated manifest (npm run analyze), never from hand-written tables.
setCustomElementsManifest(forDocs(manifest));

/**
 * Controls where they do something. Stories set attributes, and apply `--rtc-*` args as inline
 * custom properties (see `cssProps()` in stories/fixtures.ts), so those get a text control. A
 * property-only row (e.g. the read-only `localStream`), an event or a part is documented without
 * a control that would do nothing. Properties that mirror an attribute share its row.
 */
const controlsThatWork: ArgTypesEnhancer = ({ argTypes }) =>
  Object.fromEntries(
    Object.entries(argTypes).map(([name, argType]) => {
      const category = argType.table?.category;
      if (category === 'css custom properties') return [name, { ...argType, control: argType.control ?? { type: 'text' as const } }];
      if (category === 'properties' || category === 'css shadow parts' || category === 'events') return [name, { ...argType, control: false as const }];
      return [name, argType];
    }),
  );

/** Palettes for the toolbar's theme switch: only public custom properties, set on a wrapper. */
export const THEMES = {
  light: {
    background: '#ffffff',
    color: '#111827',
    properties: {},
  },
  dark: {
    background: '#0b1120',
    color: '#e5e7eb',
    properties: {
      // The shared light-surface tokens: chat, support panel and agent console follow them.
      '--rtc-background': '#111827',
      '--rtc-text': '#e5e7eb',
      '--rtc-subtle-background': '#1f2937',
      '--rtc-border': '#374151',
      '--rtc-selected-background': '#1e3a8a',
      '--rtc-warning-background': '#78350f',
      '--rtc-warning-text': '#fef3c7',
      '--rtc-error-background': '#7f1d1d',
      '--rtc-error-text': '#fee2e2',
      '--rtc-muted-text': '#9ca3af',
      '--rtc-accent': '#3b82f6',
      '--rtc-focus-ring': '#60a5fa',
      // The call surface is dark already; a touch deeper so it stands apart from the page.
      '--rtc-surface': '#030712',
    },
  },
} as const;

type ThemeName = keyof typeof THEMES;

const withTheme: Decorator = (story, context) => {
  const name = (context.globals.theme as ThemeName | undefined) ?? 'light';
  const theme = THEMES[name] ?? THEMES.light;
  const fill = context.parameters.layout === 'fullscreen';
  const style = {
    background: theme.background,
    color: theme.color,
    padding: fill ? '0' : '16px',
    minHeight: fill ? '100vh' : 'auto',
    boxSizing: 'border-box',
    fontFamily: 'system-ui, sans-serif',
    ...theme.properties,
  };
  return html`<div class="rtc-preview" data-theme=${name} style=${styleMap(style)}>${story()}</div>`;
};

/**
 * The toolbar's language: set on <html>, where the elements look when they have no `lang` of
 * their own, as on a host page. Keyed, so a switch builds the story anew in that language.
 */
const withLocale: Decorator = (story, context) => {
  const locale = (context.globals.locale as string | undefined) ?? 'en';
  document.documentElement.lang = locale;
  return html`${keyed(locale, story())}`;
};

const preview: Preview = {
  // withActions logs the events each story lists in `parameters.actions.handles` (rtc-* events
  // bubble and are composed, so they reach the story root).
  decorators: [withLocale, withTheme, withActions],
  argTypesEnhancers: [controlsThatWork],
  // Each story's fixture (sessions, fake cameras, storage keys) goes away with the story.
  beforeEach: (context) => () => disposeFixture(context.canvasElement as Element | undefined),
  globalTypes: {
    theme: {
      description: 'Light or dark palette (set through the elements’ custom properties)',
      toolbar: {
        title: 'Theme',
        icon: 'contrast',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Language of the elements’ built-in texts (registerTranslation() adds more)',
      toolbar: {
        title: 'Language',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English', right: 'en' },
          { value: 'de', title: 'Deutsch', right: 'de' },
          { value: 'fr', title: 'Français', right: 'fr' },
          { value: 'es', title: 'Español', right: 'es' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' },
  parameters: {
    layout: 'padded',
    controls: { expanded: true, sort: 'requiredFirst' },
    viewport: {
      options: {
        phone: { name: 'Phone (390 × 844)', styles: { width: '390px', height: '844px' }, type: 'mobile' },
        smallPhone: { name: 'Small phone (320 × 568)', styles: { width: '320px', height: '568px' }, type: 'mobile' },
        tablet: { name: 'Tablet (834 × 1112)', styles: { width: '834px', height: '1112px' }, type: 'tablet' },
      },
    },
    docs: { toc: true },
  },
};

export default preview;
