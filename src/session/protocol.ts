/**
 * Every message that crosses the `rtc-control` channel: its type, its validator and its limits.
 * Nothing inbound reaches the rest of the session before `parseControlMessage` has rebuilt it
 * from known fields, so a peer cannot smuggle extra keys, prototypes or oversized strings in.
 * docs/protocol.md is the human-readable version of this file; keep them in step.
 */

/**
 * What `hello.v` announces. 2: understands `acks` (many receipts in one frame). An element sends
 * `acks` only to a peer whose hello said 2 or more; anyone else gets one `ack` per message.
 */
export const PROTOCOL_VERSION = 2;
export const CONTROL_LABEL = 'rtc-control';
/** Label of the raw DataConnection that carries one file's bytes (metadata: `{ fileId }`). */
export const FILE_LABEL = 'rtc-file';

export const LIMITS = Object.freeze({
  /** Largest encoded control message we accept (bytes of JSON). */
  maxMessageBytes: 16_384,
  /** Longest chat text, in UTF-16 code units. */
  maxTextLength: 4_000,
  maxNameLength: 80,
  maxIdLength: 64,
  maxUrlLength: 2_048,
  maxTitleLength: 300,
  maxFileNameLength: 255,
  maxMimeLength: 127,
  /** Most receipts in one `acks` (≤ 100 ids of ≤ 64 characters stay well under maxMessageBytes). */
  maxAckIds: 100,
  /** Largest file size a peer may announce at all (the element's max-file-size is usually lower). */
  maxFileSize: 2 ** 40,
});

export type CallEndReasonWire = 'hangup' | 'busy' | 'declined';

export type Presence = 'online' | 'away';

export interface HelloMessage {
  type: 'hello';
  v: number;
  name?: string;
  page?: { url: string; title: string };
  /** An agent's availability; absent means online. */
  status?: Presence;
}
/** An agent changed its availability. */
export interface PresenceMessage {
  type: 'presence';
  status: Presence;
}
export interface ChatMessage {
  type: 'chat';
  id: string;
  text: string;
  ts: number;
}
export interface AckMessage {
  type: 'ack';
  id: string;
}
/** Several receipts at once, for chats that arrived close together (protocol version 2). */
export interface AcksMessage {
  type: 'acks';
  ids: string[];
}
export interface TypingMessage {
  type: 'typing';
  on: boolean;
}
export interface RingMessage {
  type: 'ring';
  callId: string;
  video: boolean;
}
export interface AcceptMessage {
  type: 'accept';
  callId: string;
}
export interface DeclineMessage {
  type: 'decline';
  callId: string;
  /** `busy` when the callee is already in another call. */
  reason: 'declined' | 'busy';
}
export interface CancelMessage {
  type: 'cancel';
  callId: string;
}
export interface ByeMessage {
  type: 'bye';
  callId: string;
  /** `page-closed` when the tab is going away rather than the person hanging up. */
  reason?: 'hangup' | 'page-closed';
}
export interface MediaStateMessage {
  type: 'media';
  callId: string;
  mic: boolean;
  camera: boolean;
  screen: boolean;
}

/** Sender → receiver: a file is coming on its own raw connection. */
export interface FileOfferMessage {
  type: 'file-offer';
  id: string;
  name: string;
  size: number;
  mime: string;
}
/** Sender → receiver: every byte was sent; the SHA-256 (hex) of the whole file. */
export interface FileEndMessage {
  type: 'file-end';
  id: string;
  sha256: string;
}
/** Receiver → sender: the file arrived whole and its hash matched. */
export interface FileOkMessage {
  type: 'file-ok';
  id: string;
}
/** Either side: stop this transfer. */
export interface FileCancelMessage {
  type: 'file-cancel';
  id: string;
  reason: 'cancelled' | 'too-large' | 'corrupt' | 'failed';
}

export type ControlMessage =
  | HelloMessage
  | PresenceMessage
  | ChatMessage
  | AckMessage
  | AcksMessage
  | TypingMessage
  | RingMessage
  | AcceptMessage
  | DeclineMessage
  | CancelMessage
  | ByeMessage
  | MediaStateMessage
  | FileOfferMessage
  | FileEndMessage
  | FileOkMessage
  | FileCancelMessage;

export type ControlType = ControlMessage['type'];

export type ParseResult =
  | { kind: 'ok'; message: ControlMessage }
  | { kind: 'ignored'; type: string }
  | { kind: 'invalid'; reason: string };

