import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureAllowed, captureCameraFirst } from '../../src/session/media.js';
import { RtcError } from '../../src/session/errors.js';

/** Just enough of MediaStream for the capture code: tracks in, tracks out. */
class FakeStream {
  constructor(private readonly tracks: { kind: string }[] = []) {}
  addTrack(track: { kind: string }): void {
    this.tracks.push(track);
  }
  getTracks() {
    return this.tracks;
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

describe('captureCameraFirst', () => {
  afterEach(() => vi.unstubAllGlobals());

  function stubCapture() {
    const asked: MediaStreamConstraints[] = [];
    const camera = deferred<FakeStream>();
    const microphone = deferred<FakeStream>();
    const getUserMedia = (constraints: MediaStreamConstraints) => {
      asked.push(constraints);
      return constraints.video ? camera.promise : microphone.promise;
    };
    vi.stubGlobal('MediaStream', FakeStream);
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia } });
    return { asked, camera, microphone };
  }

  it('asks for the camera first, alone, and hands it over before the microphone opens', async () => {
    const { asked, camera, microphone } = stubCapture();
    const staged = captureCameraFirst({ audio: true, video: true, videoDeviceId: 'cam-2' });
    expect(asked).toEqual([{ audio: false, video: { deviceId: { exact: 'cam-2' } } }, { audio: true, video: false }]);
    camera.resolve(new FakeStream([{ kind: 'video' }]));
    const { stream, problems, microphone: late } = await staged;
    expect(stream.getTracks().map((t) => t.kind)).toEqual(['video']);
    expect(problems).toEqual([]);
    const mic = { kind: 'audio' };
    microphone.resolve(new FakeStream([mic]));
    expect(await late).toEqual({ track: mic });
  });

  it('a refused camera is a problem, and the microphone still comes', async () => {
    const { camera, microphone } = stubCapture();
    camera.reject(new DOMException('no', 'NotAllowedError'));
    microphone.resolve(new FakeStream([{ kind: 'audio' }]));
    const { stream, problems, microphone: late } = await captureCameraFirst({ audio: true, video: true });
    expect(stream.getTracks()).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['permission-denied']);
    expect(problems[0]!.message).toContain('camera');
    expect((await late).track).toEqual({ kind: 'audio' });
  });

  it('a microphone that fails settles as a problem, never as a rejection', async () => {
    const { camera, microphone } = stubCapture();
    camera.resolve(new FakeStream([{ kind: 'video' }]));
    microphone.reject(new DOMException('busy', 'NotReadableError'));
    const { microphone: late } = await captureCameraFirst({ audio: true, video: true });
    const { track, problem } = await late;
    expect(track).toBeNull();
    expect(problem).toBeInstanceOf(RtcError);
    expect(problem!.message).toContain('microphone');
  });

  it('asks for no microphone when none is wanted', async () => {
    const { asked, camera } = stubCapture();
    camera.resolve(new FakeStream([{ kind: 'video' }]));
    const { microphone } = await captureCameraFirst({ audio: false, video: true });
    expect(asked).toHaveLength(1);
    expect(await microphone).toEqual({ track: null });
  });
});

describe('captureAllowed', () => {
  afterEach(() => vi.unstubAllGlobals());

  const withStates = (states: Record<string, string>) =>
    vi.stubGlobal('navigator', { permissions: { query: ({ name }: { name: string }) => Promise.resolve({ state: states[name] }) } });

  it('is true only when both the camera and the microphone are granted', async () => {
    withStates({ camera: 'granted', microphone: 'granted' });
    expect(await captureAllowed()).toBe(true);
    withStates({ camera: 'granted', microphone: 'prompt' });
    expect(await captureAllowed()).toBe(false);
    withStates({ camera: 'denied', microphone: 'granted' });
    expect(await captureAllowed()).toBe(false);
  });

  it('is false where the browser cannot tell: no navigator, no Permissions API, names it does not know', async () => {
    vi.stubGlobal('navigator', undefined);
    expect(await captureAllowed()).toBe(false);
    vi.stubGlobal('navigator', {});
    expect(await captureAllowed()).toBe(false);
    vi.stubGlobal('navigator', { permissions: { query: () => Promise.reject(new TypeError("'camera' is not a valid PermissionName")) } });
    expect(await captureAllowed()).toBe(false);
  });
});
