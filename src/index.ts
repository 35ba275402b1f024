/** npm entry: defines every element and exports the classes, session layer and types. */
export { RtcCall } from './elements/rtc-call/rtc-call.js';
export { RtcChat } from './elements/rtc-chat/rtc-chat.js';
export { RtcSupport } from './elements/rtc-support/rtc-support.js';
export { RtcSupportPanel } from './elements/rtc-support/support-panel.js';
export { RtcInbox, type InboxConversation } from './elements/rtc-inbox/rtc-inbox.js';
export { RtcEvent, type RtcEventDetails, type RtcEventName, type CallElementState } from './events.js';
export { RtcSession, type SessionStatus } from './session/rtc-session.js';
export { acquireSession, releaseSession, liveSessionCount, provideSession, withdrawSession } from './session/registry.js';
export { Call, type CallPreview, type MediaFlags } from './session/call.js';
export { Chat } from './session/chat.js';
export { RtcError, type RtcErrorCode } from './session/errors.js';
export type { CallEndReason } from './session/call-machine.js';
export { PROTOCOL_VERSION, CONTROL_LABEL, LIMITS, parseControlMessage, type ControlMessage } from './session/protocol.js';
export { setDefaultServer } from './session/config.js';
export { registerTranslation } from './i18n/localize.js';
export { FileTransfers, type Transfer } from './session/file-transfer.js';
export { Sha256 } from './session/sha256.js';
