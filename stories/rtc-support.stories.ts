import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { Presence } from '../src/session/protocol.js';
import type { RtcSession } from '../src/session/rtc-session.js';
import {
  PREVIEW_SERVER,
  SHORT_CONVERSATION,
  cssProps,
  described,
  fixture,
  linkPeer,
  loaded,
  previewCall,
  previewChat,
  stage,
  supportKey,
  type ScriptLine,
} from './fixtures.js';

interface SupportArgs {
  agent: string;
  open: boolean;
  position: 'bottom-right' | 'bottom-left';
  label: string;
  heading: string;
  greeting: string;
  'ask-name': boolean;
  server?: string;
  'ice-servers'?: string;
}

interface SupportData {
  visitor: string;
  session: RtcSession;
}

interface SupportFixtureOptions {
  /** The agent's own status as its console announces it; absent: not reachable. */
  agent?: Presence;
  script?: ScriptLine[];
  /** Unread agent messages (the launcher badge). */
  unread?: number;
  /** The name the visitor gave (ask-name), if any. */
  visitorName?: string;
  inCall?: boolean;
}

const AGENT_NAME = 'Grace';

/**
 * The panel makes its own session (through the registry) for the visitor id it keeps in
 * localStorage, on the `server` of <rtc-support>. So the fixture writes that id first and provides
 * a session for exactly that pair; the panel then finds it instead of connecting.
 */
function supportFixture(options: SupportFixtureOptions = {}) {
  return fixture<SupportData, SupportArgs>((fx, args) => {
    const agent = args.agent;
    const visitor = fx.peerId(`v-preview-${agent}`);
    fx.localStorage({
      [supportKey(agent, 'visitor')]: visitor,
      [supportKey(agent, 'name')]: options.visitorName ?? null,
      [supportKey(agent, 'unread')]: options.unread ? String(options.unread) : null,
      // Whether the panel is open comes from the story's `open` arg, not from a previous visit.
      [supportKey(agent, 'open')]: null,
    });
    const session = fx.session(visitor, { name: options.visitorName });
    const chat = previewChat(session, agent, AGENT_NAME, options.script ?? []);
    chat.unread = options.unread ?? 0;
    if (options.agent) linkPeer(fx, session, agent, { name: AGENT_NAME, status: options.agent });
    if (options.inCall) previewCall(fx, session, { remoteId: agent, remoteName: AGENT_NAME, phase: 'connected', connectedForMs: 200_000 });
    return { visitor, session };
  });
}

/** A host page behind the launcher, so the widget is seen where it lives. */
const hostPage = html`<div style="max-width: 640px; margin: 0 auto; padding: 24px; font: 16px/1.6 Georgia, serif; color: #1f2937">
  <h1 style="margin-top: 0">Acme Outdoor</h1>
  <p>Tents, stoves and good advice. Not sure which tent fits your trip? Press the button in the corner to chat with us or start a call.</p>
  <p style="color: #6b7280">(The host page of this preview. The widget is fixed to the corner of the viewport.)</p>
</div>`;

const UNREAD_REPLIES: ScriptLine[] = [
  { from: 'local', text: 'Hi, is the Ridgeline 2 still in stock?', ago: 12 },
  { from: 'remote', text: 'Hi! Yes, two left in green.', ago: 9 },
  { from: 'remote', text: 'Orange is in stock too, if you are flexible.', ago: 8 },
  { from: 'remote', text: 'Shall I reserve one for you?', ago: 7 },
];

