import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { RtcSession } from '../src/session/rtc-session.js';
import { PREVIEW_SERVER, cssProps, described, fixture, holdChat, linkPeer, loaded, previewCall, previewChat, stage, type Fixture, type ScriptLine } from './fixtures.js';

interface InboxArgs {
  selected: string;
  name: string;
  server?: string;
  'peer-id'?: string;
  'ice-servers'?: string;
}

interface InboxData {
  peerId: string;
  session: RtcSession;
}

interface Visitor {
  id: string;
  name: string;
  online: boolean;
  page?: { url: string; title: string };
  unread?: number;
  script: ScriptLine[];
}

const VISITORS: Visitor[] = [
  {
    id: 'v-3f9a21c07b4e',
    name: 'Ada',
    online: true,
    page: { url: 'https://shop.example.com/tents/ridgeline-2', title: 'Ridgeline 2 — Acme Outdoor' },
    unread: 2,
    script: [
      { from: 'remote', text: 'Hi! Is the Ridgeline 2 waterproof enough for Scotland?', ago: 4 },
      { from: 'remote', text: 'Also, does it come with a footprint?', ago: 2 },
    ],
  },
  {
    id: 'v-81d0e4a9c2f3',
    name: 'Grace',
    online: true,
    page: { url: 'https://shop.example.com/stoves', title: 'Stoves — Acme Outdoor' },
    script: [
      { from: 'remote', text: 'Which canister fits the Flame 300?', ago: 15 },
      { from: 'local', text: 'Any standard screw-on (EN 417) canister.', ago: 14 },
      { from: 'remote', text: 'Perfect, thanks!', ago: 13 },
      { from: 'local', text: 'You are welcome, enjoy the trip!', ago: 12 },
    ],
  },
  {
    id: 'v-c47b2e90aa18',
    name: 'Linus',
    online: false,
    page: { url: 'https://shop.example.com/checkout', title: 'Checkout — Acme Outdoor' },
    script: [
      { from: 'remote', text: 'My order #48213 has not shipped yet.', ago: 95 },
      { from: 'local', text: 'Sorry about that, it leaves the warehouse today.', ago: 90 },
    ],
  },
  {
    id: 'v-0be6f5d3318c',
    name: 'Margaret',
    online: true,
    script: [{ from: 'remote', text: 'Do you ship to Norway?', ago: 7 }],
  },
];

/**
 * The agent's session with several visitors' chats. The inbox holds a visitor's chat once it
 * hears from them; these conversations were "heard" before the element existed, so the fixture
 * holds them itself (otherwise they would idle out after 30 s, as unused conversations do).
 */
function inboxFixture(options: { callWith?: string } = {}) {
  return fixture<InboxData, InboxArgs>((fx: Fixture) => {
    const peerId = fx.peerId('preview-agent');
    const session = fx.session(peerId, { name: 'Sam' });
    session.chatPersistence = 'local';
    for (const visitor of VISITORS) {
      const chat = previewChat(session, visitor.id, visitor.name, visitor.script);
      chat.unread = visitor.unread ?? 0;
      chat.autoDial = false;
      holdChat(fx, chat);
      // Online visitors: an open channel and their hello (name, page). Offline ones keep the name
      // previewChat() set on their conversation.
      if (visitor.online) linkPeer(fx, session, visitor.id, { name: visitor.name, page: visitor.page });
    }
    if (options.callWith) {
      const visitor = VISITORS.find((v) => v.id === options.callWith)!;
      previewCall(fx, session, { remoteId: visitor.id, remoteName: visitor.name, phase: 'connected', connectedForMs: 145_000 });
    }
    return { peerId, session };
  });
}

const meta = {
  title: 'Elements/rtc-inbox',
  component: 'rtc-inbox',
  tags: ['autodocs'],
  parameters: {
    actions: { handles: ['rtc-conversation', 'rtc-ready', 'rtc-error'] },
    docs: {
      description: {
        component: `The agent console that answers \`<rtc-support>\`. The stories bind it to a real agent
\`RtcSession\` that never connects, with several visitors' chats filled in advance; visitors shown
online have a scripted peer on the other end (\`stories/fixtures.ts\`), which acknowledges what the
agent writes.`,
      },
    },
  },
  argTypes: {
    selected: { control: 'select', options: ['', ...VISITORS.map((v) => v.id)] },
    name: { control: 'text' },
    server: { control: false },
    'peer-id': { control: false },
    'ice-servers': { control: false },
  },
  args: {
    selected: VISITORS[0]!.id,
    name: 'Sam',
  },
  render: (args, context) => {
    const { fx, data } = loaded<InboxData>(context);
    return stage(
      fx,
      html`<rtc-inbox
        style="height: 640px; max-width: 1000px; ${cssProps(args)}"
        server=${PREVIEW_SERVER}
        peer-id=${data.peerId}
        name=${args.name || nothing}
        selected=${args.selected || nothing}
      ></rtc-inbox>`,
    );
  },
} satisfies Meta<InboxArgs>;

export default meta;
type Story = StoryObj<InboxArgs>;

export const Conversations: Story = described(
  'Several visitors, newest activity first: online dot, the page they are on, unread counts and how long they have waited. The first one is open.',
  { loaders: [inboxFixture()] },
);

export const NoneSelected: Story = described('Before the agent picks a conversation.', {
  loaders: [inboxFixture()],
  args: { selected: '' },
});

export const InCall: Story = described('In a video call with the open conversation’s visitor: the call above the chat, offer buttons disabled.', {
  loaders: [inboxFixture({ callWith: VISITORS[0]!.id })],
});

export const Empty: Story = described('No visitor yet.', {
  loaders: [
    fixture<InboxData, InboxArgs>((fx) => {
      const peerId = fx.peerId('preview-agent');
      return { peerId, session: fx.session(peerId, { name: 'Sam' }) };
    }),
  ],
  args: { selected: '' },
});
