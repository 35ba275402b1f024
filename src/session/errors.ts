/**
 * Every error code an element reports in `rtc-error` (documented in README "Error codes").
 * Messages are English defaults; elements show the localized text for the code.
 */
export type RtcErrorCode =
  | 'permission-denied'
  | 'no-device'
  | 'device-busy'
  | 'media-error'
  | 'screen-share-failed'
  | 'peer-unavailable'
  | 'broker-unreachable'
  | 'id-taken'
  | 'invalid-id'
  | 'bad-attribute'
  | 'bad-message'
  | 'connection-failed'
  | 'no-remote-id'
  | 'not-supported'
  | 'file-too-large'
  | 'file-corrupt'
  | 'file-failed'
  | 'message-too-long'
  | 'storage-full';

export class RtcError extends Error {
  constructor(
    readonly code: RtcErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'RtcError';
  }
}

/** The person closed the browser's screen picker (or the page may not share): their choice, nothing to show them. */
export function isScreenShareCancel(error: RtcError): boolean {
  return error.code === 'screen-share-failed' && error.cause instanceof DOMException && error.cause.name === 'NotAllowedError';
}

/** Maps a getUserMedia / getDisplayMedia failure to our code. */
export function mediaErrorCode(error: unknown): RtcErrorCode {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'permission-denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'no-device';
    case 'NotReadableError':
    case 'AbortError':
      return 'device-busy';
    case 'TypeError':
      return 'not-supported';
    default:
      return 'media-error';
  }
}
