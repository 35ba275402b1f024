import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { RtcSession } from '../src/session/rtc-session.js';
import { PREVIEW_SERVER, SHORT_CONVERSATION, described, fixture, linkPeer, loaded, previewCall, previewChat, stage } from './fixtures.js';

interface ThemingData {
  peerId: string;
  session: RtcSession;
}

/** One session for a call and a chat side by side (they share it, as on a real page). */
const callAndChat = fixture<ThemingData>((fx) => {
  const peerId = fx.peerId('preview-brand');
  const session = fx.session(peerId, { name: 'Sam' });
  previewChat(session, 'ada', 'Ada', SHORT_CONVERSATION);
  linkPeer(fx, session, 'ada', { name: 'Ada' });
  previewCall(fx, session, { remoteId: 'ada', remoteName: 'Ada', phase: 'connected' });
  return { peerId, session };
});

const BRAND_CSS = `/* Custom properties: colours, corners, font for every rtc-* element inside .brand */
.brand {
  --rtc-accent: #7c3aed;
  --rtc-accent-text: #ffffff;
  --rtc-radius: 0;
  --rtc-font-family: Georgia, 'Times New Roman', serif;
  --rtc-surface: #1e1033;
  --rtc-control-background: rgba(196, 181, 253, 0.16);
  --rtc-focus-ring: #c4b5fd;
  --rtc-bubble-remote: #ede9fe;
}
/* Parts: anything the properties do not reach */
.brand rtc-call::part(hangup-button) {
  border-radius: 0;
  width: auto;
  padding: 0 20px;
  background: #be123c;
  box-shadow: inset 0 -3px 0 rgba(0, 0, 0, 0.3);
}
.brand rtc-call::part(status) {
  text-transform: uppercase;
  letter-spacing: 0.08em;
  font-size: 12px;
}
.brand rtc-call::part(local-tile) {
  border: 2px solid #a78bfa;
}
.brand rtc-chat::part(bubble) {
  box-shadow: 2px 2px 0 rgba(124, 58, 237, 0.25);
}`;

const meta = {
  title: 'Guides/Theming',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component: `Every colour, radius and font comes from a \`--rtc-*\` custom property, and every piece has a
\`part\`, so a site restyles the elements from its own stylesheet without touching their shadow DOM.
The full lists are on each element's page (“css custom properties” and “css shadow parts”), generated
from \`custom-elements.json\`. The toolbar's theme switch (light / dark) sets the same properties on a
wrapper.`,
      },
    },
  },
  render: (_args, context) => {
    const { fx, data } = loaded<ThemingData>(context);
    return stage(
      fx,
      html`<div style="display: flex; flex-wrap: wrap; gap: 16px; align-items: stretch">
        <rtc-call style="flex: 2 1 420px; height: 400px" server=${PREVIEW_SERVER} peer-id=${data.peerId} remote-id="ada"></rtc-call>
        <rtc-chat style="flex: 1 1 300px; height: 400px; border: 1px solid rgba(128, 128, 128, 0.35)" server=${PREVIEW_SERVER} peer-id=${data.peerId} remote-id="ada"></rtc-chat>
      </div>`,
    );
  },
} satisfies Meta;

export default meta;
type Story = StoryObj;

export const Default: Story = described('The defaults, for comparison (or the dark palette, with the toolbar).', {
  loaders: [callAndChat],
});

export const Branded: Story = described('A brand: purple accent, square corners, a serif font, and a restyled hang-up button through `::part(hangup-button)`.', {
  loaders: [callAndChat],
  decorators: [(story) => html`<style>${BRAND_CSS}</style><div class="brand">${story()}</div>`],
  parameters: { docs: { source: { code: BRAND_CSS, language: 'css' } } },
});

export const Dark: Story = described(
  'The dark palette of the toolbar switch, fixed on: `--rtc-chat-background`, `--rtc-chat-text`, `--rtc-bubble-remote` and `--rtc-muted-text` for the chat (the call surface is dark already).',
  {
    loaders: [callAndChat],
    globals: { theme: 'dark' },
  },
);
