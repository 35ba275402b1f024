import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { RtcChat } from '../src/elements/rtc-chat/rtc-chat.js';
import type { Chat } from '../src/session/chat.js';
import type { RtcSession, SessionStatus } from '../src/session/rtc-session.js';
import {
  PREVIEW_SERVER,
  SHORT_CONVERSATION,
  cssProps,
  described,
  fixture,
  incomingFile,
  linkPeer,
  loaded,
  longConversation,
  previewChat,
  sampleBytes,
  samplePng,
  stage,
  type Fixture,
  type ScriptLine,
} from './fixtures.js';

interface ChatArgs {
  'remote-id': string;
  name: string;
  'max-file-size': number;
  persist: 'session' | 'local' | 'none';
  server?: string;
  'peer-id'?: string;
  'ice-servers'?: string;
}

interface ChatData {
  peerId: string;
  session: RtcSession;
  chat: Chat;
}

interface ChatFixtureOptions {
  status?: SessionStatus;
  script?: ScriptLine[];
  /** Ada reachable: an open channel that acknowledges what is sent (✓✓ in a moment). */
  online?: boolean;
  setup?: (fx: Fixture, chat: Chat) => void | Promise<void>;
}

function chatFixture(options: ChatFixtureOptions = {}) {
  return fixture<ChatData, ChatArgs>(async (fx) => {
    const peerId = fx.peerId('preview-sam');
    const session = fx.session(peerId, { name: 'Sam', status: options.status });
    const chat = previewChat(session, 'ada', 'Ada', options.script ?? []);
    if (options.online ?? true) linkPeer(fx, session, 'ada', { name: 'Ada' });
    await options.setup?.(fx, chat);
    return { peerId, session, chat };
  });
}

const EVENTS = ['rtc-message', 'rtc-file', 'rtc-typing', 'rtc-unread', 'rtc-ready', 'rtc-error'];

const meta = {
  title: 'Elements/rtc-chat',
  component: 'rtc-chat',
  tags: ['autodocs'],
  parameters: {
    actions: { handles: EVENTS },
    docs: {
      description: {
        component: `Text chat and file transfer with one remote peer. The stories bind to a real
\`RtcSession\` that never connects (\`stories/fixtures.ts\`); the transcript is filled through the
\`ChatLog\` API before the element renders, and files arrive through the real \`FileTransfers\` code
(offer, bytes, SHA-256 check) from a scripted peer. Where Ada is “online”, what you type in the
composer is acknowledged (✓✓) by that scripted peer.`,
      },
    },
  },
  argTypes: {
    'remote-id': { control: 'text' },
    name: { control: 'text' },
    'max-file-size': { control: { type: 'number', min: 1 } },
    persist: { control: 'inline-radio', options: ['session', 'local', 'none'] },
    server: { control: false },
    'peer-id': { control: false },
    'ice-servers': { control: false },
  },
  args: {
    'remote-id': 'ada',
    name: 'Sam',
    'max-file-size': 104857600,
    persist: 'session',
  },
  render: (args, context) => {
    const { fx, data } = loaded<ChatData>(context);
    return stage(
      fx,
      html`<rtc-chat
        style="display: block; height: 480px; max-width: 440px; border: 1px solid rgba(128, 128, 128, 0.35); border-radius: 12px; ${cssProps(args)}"
        server=${PREVIEW_SERVER}
        peer-id=${data.peerId}
        remote-id=${args['remote-id'] || nothing}
        name=${args.name || nothing}
        max-file-size=${args['max-file-size']}
        persist=${args.persist}
      ></rtc-chat>`,
    );
  },
} satisfies Meta<ChatArgs>;

export default meta;
type Story = StoryObj<ChatArgs>;


export const Empty: Story = described('A new conversation: a note until the first message.', {
  loaders: [chatFixture()],
});

export const NoRemoteId: Story = described('Without `remote-id` there is no one to write to: the composer is disabled.', {
  loaders: [chatFixture({ online: false })],
  args: { 'remote-id': '' },
});

export const LongConversation: Story = described(
  'A long conversation: names, times, ✓✓ on delivered messages, links (only http(s) URLs become links), long words and line breaks. Scroll up to get the “new ↓” pill when a message arrives.',
  { loaders: [chatFixture({ script: longConversation() })] },
);

export const Typing: Story = described('The other side is typing.', {
  loaders: [
    chatFixture({
      script: SHORT_CONVERSATION,
      setup: (_fx, chat) => {
        chat.remoteTyping = true;
      },
    }),
  ],
});

export const FileInProgress: Story = described('A file arriving: progress bar, speed and a cancel button. (The bytes creep on to 80 % and stop there.)', {
  loaders: [
    chatFixture({
      script: SHORT_CONVERSATION,
      setup: (fx, chat) =>
        incomingFile(fx, chat, 'ada', { id: 'f-manual', name: 'Ridgeline-2-manual.pdf', mime: 'application/pdf', bytes: sampleBytes(2_400_000) }, { fraction: 0.35, trickleTo: 0.8 }),
    }),
  ],
});

export const ReceivedImage: Story = described('Received files, verified by SHA-256: an image shown inline, and another file as a download link.', {
  loaders: [
    chatFixture({
      script: SHORT_CONVERSATION,
      setup: async (fx, chat) => {
        incomingFile(fx, chat, 'ada', { id: 'f-photo', name: 'campsite.png', mime: 'image/png', bytes: await samplePng('Campsite, 2,300 m') });
        incomingFile(fx, chat, 'ada', { id: 'f-list', name: 'packing-list.txt', mime: 'text/plain', bytes: new TextEncoder().encode('tent\nstove\nsleeping bag\n') });
      },
    }),
  ],
});

const OUTBOX: ScriptLine[] = [
  ...SHORT_CONVERSATION,
  { from: 'local', text: 'About 1.8 kg with the footprint.', ago: 2, status: 'queued' },
  { from: 'local', text: 'I can also send you the spec sheet.', ago: 1, status: 'queued' },
];

export const OfflineOutbox: Story = described('The server is unreachable: new messages wait in the outbox (🕓) and go out, in order, once it is back.', {
  loaders: [chatFixture({ status: 'offline', online: false, script: OUTBOX })],
});

export const RemoteAway: Story = described('The server is fine but Ada is not reachable: the outbox waits for her, and the element keeps trying with backoff.', {
  loaders: [chatFixture({ online: false, script: OUTBOX })],
});

export const ErrorTooLong: Story = described('A message over 4,000 characters is refused with a notice (`message-too-long`).', {
  loaders: [chatFixture({ script: SHORT_CONVERSATION })],
  parameters: { docs: { story: { autoplay: true } } },
  play: async ({ canvasElement }) => {
    const el = canvasElement.querySelector<RtcChat>('rtc-chat')!;
    await el.updateComplete;
    el.send('x'.repeat(4_001));
  },
});
