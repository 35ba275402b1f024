import { LIMITS } from '../session/protocol.js';
import type { RtcError, RtcErrorCode } from '../session/errors.js';
import type { Strings } from './en.js';
import { format } from './localize.js';

/**
 * What a person is shown for each error code, in the element's language. The English `message`
 * of an RtcError is for developers (it goes out in `rtc-error` and may name ids, URLs and sizes);
 * people see these. `null`: nothing to show (a peer's junk frame is the host's concern, not the user's).
 */
const TEXTS: Record<RtcErrorCode, ((t: Strings) => string) | null> = {
  'permission-denied': (t) => t.errorPermissionDenied,
  'no-device': (t) => t.errorNoDevice,
  'device-busy': (t) => t.errorDeviceBusy,
  'media-error': (t) => t.errorMedia,
  'screen-share-failed': (t) => t.errorScreenShare,
  'peer-unavailable': (t) => t.errorPeerUnavailable,
  'broker-unreachable': (t) => t.errorBrokerUnreachable,
  'id-taken': (t) => t.errorIdTaken,
  'invalid-id': (t) => t.errorInvalidId,
  'bad-attribute': (t) => t.errorBadAttribute,
  'bad-message': null,
  'connection-failed': (t) => t.errorConnectionFailed,
  'no-remote-id': (t) => t.errorNoRemoteId,
  'not-supported': (t) => t.errorNotSupported,
  'file-too-large': (t) => t.errorFileTooLarge,
  'file-corrupt': (t) => t.fileCorrupt,
  'file-failed': (t) => t.errorFileFailed,
  'message-too-long': (t) => format(t.chatTooLong, { max: LIMITS.maxTextLength }),
  'storage-full': (t) => t.errorStorageFull,
};

/** The localized text for `error`, or null when people are not shown this kind of error. */
export function errorText(t: Strings, error: Pick<RtcError, 'code'>): string | null {
  return TEXTS[error.code]?.(t) ?? null;
}

/**
 * Errors about the connection to the server or this tab's id, which the session recovers from by
 * itself: an element clears them once the session is online again.
 */
export function clearsWhenOnline(error: Pick<RtcError, 'code'>): boolean {
  return error.code === 'broker-unreachable' || error.code === 'id-taken';
}
