import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { RtcCall } from '../src/elements/rtc-call/rtc-call.js';
import type { Call } from '../src/session/call.js';
import type { RtcSession, SessionStatus } from '../src/session/rtc-session.js';
import { PREVIEW_SERVER, cssProps, described, fixture, loaded, previewCall, stage, type CallFixture } from './fixtures.js';

interface CallArgs {
  'remote-id': string;
  name: string;
  'audio-only': boolean;
  'auto-answer': boolean;
  'ice-servers': string;
  /** Fixed by the fixture; listed so the manifest's rows can be configured. */
  server?: string;
  'peer-id'?: string;
  state?: string;
}

interface CallData {
  peerId: string;
  session: RtcSession;
  call: Call | null;
}

/** A session (and optionally a call in a given phase) for one story. */
function callFixture(options: { status?: SessionStatus; call?: CallFixture } = {}) {
  return fixture<CallData, CallArgs>((fx) => {
    const peerId = fx.peerId('preview-sam');
    const session = fx.session(peerId, { name: 'Sam', status: options.status });
    const call = options.call ? previewCall(fx, session, options.call) : null;
    return { peerId, session, call };
  });
}

const ADA = { remoteId: 'ada', remoteName: 'Ada' } as const;

const EVENTS = ['rtc-ready', 'rtc-incoming', 'rtc-connected', 'rtc-ended', 'rtc-state', 'rtc-error'];

async function element(canvasElement: HTMLElement): Promise<RtcCall> {
  const el = canvasElement.querySelector('rtc-call')!;
  await el.updateComplete;
  return el;
}

const meta = {
  title: 'Elements/rtc-call',
  component: 'rtc-call',
  tags: ['autodocs'],
  parameters: {
    actions: { handles: EVENTS },
    docs: {
      description: {
        component: `A call with one other peer. Every story here is offline: the element binds to a real
\`RtcSession\` that was never started and was registered with \`provideSession()\` (see
\`stories/fixtures.ts\`), so \`server\` and \`peer-id\` are fixed by the story and not editable.
Video is a canvas drawn every frame and captured with \`captureStream(15)\`.

**Errors** are shown in the \`error\` part (a dismissable banner, \`role="alert"\`) and reported as
\`rtc-error\`. The stories below render the ones an offline preview can produce for real
(\`bad-attribute\`, \`no-remote-id\`, \`broker-unreachable\`, \`bad-message\`). The others use the same
banner with the text in parentheses: \`permission-denied\` (localized “Permission to use the camera or
microphone was denied…”), \`no-device\`, \`device-busy\`, \`id-taken\` (localized), and
\`media-error\`, \`screen-share-failed\`, \`peer-unavailable\`, \`invalid-id\`, \`connection-failed\`,
\`not-supported\` (the error's own message). How a call **ended** is shown in the status line instead
(see “Ended”).`,
      },
    },
  },
  argTypes: {
    'remote-id': { control: 'text' },
    name: { control: 'text' },
    'audio-only': { control: 'boolean' },
    'auto-answer': { control: 'boolean' },
    'ice-servers': { control: 'text' },
    // Fixed by the fixture: another value would make the element start a real session.
    server: { control: false },
    'peer-id': { control: false },
    state: { control: false },
  },
  args: {
    'remote-id': 'ada',
    name: 'Sam',
    'audio-only': false,
    'auto-answer': false,
    'ice-servers': '',
  },
  render: (args, context) => {
    const { fx, data } = loaded<CallData>(context);
    return stage(
      fx,
      html`<rtc-call
        style="display: block; height: 440px; max-width: 760px; ${cssProps(args)}"
        server=${PREVIEW_SERVER}
        peer-id=${data.peerId}
        remote-id=${args['remote-id'] || nothing}
        name=${args.name || nothing}
        ice-servers=${args['ice-servers'] || nothing}
        ?audio-only=${args['audio-only']}
        ?auto-answer=${args['auto-answer']}
      ></rtc-call>`,
    );
  },
} satisfies Meta<CallArgs>;

export default meta;
type Story = StoryObj<CallArgs>;


const autoplay = { docs: { story: { autoplay: true } } };

export const Idle: Story = described('Online and waiting, with no `remote-id`: a field to type the id to call, and this peer’s own id.', {
  loaders: [callFixture()],
  args: { 'remote-id': '' },
});