const meta = {
  title: 'Elements/rtc-support',
  component: 'rtc-support',
  tags: ['autodocs'],
  parameters: {
    layout: 'fullscreen',
    actions: { handles: ['rtc-open', 'rtc-close', 'rtc-message', 'rtc-unread', 'rtc-error'] },
    // The launcher is position: fixed, so each story gets its own frame on the docs page.
    docs: {
      story: { inline: false, iframeHeight: 760 },
      description: {
        component: `The floating support button a site adds with two lines of HTML; its panel (chat and call with
the agent) loads on first interaction, as from the CDN script. The stories give the panel a real
session that never connects: the visitor id is written to \`localStorage\`
(\`rtc-support:<agent>:visitor\`) and a session for that id is registered with \`provideSession()\`.
Where the agent is “online”, a scripted peer stands in for their console (\`stories/fixtures.ts\`).

The panel covers the whole viewport below 480 px wide or 520 px tall (a media query on the viewport, not
the element), and is then a modal dialog that Tab goes round in: see “Mobile”, or pick the phone viewport in
the toolbar. Without \`label\`, the launcher is named “Chat with us” in the page's language.`,
      },
    },
  },
  argTypes: {
    agent: { control: 'text' },
    open: { control: 'boolean' },
    position: { control: 'inline-radio', options: ['bottom-right', 'bottom-left'] },
    label: { control: 'text' },
    heading: { control: 'text' },
    greeting: { control: 'text' },
    'ask-name': { control: 'boolean' },
    server: { control: false },
    'ice-servers': { control: false },
  },
  args: {
    agent: 'acme-help',
    open: false,
    position: 'bottom-right',
    label: '',
    heading: 'Acme support',
    greeting: 'Hi! Ask us anything about our tents.',
    'ask-name': false,
  },
  render: (args, context) => {
    const { fx } = loaded<SupportData>(context);
    return stage(
      fx,
      html`${hostPage}
        <rtc-support
          style=${cssProps(args)}
          agent=${args.agent}
          server=${PREVIEW_SERVER}
          ?open=${args.open}
          position=${args.position}
          label=${args.label || nothing}
          heading=${args.heading || nothing}
          greeting=${args.greeting ?? nothing}
          ?ask-name=${args['ask-name']}
        ></rtc-support>`,
    );
  },
} satisfies Meta<SupportArgs>;

export default meta;
type Story = StoryObj<SupportArgs>;

export const ClosedWithBadge: Story = described('Closed, with three unread replies from the agent on the badge (kept in localStorage for every tab of the site).', {
  loaders: [supportFixture({ agent: 'online', script: UNREAD_REPLIES, unread: 3 })],
  args: { agent: 'acme-help-badge' },
});

export const Open: Story = described('Open, the agent online: their name and status in the header, call buttons, the greeting and the chat.', {
  loaders: [supportFixture({ agent: 'online', script: SHORT_CONVERSATION })],
  args: { agent: 'acme-help-open', open: true },
});

export const AgentAway: Story = described('The agent set themselves away in their console: still reachable, shown in amber.', {
  loaders: [supportFixture({ agent: 'away', script: SHORT_CONVERSATION })],
  args: { agent: 'acme-help-away', open: true },
});

export const AgentOffline: Story = described('No agent reachable: call buttons disabled and a note that messages will be answered later (they wait in the outbox).', {
  loaders: [supportFixture({ script: [{ from: 'local', text: 'Hello, anyone there?', ago: 1, status: 'queued' }] })],
  args: { agent: 'acme-help-offline', open: true },
});

export const AskName: Story = described('With `ask-name`, the visitor gives a name before the first message.', {
  loaders: [supportFixture({ agent: 'online' })],
  args: { agent: 'acme-help-name', open: true, 'ask-name': true },
});

export const InCall: Story = described('In a video call with the agent: the call sits above the chat and the call buttons give way to its controls.', {
  loaders: [supportFixture({ agent: 'online', script: SHORT_CONVERSATION, inCall: true, visitorName: 'Sam' })],
  args: { agent: 'acme-help-call', open: true },
});

// A plain object (not described(...)): Storybook reads story tags statically, and the smoke test
// opens stories tagged "mobile" in a 390 px viewport.
export const Mobile: Story = {
  loaders: [supportFixture({ agent: 'online', script: SHORT_CONVERSATION })],
  args: { agent: 'acme-help-mobile', open: true },
  tags: ['mobile'],
  globals: { viewport: { value: 'phone', isRotated: false } },
  parameters: {
    docs: {
      description: {
        story:
          'On a phone (390 px viewport) the open panel takes the whole screen and its own close button replaces the launcher. The canvas uses the phone viewport from the toolbar; on this docs page the frame keeps the page width, so open the story to see it.',
      },
    },
  },
};

export const BottomLeft: Story = described('`position="bottom-left"` for sites whose right corner is taken.', {
  loaders: [supportFixture({ agent: 'online' })],
  args: { agent: 'acme-help-left', position: 'bottom-left' },
});