/** A frame our JSON connection could not decode; carried to the validator so it is counted. */
export class MalformedFrame {
  constructor(readonly reason: string) {}
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

class Invalid extends Error {}

function fail(reason: string): never {
  throw new Invalid(reason);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkKeys(record: Record<string, unknown>, depth = 0): void {
  if (depth > 3) fail('nested too deeply');
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(key)) fail(`forbidden key ${key}`);
    const value = record[key];
    if (isPlainRecord(value)) checkKeys(value, depth + 1);
  }
}

function str(record: Record<string, unknown>, key: string, max: number, optional = false): string | undefined {
  const value = record[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string') fail(`${key} must be a string`);
  if (value.length > max) fail(`${key} longer than ${max}`);
  return value;
}

function id(record: Record<string, unknown>, key: string): string {
  return idValue(record[key], key);
}

function idValue(value: unknown, name: string): string {
  if (typeof value !== 'string') fail(`${name} must be a string`);
  if (value.length > LIMITS.maxIdLength) fail(`${name} longer than ${LIMITS.maxIdLength}`);
  if (!ID_PATTERN.test(value)) fail(`${name} has characters outside [A-Za-z0-9_-]`);
  return value;
}

function bool(record: Record<string, unknown>, key: string, fallback?: boolean): boolean {
  const value = record[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${key} must be a boolean`);
  return value;
}

/** Largest |time| a Date can hold; a peer's `ts` outside it would make every render throw. */
const MAX_TIME = 8.64e15;

function time(record: Record<string, unknown>, key: string): number {
  const value = num(record, key);
  if (Math.abs(value) > MAX_TIME) fail(`${key} is not a valid time`);
  return value;
}

function num(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${key} must be a finite number`);
  return value;
}

/**
 * Everything invisible that can hide in or reorder a short label: C0/C1 controls, bidi marks,
 * embeddings, overrides and isolates, zero-width characters (joiners too), line and paragraph
 * separators, the BOM. Names and file names lose all of it.
 */
// eslint-disable-next-line no-control-regex
export const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;

/**
 * What a message's text loses: the controls and invisible characters a peer could use to spoof
 * layout or hide text (embeddings, overrides, isolates, zero-width space, word joiner, BOM,
 * separators). It keeps tab and newlines, and what writers of right-to-left languages and emoji
 * need: the marks LRM, RLM and ALM, and the zero-width (non-)joiners.
 */
// eslint-disable-next-line no-control-regex
const TEXT_INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u2028-\u202E\u2060-\u2069\uFEFF]/g;

/** A message's text, made safe to show (see TEXT_INVISIBLE). */
export function cleanText(text: string): string {
  return text.replace(TEXT_INVISIBLE, '');
}

/** A name a peer chose, made safe to show: one line, nothing invisible (see INVISIBLE), trimmed. */
export function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();
}

function build(record: Record<string, unknown>, type: string): ControlMessage | null {
  switch (type) {
    case 'hello': {
      const v = num(record, 'v');
      const name = str(record, 'name', LIMITS.maxNameLength, true);
      const message: HelloMessage = { type, v };
      if (name !== undefined) message.name = cleanName(name);
      if (record.status === 'away' || record.status === 'online') message.status = record.status;
      if (record.page !== undefined) {
        if (!isPlainRecord(record.page)) fail('page must be an object');
        message.page = {
          url: cleanName(str(record.page, 'url', LIMITS.maxUrlLength) as string),
          title: cleanName(str(record.page, 'title', LIMITS.maxTitleLength, true) ?? ''),
        };
      }
      return message;
    }
    case 'presence':
      return { type, status: record.status === 'away' ? 'away' : 'online' };
    case 'chat':
      return { type, id: id(record, 'id'), text: cleanText(str(record, 'text', LIMITS.maxTextLength) as string), ts: time(record, 'ts') };
    case 'ack':
      return { type, id: id(record, 'id') };
    case 'acks': {
      const ids = record.ids;
      if (!Array.isArray(ids) || ids.length === 0) fail('ids must be a non-empty array');
      if (ids.length > LIMITS.maxAckIds) fail(`more than ${LIMITS.maxAckIds} ids`);
      return { type, ids: Array.from(ids as unknown[], (value, index) => idValue(value, `ids[${index}]`)) };
    }
    case 'typing':
      return { type, on: bool(record, 'on', true) };
    case 'ring':
      return { type, callId: id(record, 'callId'), video: bool(record, 'video', true) };
    case 'accept':
    case 'cancel':
      return { type, callId: id(record, 'callId') };
    case 'bye':
      return { type, callId: id(record, 'callId'), reason: record.reason === 'page-closed' ? 'page-closed' : 'hangup' };
    case 'decline': {
      const reason = record.reason === 'busy' ? 'busy' : 'declined';
      return { type, callId: id(record, 'callId'), reason };
    }
    case 'media':
      return {
        type,
        callId: id(record, 'callId'),
        mic: bool(record, 'mic'),
        camera: bool(record, 'camera'),
        screen: bool(record, 'screen', false),
      };
    case 'file-offer': {
      const size = num(record, 'size');
      if (!Number.isInteger(size) || size < 0 || size > LIMITS.maxFileSize) fail('size must be a whole number of bytes');
      return {
        type,
        id: id(record, 'id'),
        name: cleanText(str(record, 'name', LIMITS.maxFileNameLength) as string),
        size,
        mime: str(record, 'mime', LIMITS.maxMimeLength, true) ?? '',
      };
    }
    case 'file-end': {
      const sha256 = str(record, 'sha256', 64) as string;
      if (!/^[0-9a-f]{64}$/.test(sha256)) fail('sha256 must be 64 lowercase hex digits');
      return { type, id: id(record, 'id'), sha256 };
    }
    case 'file-ok':
      return { type, id: id(record, 'id') };
    case 'file-cancel': {
      const reasons = ['cancelled', 'too-large', 'corrupt', 'failed'] as const;
      const reason = reasons.find((r) => r === record.reason) ?? 'cancelled';
      return { type, id: id(record, 'id'), reason };
    }
    default:
      return null;
  }
}

