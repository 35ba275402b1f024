import type { RtcCall } from '../../src/index.js';
import { SELF_VIEW_WAIT_MS } from '../../src/elements/rtc-call/self-view-gate.js';
import { BROKER, BUNDLE, assert, lib, equal, frame, nextEvent, openPeerConnections, peerConnections, uniqueId, until } from './helpers.js';

const { liveSessionCount } = lib;

function mount(attributes: Record<string, string>): RtcCall {
  const element = document.createElement('rtc-call');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.style.height = '300px';
  document.body.append(element);
  return element;
}

function part(element: RtcCall, name: string): HTMLElement {
  const found = element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  assert(found, `part ${name} is rendered`);
  return found;
}

async function mountReady(attributes: Record<string, string>): Promise<RtcCall> {
  const element = mount({ server: BROKER, ...attributes });
  await nextEvent(element, 'rtc-ready');
  return element;
}

afterEach(async () => {
  document.body.replaceChildren();
  await until(() => liveSessionCount() === 0, 'sessions released');
});

describe('<rtc-call> in one page', () => {
  it('calls another element, shows video both ways, and removing both releases every connection', async () => {
    const a = await mountReady({ 'peer-id': uniqueId('a'), name: 'Ann' });
    const bId = uniqueId('b');
    const b = await mountReady({ 'peer-id': bId, name: 'Ben' });
    equal(a.state, 'idle');
    equal(a.getAttribute('state'), 'idle', 'state reflects');

    const incoming = nextEvent<{ from: string; name: string }>(b, 'rtc-incoming');
    a.call(bId);
    const ring = await incoming;
    equal(ring.name, 'Ann', 'caller name from hello');
    equal(b.state, 'ringing');
    // Devices start only on consent: nothing captured on the callee yet.
    equal(b.localStream, null);

    const connected = Promise.all([nextEvent(a, 'rtc-connected'), nextEvent(b, 'rtc-connected')]);
    b.answer();
    await connected;
    await until(() => !!a.remoteStream?.getVideoTracks().length && !!b.remoteStream?.getVideoTracks().length, 'remote streams');
    const widths = await Promise.all([frame(part(a, 'remote-video') as HTMLVideoElement), frame(part(b, 'remote-video') as HTMLVideoElement)]);
    assert(widths.every((w) => w > 0), 'frames arrive on both sides');
    assert(part(a, 'timer').textContent!.includes(':'), 'call timer shows');

    const tracks = [...a.localStream!.getTracks(), ...b.localStream!.getTracks()];
    const ended = nextEvent<{ reason: string }>(b, 'rtc-ended');
    a.remove();
    equal((await ended).reason, 'remote-hangup', 'removing the element hangs up');
    b.remove();
    await until(() => liveSessionCount() === 0, 'sessions destroyed');
    assert(tracks.every((t) => t.readyState === 'ended'), 'every captured track stopped');
    await until(() => openPeerConnections() === 0, 'every RTCPeerConnection closed');
  });

  for (const autoAnswer of [false, true]) {
    it(`the answering side shows its own camera once the caller's picture shows, the caller's from the start${autoAnswer ? ' (auto-answer)' : ''}`, async () => {
      const a = await mountReady({ 'peer-id': uniqueId('a') });
      const bId = uniqueId('b');
      const b = await mountReady({ 'peer-id': bId, ...(autoAnswer ? { 'auto-answer': '' } : {}) });
      // The moment b's self-view appears: had the caller's picture (remote-video) shown by then?
      const remote = part(b, 'remote-video') as HTMLVideoElement;
      const tile = part(b, 'local-tile');
      let answeredAt = 0;
      // The player's own word that a frame was presented: readyState alone can lag behind it, since
      // Chromium posts the two to the page separately (CI once saw the gate open on a presented
      // frame while readyState still said HAVE_NOTHING). Registered at rtc-incoming, before the
      // element's own callback, so it runs first when both fire on the same frame.
      let remotePresented = false;
      const shown = new Promise<{ afterMs: number; remoteHadPicture: boolean }>((resolve) => {
        const observer = new MutationObserver(() => {
          if (tile.hidden) return;
          observer.disconnect();
          const remoteHadPicture = remotePresented || remote.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA;
          resolve({ afterMs: performance.now() - answeredAt, remoteHadPicture });
        });
        observer.observe(tile, { attributes: true, attributeFilter: ['hidden'] });
      });
      // With auto-answer the element answers right after it announces the call.
      b.addEventListener(
        'rtc-incoming',
        () => {
          answeredAt = performance.now();
          remote.requestVideoFrameCallback(() => (remotePresented = true));
        },
        { once: true },
      );
      const incoming = nextEvent(b, 'rtc-incoming');
      const connected = nextEvent(b, 'rtc-connected');
      a.call(bId);
      await incoming;
      if (!autoAnswer) {
        await until(() => !part(a, 'local-tile').hidden, "the caller's self-view while it rings");
        answeredAt = performance.now();
        b.answer();
      }
      await connected;
      assert(b.localStream?.getVideoTracks().length, 'the camera started at the answer');
      const { afterMs, remoteHadPicture } = await shown;
      assert(remoteHadPicture || afterMs >= SELF_VIEW_WAIT_MS, `self-view shown ${Math.round(afterMs)} ms after the answer, before the caller's picture`);
      equal(((part(b, 'local-video') as HTMLVideoElement).srcObject as MediaStream | null)?.id, b.localStream!.id, 'the self-view shows the camera');
      assert((await frame(part(b, 'local-video') as HTMLVideoElement)) > 0, 'self-view frames');
      assert(!part(a, 'local-tile').hidden, "the caller's self-view stays");
      a.hangup();
      await until(() => b.getAttribute('state') === 'idle', 'b idle');
      equal((part(b, 'local-video') as HTMLVideoElement).srcObject, null, 'the self-view lets go of the ended camera');
    });
  }

  it('a bad ice-servers attribute is reported as rtc-error bad-attribute and the element stays usable', async () => {
    const element = document.createElement('rtc-call');
    element.setAttribute('server', BROKER);
    element.setAttribute('ice-servers', '[{"urls":"http://not-ice"}]');
    const error = nextEvent<{ code: string; message: string }>(element, 'rtc-error');
    document.body.append(element);
    const { code, message } = await error;
    equal(code, 'bad-attribute');
    assert(message.includes('ice-servers'), 'the event tells the developer which attribute');
    equal(element.state, 'offline');
    // People get a sentence in their language, not the developer's details.
    equal(part(element, 'error').textContent!.trim(), 'This element is not set up correctly.');
    // Fixing the attribute recovers without a reload.
    const ready = nextEvent(element, 'rtc-ready');
    element.setAttribute('ice-servers', '[]');
    await ready;
    equal(element.state, 'idle');
  });

  it('an invalid peer-id is refused with invalid-id', async () => {
    const element = document.createElement('rtc-call');
    element.setAttribute('server', BROKER);
    element.setAttribute('peer-id', '<script>');
    const error = nextEvent<{ code: string }>(element, 'rtc-error');
    document.body.append(element);
    equal((await error).code, 'invalid-id');
    // The status says why, not "Connecting to the server…" forever (also once the banner is dismissed).
    await (element as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    part(element, 'dismiss-button').click();
    await (element as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    equal(part(element, 'status').textContent!.trim(), 'This id is not valid or not accepted by the server.');
  });

  it('calling with no id asks for one instead of failing silently', async () => {
    const element = await mountReady({});
    const error = nextEvent<{ code: string }>(element, 'rtc-error');
    part(element, 'call-button').click();
    equal((await error).code, 'no-remote-id');
    equal(element.state, 'idle');
  });

  it('a call to an id nobody holds is reported by the call, not by a chat with someone else on the same id', async () => {
    const id = uniqueId('both');
    const element = await mountReady({ 'peer-id': id });
    const chat = document.createElement('rtc-chat');
    chat.setAttribute('server', BROKER);
    chat.setAttribute('peer-id', id);
    chat.setAttribute('remote-id', uniqueId('friend'));
    chat.setAttribute('persist', 'none');
    document.body.append(chat);
    const chatErrors: string[] = [];
    chat.addEventListener('rtc-error', (event) => chatErrors.push((event as CustomEvent<{ code: string }>).detail.code));
    const error = nextEvent<{ code: string }>(element, 'rtc-error');
    const ended = nextEvent(element, 'rtc-ended');
    element.call(uniqueId('nobody'));
    equal((await error).code, 'peer-unavailable');
    await ended;
    equal(chatErrors.join(), '', 'the chat reported nothing');
  });

  it('dismissing the error banner leaves the focus in the element, on what can be done now', async () => {
    const id = uniqueId('self');
    const element = await mountReady({ 'peer-id': id });
    element.call(id); // yourself: the banner says you cannot
    await element.updateComplete;
    const dismiss = part(element, 'dismiss-button');
    dismiss.focus();
    dismiss.click();
    await until(() => !element.shadowRoot!.querySelector('[part~="error"]'), 'the banner gone');
    await until(() => !!element.shadowRoot!.activeElement, 'the focus in the element');
    assert(element.shadowRoot!.activeElement!.matches('.controls :is(input, button)'), `focus on a control, not ${element.shadowRoot!.activeElement!.outerHTML.slice(0, 60)}`);
  });

  it('every button and video has an accessible name, and only the buttons that apply are shown', async () => {
    const element = await mountReady({ 'remote-id': 'someone' });
    const buttons = [...element.shadowRoot!.querySelectorAll('button')];
    assert(buttons.length > 0, 'buttons rendered');
    for (const button of buttons) assert(button.getAttribute('aria-label'), `button ${button.getAttribute('part')} has a label`);
    assert(!element.shadowRoot!.querySelector('[part~="hangup-button"]'), 'no hang-up while idle');
    // The videos are named too: a screen reader says whose picture it is, not just "video".
    equal(part(element, 'local-video').getAttribute('aria-label'), 'Your camera');
    equal(part(element, 'remote-video').getAttribute('aria-label'), 'Video of someone');
    assert(!element.shadowRoot!.querySelector('[part~="remote-id-input"]'), 'no id field when remote-id is set');
  });

  it('loading the script-tag bundle twice does not throw', async () => {
    // A second <script> tag with another URL evaluates the bundle again.
    await import(/* @vite-ignore */ `${BUNDLE}?second-tag`);
    assert(customElements.get('rtc-call'), 'rtc-call defined');
  });
});

/** A session provided to elements without a network, as previews use it; `end()` withdraws it. */
function offlineSession(prefix: string) {
  const peerId = uniqueId(prefix);
  const session = new lib.RtcSession({ server: new URL(BROKER), peerId });
  session.status = 'online';
  lib.provideSession(session);
  return {
    peerId,
    session,
    end() {
      lib.withdrawSession(session);
      session.destroy();
    },
  };
}

describe('<rtc-call> answering camera first', () => {
  // The camera opens ahead of the microphone when both are allowed already (the fake-UI flag
  // allows them here). The answer's microphone (the page's first microphone-only request) is held
  // back, or made to fail, to see what happens while it opens; later ones pass straight through.
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  let letMicrophoneOpen: () => void = () => {};
  let microphoneRequests = 0;
  let microphoneFails = false;
  const microphones: MediaStreamTrack[] = [];
  beforeEach(() => {
    microphones.length = 0;
    microphoneRequests = 0;
    microphoneFails = false;
    const opened = new Promise<void>((resolve) => (letMicrophoneOpen = resolve));
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      if (constraints?.video) return original(constraints);
      const first = microphoneRequests++ === 0;
      if (first && microphoneFails) {
        await opened;
        throw new DOMException('Could not start audio source', 'NotReadableError');
      }
      const stream = await original(constraints);
      microphones.push(...stream.getAudioTracks());
      if (first) await opened;
      return stream;
    };
  });
  afterEach(() => {
    navigator.mediaDevices.getUserMedia = original;
    letMicrophoneOpen();
  });

  async function answeredWhileMicrophoneOpens(): Promise<{ a: RtcCall; b: RtcCall }> {
    const a = await mountReady({ 'peer-id': uniqueId('a') });
    const bId = uniqueId('b');
    const b = await mountReady({ 'peer-id': bId });
    const incoming = nextEvent(b, 'rtc-incoming');
    const connected = Promise.all([nextEvent(a, 'rtc-connected'), nextEvent(b, 'rtc-connected')]);
    a.call(bId);
    await incoming;
    b.answer();
    await connected;
    // Connected, and the caller sees the callee, with the callee's microphone still opening.
    assert((await frame(part(a, 'remote-video') as HTMLVideoElement)) > 0, "the callee's picture before its microphone");
    equal(microphoneRequests, 1, 'the microphone was asked for on its own');
    equal(b.localStream!.getAudioTracks().length, 0, 'the microphone is still opening');
    equal(b.localMedia?.mic, true, 'counted as on while it opens');
    await until(() => a.remoteMedia?.mic === true, 'the caller is told the microphone is on');
    return { a, b };
  }

  const onSender = (track: MediaStreamTrack) => peerConnections.some((pc) => pc.connectionState !== 'closed' && pc.getSenders().some((sender) => sender.track === track));

  it('muting while the microphone opens holds: it arrives muted, on its sender, and the other side shows muted', async () => {
    const { a, b } = await answeredWhileMicrophoneOpens();
    const mic = part(b, 'mic-button') as HTMLButtonElement;
    equal(mic.getAttribute('aria-pressed'), 'false', 'shown as on while it opens');
    assert(!mic.disabled, 'the mute button works while it opens');
    mic.click();
    await until(() => mic.getAttribute('aria-pressed') === 'true', 'muted');
    await until(() => a.remoteMedia?.mic === false, 'the caller is told the callee muted');
    await until(() => microphones.length === 1, 'the microphone is open (held back)');
    letMicrophoneOpen();
    await until(() => b.localStream!.getAudioTracks().length === 1, 'the microphone arrives');
    const track = b.localStream!.getAudioTracks()[0]!;
    equal(track, microphones[0], 'the track asked for');
    equal(track.enabled, false, 'it arrives muted');
    await until(() => onSender(track), 'the microphone on a sender of the call');
    equal(mic.getAttribute('aria-pressed'), 'true', 'still muted');
    mic.click();
    await until(() => track.enabled && a.remoteMedia?.mic === true, 'unmuted, and the caller is told');
    a.hangup();
    await until(() => b.getAttribute('state') === 'idle', 'b idle');
    equal(track.readyState, 'ended', 'the microphone stops with the call');
  });

  it('a call that ends while the microphone opens stops the microphone when it comes', async () => {
    const { a, b } = await answeredWhileMicrophoneOpens();
    a.hangup();
    await until(() => b.getAttribute('state') === 'idle', 'b idle');
    await until(() => microphones.length === 1, 'the microphone is open (held back)');
    letMicrophoneOpen();
    await until(() => microphones[0]!.readyState === 'ended', 'the late microphone is stopped');
  });

  it('a microphone chosen while the answer\'s one opens wins, and the late one is stopped', async () => {
    const { a, b } = await answeredWhileMicrophoneOpens();
    part(b, 'devices-button').click();
    await until(() => !!b.shadowRoot!.querySelector('[part~="devices"] select'), 'the device lists');
    const select = b.shadowRoot!.querySelector<HTMLSelectElement>('[part~="devices"] select')!;
    select.value = select.options[select.options.length - 1]!.value;
    select.dispatchEvent(new Event('change'));
    await until(() => b.localStream!.getAudioTracks().length === 1, 'the chosen microphone is on');
    const chosen = b.localStream!.getAudioTracks()[0]!;
    equal(chosen, microphones[1], 'the chosen microphone, not the one still opening');
    letMicrophoneOpen();
    await until(() => microphones[0]!.readyState === 'ended', 'the late microphone is stopped');
    equal(b.localStream!.getAudioTracks().length, 1, 'one microphone in the call');
    await until(() => onSender(chosen), 'the chosen microphone on the sender');
    equal(a.remoteMedia?.mic, true, 'the caller still hears the callee');
    a.hangup();
    await until(() => chosen.readyState === 'ended', 'the chosen microphone stops with the call');
  });

  it('a microphone that fails to open is reported, and the call goes on without it', async () => {
    microphoneFails = true;
    const { a, b } = await answeredWhileMicrophoneOpens();
    const error = nextEvent<{ code: string; message: string }>(b, 'rtc-error');
    letMicrophoneOpen();
    const { code, message } = await error;
    equal(code, 'device-busy');
    assert(message.includes('microphone'), `the error names the microphone: ${message}`);
    await until(() => a.remoteMedia?.mic === false, 'the caller is told there is no microphone');
    await until(() => (part(b, 'mic-button') as HTMLButtonElement).disabled, 'no mute button without a microphone');
    equal(b.state, 'connected', 'the call goes on');
    equal(b.localStream!.getVideoTracks()[0]?.readyState, 'live', 'with the camera');
    a.hangup();
  });
});

describe('Call.preview', () => {
  it('shows a connected call from given streams with no devices or network; hanging up stops them', async () => {
    const { peerId, session, end } = offlineSession('preview');
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const paint = canvas.getContext('2d')!;
    const draw = setInterval(() => {
      paint.fillStyle = `hsl(${(performance.now() / 5) % 360} 70% 50%)`;
      paint.fillRect(0, 0, 160, 120);
    }, 40);
    const local = canvas.captureStream(15);
    const remote = canvas.captureStream(15);
    const connectionsBefore = openPeerConnections();
    try {
      const call = lib.Call.preview(session, 'someone', { phase: 'connected', localStream: local, remoteStream: remote, connectedAt: Date.now() - 61_000 });
      session.activeCall = call;
      const element = mount({ server: BROKER, 'peer-id': peerId });
      await until(() => element.getAttribute('state') === 'connected', 'the connected state');
      // The camera counts as on (its track came with the preview): the toggle shows, not pressed.
      equal(part(element, 'camera-button').getAttribute('aria-pressed'), 'false', 'camera button');
      assert(part(element, 'timer').textContent!.includes('1:0'), 'the timer counts from connectedAt');
      assert((await frame(part(element, 'remote-video') as HTMLVideoElement)) > 0, 'remote frames');
      equal(openPeerConnections(), connectionsBefore, 'no peer connection was opened');
      const ended = nextEvent<{ reason: string }>(element, 'rtc-ended');
      element.hangup();
      equal((await ended).reason, 'hangup');
      assert(local.getTracks().every((t) => t.readyState === 'ended'), 'the local tracks it was given are stopped');
      await until(() => element.getAttribute('state') === 'idle', 'idle after the end');
    } finally {
      clearInterval(draw);
      remote.getTracks().forEach((t) => t.stop());
      end();
    }
  });
});

describe('<rtc-call> while it rings', () => {
  it('pulses with compositor-only properties, so a ringing page does not repaint every frame', async () => {
    const { peerId, session, end } = offlineSession('ringing');
    try {
      const call = lib.Call.preview(session, 'someone', { phase: 'ringing' });
      session.activeCall = call;
      const element = mount({ server: BROKER, 'peer-id': peerId });
      await until(() => element.getAttribute('state') === 'ringing', 'the ringing state');
      const animations = element.shadowRoot!.getAnimations();
      assert(animations.length > 0 && animations.every((a) => a.playState === 'running'), 'the ringing pulse runs');
      // Opacity and transform run on the compositor; anything else (box-shadow, colours, sizes)
      // makes the main thread paint 60 times a second for as long as it rings.
      const animated = new Set(animations.flatMap((a) => (a.effect as KeyframeEffect).getKeyframes().flatMap((k) => Object.keys(k))));
      for (const key of ['offset', 'computedOffset', 'easing', 'composite']) animated.delete(key);
      equal([...animated].filter((p) => p !== 'opacity' && p !== 'transform').join(','), '', 'only opacity or transform is animated');
      element.decline();
      await until(() => element.shadowRoot!.getAnimations().length === 0, 'the pulse stops once it no longer rings');
    } finally {
      end();
    }
  });
});