export const IdleWithRemoteId: Story = described('With `remote-id` set the field goes away: one press calls that peer.', {
  loaders: [callFixture()],
});

export const Connecting: Story = described('Before the broker answers (or while it is unreachable) the element is `offline` and shows no controls.', {
  loaders: [callFixture({ status: 'connecting' })],
});

export const Calling: Story = described('Ringing the other side: the local preview is already on (the caller’s devices start with the dial) and the call can be cancelled.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'calling', direction: 'outgoing' } })],
});

export const RingingVideo: Story = described('An incoming video call: answer with video, answer with voice only, or decline. No device is on yet.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'ringing', video: true } })],
});

export const RingingVoice: Story = described('An incoming voice call: one answer button.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'ringing', video: false } })],
});

export const Answering: Story = described('Answered, media not flowing yet (`connecting`).', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connecting' } })],
});

export const Connected: Story = described('In a video call: remote video, mirrored local preview, timer and connection quality (hover it for RTT and loss).', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connected' } })],
});

export const RemoteMuted: Story = described('The other side muted their microphone: an icon on their tile.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connected', remote: { mic: false } } })],
});

export const MicrophoneOff: Story = described('Our own microphone is off: the toggle is pressed and shows a crossed microphone.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connected', local: { mic: false } } })],
});

export const CameraOff: Story = described(
  'The other side turned their camera off: their initial instead of video, and an icon. (Our own camera off looks like the pressed microphone toggle, on the camera button; the preview cannot show it without a negotiated connection, see the fixtures.)',
  { loaders: [callFixture({ call: { ...ADA, phase: 'connected', remote: { camera: false }, remoteVideo: false } })] },
);

export const ScreenSharing: Story = described('We share our screen: it replaces the camera in the preview, which is no longer mirrored.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connected', localVideo: 'screen', local: { camera: true, screen: true } } })],
});

export const RemoteScreenSharing: Story = described('The other side shares their screen.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connected', remoteVideo: 'screen', remote: { camera: false, screen: true } } })],
});

export const AudioOnly: Story = described('A voice call with `audio-only`: no video area, no camera or screen controls.', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connected', video: false } })],
  args: { 'audio-only': true },
});

export const PoorConnection: Story = described('Connection quality from `getStats()`: one bar for poor (here 640 ms and 9 % loss).', {
  loaders: [callFixture({ call: { ...ADA, phase: 'connected', quality: { level: 'poor', rttMs: 640, lossPercent: 9 } } })],
});

export const ErrorBadAttribute: Story = described('An invalid `ice-servers` value: the element reports `bad-attribute` and does not connect.', {
  loaders: [callFixture()],
  args: { 'ice-servers': '[{"urls":"http://not-an-ice-server.example"}]' },
});

export const ErrorNoRemoteId: Story = described('`call()` with no id typed and no `remote-id`: `no-remote-id`.', {
  loaders: [callFixture()],
  args: { 'remote-id': '' },
  parameters: autoplay,
  play: async ({ canvasElement }) => {
    (await element(canvasElement)).call();
  },
});

export const ErrorServerUnreachable: Story = described('Calling while the broker cannot be reached: `broker-unreachable` (the session keeps retrying).', {
  loaders: [callFixture({ status: 'offline' })],
  parameters: autoplay,
  play: async ({ canvasElement }) => {
    (await element(canvasElement)).call('ada');
  },
});

export const ErrorBadMessage: Story = described('A peer sent something invalid: it is dropped, counted, and reported as `bad-message`.', {
  loaders: [callFixture()],
  parameters: autoplay,
  play: async ({ canvasElement, loaded: data }) => {
    await element(canvasElement);
    (data as { data: CallData }).data.session.countDropped('unknown message type');
  },
});

export const Ended: Story = described(
  `After a call the status line says how it ended; here the other side declined. The other reasons read
“Call ended” (hangup), “Ada hung up”, “Ada is in another call” (busy), “Missed call from Ada” (cancelled),
“No answer” (timeout), “Ada is not online” (unavailable), “The connection was lost” and “The call failed”.`,
  {
    loaders: [callFixture({ call: { ...ADA, phase: 'calling', direction: 'outgoing' } })],
    parameters: autoplay,
    play: async ({ canvasElement, loaded: data }) => {
      await element(canvasElement);
      (data as { data: CallData }).data.call!.end('declined');
    },
  },
);