/**
 * Validates one inbound control frame (already JSON-decoded) and rebuilds it from known fields.
 * Never throws: unknown types are `ignored` (forward compatibility), anything malformed is `invalid`.
 */
export function parseControlMessage(raw: unknown): ParseResult {
  try {
    if (raw instanceof MalformedFrame) fail(raw.reason);
    if (!isPlainRecord(raw)) fail('not a JSON object');
    checkKeys(raw);
    const type = raw.type;
    if (typeof type !== 'string' || type.length === 0 || type.length > 32) fail('type must be a short string');
    const message = build(raw, type);
    return message ? { kind: 'ok', message } : { kind: 'ignored', type };
  } catch (error) {
    if (error instanceof Invalid) return { kind: 'invalid', reason: error.message };
    return { kind: 'invalid', reason: 'unreadable message' };
  }
}

/**
 * Whether `text` takes more than maxMessageBytes as UTF-8. A UTF-16 unit takes 1–3 bytes, so the
 * length bounds it both ways and only texts in between are encoded to count.
 */
function tooLargeForFrame(text: string): boolean {
  if (text.length > LIMITS.maxMessageBytes) return true;
  return text.length * 3 > LIMITS.maxMessageBytes && new TextEncoder().encode(text).byteLength > LIMITS.maxMessageBytes;
}

/** Everything in a chat frame but its text: {"type":"chat","id":<64 chars>,"text":"","ts":<any number>} is at most 127 bytes. */
const CHAT_FRAME_OVERHEAD_BYTES = 128;

/**
 * Whether a chat frame with this text stays within what a receiver accepts. JSON writes a UTF-16
 * unit as at most 6 characters (\uXXXX), so only long texts need the frame built and measured
 * (building it for every message was a tenth of a 10,000-message burst's sending time).
 */
export function fitsInChatFrame(text: string): boolean {
  if (text.length * 6 + CHAT_FRAME_OVERHEAD_BYTES <= LIMITS.maxMessageBytes) return true;
  return !tooLargeForFrame(JSON.stringify({ type: 'chat', id: 'x'.repeat(LIMITS.maxIdLength), text, ts: Date.now() }));
}

/** Decodes a JSON frame as received on a data channel; oversized or undecodable frames become MalformedFrame. */
export function decodeJsonFrame(data: unknown): unknown {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes = data instanceof ArrayBuffer ? data.byteLength : data.byteLength;
    if (bytes > LIMITS.maxMessageBytes) return new MalformedFrame('frame too large');
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data as ArrayBuffer);
    } catch {
      return new MalformedFrame('frame is not UTF-8');
    }
  } else return new MalformedFrame('frame is not text');
  if (tooLargeForFrame(text)) return new MalformedFrame('frame too large');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return new MalformedFrame('frame is not JSON');
  }
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolAt = 0;

/**
 * A fresh id for a call or message: `bytes` random bytes as lowercase hex (URL-safe). The bytes
 * are drawn from the CSPRNG in batches: a call per id (one per chat message) was a measurable
 * share of a 10,000-message burst. They are the same crypto-quality bytes.
 */
export function randomId(bytes = 12): string {
  if (poolAt + bytes > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(Math.max(POOL_BYTES, bytes)));
    poolAt = 0;
  }
  let id = '';
  for (let i = 0; i < bytes; i++) id += HEX[pool[poolAt++]];
  // Used bytes are not kept around (the session token is made here too).
  pool.fill(0, poolAt - bytes, poolAt);
  return id;
}
