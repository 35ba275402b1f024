import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { brokerUrl } from 'virtual:rtc-broker';
import { described } from './fixtures.js';

interface LiveArgs {
  'audio-only': boolean;
}

let run = 0;

/** Two peers on one page, each with its own session on the dev server's real broker. */
function twoPeers(audioOnly: boolean) {
  if (!brokerUrl) {
    return html`<div class="rtc-live-unavailable" style="max-width: 560px; padding: 16px; border: 1px dashed #9ca3af; border-radius: 8px">
      <strong>Live stories need the dev server.</strong>
      <p style="margin-bottom: 0">
        <code>npm run storybook</code> starts a PeerServer (server/index.js) beside Storybook and these stories place real calls
        through it. A static build (<code>npm run build-storybook</code>) has no server, so nothing connects here.
      </p>
    </div>`;
  }
  // Fresh ids per render: a reload must not find the previous ids still held on the broker.
  const tag = `${Date.now().toString(36)}${(run++).toString(36)}`;
  const ada = `live-ada-${tag}`;
  const bob = `live-bob-${tag}`;
  const side = (self: string, other: string, name: string) => html`<section style="flex: 1 1 360px; display: flex; flex-direction: column; gap: 8px; min-width: 0">
    <strong>${name} <span style="font-weight: normal; color: #6b7280">(${self})</span></strong>
    <rtc-call style="height: 320px" server=${brokerUrl} peer-id=${self} remote-id=${other} name=${name} ?audio-only=${audioOnly}></rtc-call>
    <rtc-chat style="height: 260px; border: 1px solid rgba(128, 128, 128, 0.35)" server=${brokerUrl} peer-id=${self} remote-id=${other} name=${name} persist="none"></rtc-chat>
  </section>`;
  return html`<div style="display: flex; flex-wrap: wrap; gap: 16px">${side(ada, bob, 'Ada')}${side(bob, ada, 'Bob')}</div>`;
}

const meta = {
  title: 'Live/Two peers',
  tags: ['live'],
  parameters: {
    docs: {
      description: {
        component: 'Real calls and chat between two peers on this page, through the broker the dev server starts.',
      },
    },
  },
  argTypes: { 'audio-only': { control: 'boolean' } },
  args: { 'audio-only': false },
  render: (args) => twoPeers(args['audio-only']),
} satisfies Meta<LiveArgs>;

export default meta;
type Story = StoryObj<LiveArgs>;

export const LoopbackCall: Story = described(
  'Press “Video call” on Ada’s side and answer on Bob’s: a real WebRTC call through the local broker (your camera and microphone, after the browser asks). Type in either chat.',
  {},
);
