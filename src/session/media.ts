import { RtcError, mediaErrorCode } from './errors.js';

export interface MediaRequest {
  audio: boolean;
  video: boolean;
  audioDeviceId?: string;
  videoDeviceId?: string;
}

export interface LocalMedia {
  stream: MediaStream;
  /** What could not be captured, so the UI can say "joined with audio only" and fire rtc-error. */
  problems: RtcError[];
}

function constraint(on: boolean, deviceId?: string): boolean | MediaTrackConstraints {
  if (!on) return false;
  return deviceId ? { deviceId: { exact: deviceId } } : true;
}

async function capture(audio: boolean | MediaTrackConstraints, video: boolean | MediaTrackConstraints): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new RtcError('not-supported', 'This browser cannot capture media (a secure https:// page is required).');
  }
  return navigator.mediaDevices.getUserMedia({ audio, video });
}

function describe(error: unknown, kind: 'camera' | 'microphone'): RtcError {
  if (error instanceof RtcError) return error;
  const code = mediaErrorCode(error);
  const text: Record<string, string> = {
    'permission-denied': `Permission to use the ${kind} was denied.`,
    'no-device': `No ${kind} was found.`,
    'device-busy': `The ${kind} is in use by another application.`,
  };
  return new RtcError(code, text[code] ?? `The ${kind} could not be started.`, error);
}

/**
 * Captures what it can: camera + microphone, else microphone only, else nothing (receive-only).
 * A call should still happen when the camera is denied or absent, so failures become `problems`.
 */
export async function captureLocalMedia(request: MediaRequest): Promise<LocalMedia> {
  const problems: RtcError[] = [];
  const audio = constraint(request.audio, request.audioDeviceId);
  if (request.video) {
    try {
      return { stream: await capture(audio, constraint(true, request.videoDeviceId)), problems };
    } catch (error) {
      problems.push(describe(error, 'camera'));
    }
  }
  if (request.audio) {
    try {
      return { stream: await capture(audio, false), problems };
    } catch (error) {
      problems.push(describe(error, 'microphone'));
    }
  }
  return { stream: new MediaStream(), problems };
}

/** The microphone of a camera-first capture: its track, or why there is none. */
export interface LateMicrophone {
  track: MediaStreamTrack | null;
  problem?: RtcError;
}

export interface CameraFirstMedia extends LocalMedia {
  /** Settles once the microphone is open (or failed); never rejects. */
  microphone: Promise<LateMicrophone>;
}

/**
 * Opens the camera and the microphone with two requests, the camera's first, and hands over the
 * camera as soon as it is open. Why: one request for both waits for the audio side too. Measured
 * here (bench/probes/camera-first.mjs), the camera's first frame showed ≈ 150 ms sooner on a
 * page's first capture (the audio service starting) and ≈ 17 ms sooner once it ran; the
 * microphone came ≈ 90 / 30 ms later, when the picture is on its way already. Two requests can
 * mean two permission prompts, so this is only for when both are allowed already (captureAllowed()).
 */
export async function captureCameraFirst(request: MediaRequest): Promise<CameraFirstMedia> {
  const camera = captureTrack('video', request.videoDeviceId);
  const microphone: Promise<LateMicrophone> = request.audio
    ? captureTrack('audio', request.audioDeviceId).then(
        (track) => ({ track }),
        (problem: RtcError) => ({ track: null, problem }),
      )
    : Promise.resolve({ track: null });
  const stream = new MediaStream();
  const problems: RtcError[] = [];
  try {
    stream.addTrack(await camera);
  } catch (error) {
    problems.push(error as RtcError);
  }
  return { stream, problems, microphone };
}

/**
 * Whether the camera and the microphone are both allowed already, so that capturing asks the
 * person nothing. False where the browser cannot tell (no Permissions API, or one that does not
 * know these names).
 */
export async function captureAllowed(): Promise<boolean> {
  const permissions = globalThis.navigator?.permissions;
  if (!permissions?.query) return false;
  try {
    const names = ['camera', 'microphone'] as PermissionName[];
    const states = await Promise.all(names.map((name) => permissions.query({ name })));
    return states.every((status) => status.state === 'granted');
  } catch {
    return false;
  }
}

/** Opens one new track of a kind, e.g. after the camera was switched off or another device chosen. */
export async function captureTrack(kind: 'audio' | 'video', deviceId?: string): Promise<MediaStreamTrack> {
  try {
    const stream = await capture(kind === 'audio' ? constraint(true, deviceId) : false, kind === 'video' ? constraint(true, deviceId) : false);
    return stream.getTracks()[0]!;
  } catch (error) {
    throw describe(error, kind === 'audio' ? 'microphone' : 'camera');
  }
}

export async function captureScreen(): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices?.getDisplayMedia) {
    throw new RtcError('not-supported', 'Screen sharing is not supported in this browser.');
  }
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    return stream.getVideoTracks()[0]!;
  } catch (error) {
    // NotAllowedError is what a person pressing Cancel in the browser's picker gets: it is about the
    // screen, never the camera or microphone (permission-denied would say so).
    const cancelled = error instanceof DOMException && error.name === 'NotAllowedError';
    throw new RtcError('screen-share-failed', cancelled ? 'Screen sharing was cancelled or is not allowed on this page.' : 'Screen sharing was not started.', error);
  }
}

export interface DeviceLists {
  audioinput: MediaDeviceInfo[];
  videoinput: MediaDeviceInfo[];
  audiooutput: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceLists> {
  const lists: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [] };
  if (!navigator.mediaDevices?.enumerateDevices) return lists;
  for (const device of await navigator.mediaDevices.enumerateDevices()) {
    if (device.deviceId && device.kind in lists) lists[device.kind].push(device);
  }
  return lists;
}

/**
 * Readies the browser's capture stack while a call rings, without opening a device: Chromium
 * starts its capture service and lists the cameras on first use, work that otherwise falls
 * between answer() and the first frame (≈ 60 ms of a browser's first capture here:
 * bench/probes/cold-capture.mjs). Listing devices asks for no permission and lights no camera indicator.
 */
export function warmCapture(): void {
  // globalThis: a Call may also be built where there is no navigator at all (Node, previews).
  globalThis.navigator?.mediaDevices?.enumerateDevices?.().catch(() => {});
}

export function stopStream(stream: MediaStream | null | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}
