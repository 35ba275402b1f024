import { describe, expect, it } from 'vitest';
import { OfferGate } from '../../src/session/offer-budget.js';
import { QUIETLY, isHandleableServerMessage, refusalOf } from '../../src/session/safe-peer.js';

const sdp = { type: 'offer', sdp: 'v=0\r\n' };
const offer = (payload: Record<string, unknown>) => ({ type: 'OFFER', src: 'alice', dst: 'bob', payload });
const dataOffer = (serialization: unknown) => offer({ type: 'data', connectionId: 'dc_1', sdp, serialization, label: 'rtc-control' });

describe('isHandleableServerMessage: broker messages without a peer', () => {
  it.each([
    ['OPEN', { type: 'OPEN' }],
    ['HEARTBEAT', { type: 'HEARTBEAT' }],
    ['ID-TAKEN', { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }],
    ['INVALID-KEY', { type: 'INVALID-KEY', payload: { msg: 'Invalid key provided' } }],
    ['ERROR with a payload object', { type: 'ERROR', payload: { msg: 'boom' } }],
  ])('accepts %s', (_name, message) => {
    expect(isHandleableServerMessage(message)).toBe(true);
  });

  it.each([
    ['ERROR without payload', { type: 'ERROR' }],
    ['ERROR with a string payload', { type: 'ERROR', payload: 'boom' }],
    ['ERROR with a null payload', { type: 'ERROR', payload: null }],
  ])('refuses %s', (_name, message) => {
    expect(isHandleableServerMessage(message)).toBe(false);
  });
});

describe('isHandleableServerMessage: OFFER', () => {
  it.each(['json', 'raw', 'binary', 'binary-utf8', 'default'])('accepts a data OFFER with known serialization %j', (serialization) => {
    expect(isHandleableServerMessage(dataOffer(serialization))).toBe(true);
  });

  it.each([
    'evil',
    '__proto__',
    'toString',
    'constructor',
    'hasOwnProperty',
    'valueOf',
    'JSON',
    'Json',
    'binarypack',
    '',
  ])('refuses a data OFFER with unknown serialization %j', (serialization) => {
    expect(isHandleableServerMessage(dataOffer(serialization))).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['numeric', 1],
    ['null', null],
    ['an array', ['json']],
    ['an object', { toString: () => 'json' }],
  ])('refuses a data OFFER whose serialization is %s', (_name, serialization) => {
    expect(isHandleableServerMessage(dataOffer(serialization))).toBe(false);
  });

  it('refuses a data OFFER whose serialization is an own __proto__ key from JSON', () => {
    const message = JSON.parse('{"type":"OFFER","src":"alice","payload":{"type":"data","connectionId":"dc_1","sdp":{},"serialization":"__proto__"}}');
    expect(isHandleableServerMessage(message)).toBe(false);
  });

  it('accepts a media OFFER', () => {
    expect(isHandleableServerMessage(offer({ type: 'media', connectionId: 'mc_1', sdp, metadata: {} }))).toBe(true);
  });

  it('accepts a media OFFER whatever its serialization field says', () => {
    expect(isHandleableServerMessage(offer({ type: 'media', connectionId: 'mc_1', sdp, serialization: 'evil' }))).toBe(true);
  });

  it.each([
    ['without sdp', { type: 'media', connectionId: 'mc_1' }],
    ['with null sdp', { type: 'media', connectionId: 'mc_1', sdp: null }],
    ['with a string sdp', { type: 'data', connectionId: 'dc_1', sdp: 'v=0', serialization: 'json' }],
    ['data without sdp', { type: 'data', connectionId: 'dc_1', serialization: 'json' }],
    ['without connectionId', { type: 'media', sdp }],
    ['with numeric connectionId', { type: 'media', connectionId: 1, sdp }],
    ['with an unknown connection type', { type: 'file', connectionId: 'x_1', sdp, serialization: 'json' }],
    ['without a connection type', { connectionId: 'x_1', sdp, serialization: 'json' }],
  ])('refuses an OFFER %s', (_name, payload) => {
    expect(isHandleableServerMessage(offer(payload))).toBe(false);
  });

  it.each([
    ['without payload', { type: 'OFFER', src: 'alice' }],
    ['with null payload', { type: 'OFFER', src: 'alice', payload: null }],
    ['with a string payload', { type: 'OFFER', src: 'alice', payload: 'offer' }],
  ])('refuses an OFFER %s', (_name, message) => {
    expect(isHandleableServerMessage(message)).toBe(false);
  });
});

describe('isHandleableServerMessage: ANSWER and CANDIDATE', () => {
  it.each([
    ['an ANSWER with sdp', { type: 'ANSWER', src: 'bob', payload: { connectionId: 'mc_1', sdp: { type: 'answer', sdp: 'v=0' }, type: 'media' } }, true],
    ['an ANSWER without sdp', { type: 'ANSWER', src: 'bob', payload: { connectionId: 'mc_1' } }, false],
    ['an ANSWER with a string sdp', { type: 'ANSWER', src: 'bob', payload: { connectionId: 'mc_1', sdp: 'v=0' } }, false],
    ['an ANSWER without connectionId', { type: 'ANSWER', src: 'bob', payload: { sdp: {} } }, false],
    [
      'a CANDIDATE with a candidate object',
      { type: 'CANDIDATE', src: 'bob', payload: { connectionId: 'dc_1', candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0' } } },
      true,
    ],
    ['a CANDIDATE without candidate', { type: 'CANDIDATE', src: 'bob', payload: { connectionId: 'dc_1' } }, false],
    ['a CANDIDATE with a null candidate', { type: 'CANDIDATE', src: 'bob', payload: { connectionId: 'dc_1', candidate: null } }, false],
    ['a CANDIDATE with a string candidate', { type: 'CANDIDATE', src: 'bob', payload: { connectionId: 'dc_1', candidate: 'candidate:1' } }, false],
    ['a CANDIDATE without connectionId', { type: 'CANDIDATE', src: 'bob', payload: { candidate: {} } }, false],
    ['a CANDIDATE without payload', { type: 'CANDIDATE', src: 'bob' }, false],
  ])('%s → %s', (_name, message, expected) => {
    expect(isHandleableServerMessage(message)).toBe(expected);
  });
});

describe('isHandleableServerMessage: relayed messages must name their source', () => {
  it.each([
    ['LEAVE', { type: 'LEAVE', src: 'alice' }, true],
    ['EXPIRE', { type: 'EXPIRE', src: 'alice' }, true],
    ['LEAVE without src', { type: 'LEAVE' }, false],
    ['EXPIRE with numeric src', { type: 'EXPIRE', src: 7 }, false],
    ['OFFER without src', { type: 'OFFER', payload: { type: 'media', connectionId: 'mc_1', sdp } }, false],
    ['OFFER with null src', { type: 'OFFER', src: null, payload: { type: 'media', connectionId: 'mc_1', sdp } }, false],
    ['ANSWER without src', { type: 'ANSWER', payload: { connectionId: 'mc_1', sdp } }, false],
    ['CANDIDATE with object src', { type: 'CANDIDATE', src: { id: 'a' }, payload: { connectionId: 'dc_1', candidate: {} } }, false],
  ])('%s → %s', (_name, message, expected) => {
    expect(isHandleableServerMessage(message)).toBe(expected);
  });

  it.each(['UNKNOWN', 'offer', 'open', 'Open', '', 'toString', '__proto__'])('refuses unknown type %j even with src and payload', (type) => {
    expect(isHandleableServerMessage({ type, src: 'alice', payload: { connectionId: 'x', sdp, candidate: {} } })).toBe(false);
  });
});

describe('isHandleableServerMessage: non-object input', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'OPEN'],
    ['JSON text', '{"type":"OPEN"}'],
    ['a number', 1],
    ['a boolean', true],
    ['an array', ['OPEN']],
    ['an empty object', {}],
    ['a numeric type', { type: 1 }],
    ['a null type', { type: null }],
    ['an array type', { type: ['OPEN'] }],
  ])('refuses %s', (_name, message) => {
    expect(isHandleableServerMessage(message)).toBe(false);
  });
});

describe('refusalOf: what never reaches PeerJS', () => {
  const none = () => false;
  const fromPeer = (src: string) => ({ ...dataOffer('json'), src });

  it('refuses an OFFER from an id the elements would not accept (bidi override, too long, control characters)', () => {
    for (const src of ['\u202Etroppus-emca', 'x'.repeat(65), 'a\u0000b', 'visitor 1', '']) {
      expect(refusalOf(fromPeer(src), none, new OfferGate())).toBe('a connection from an invalid peer id');
    }
    expect(refusalOf(fromPeer('visitor-1'), none, new OfferGate())).toBeNull();
  });

  it('refuses a stranger\'s OFFERs beyond the budget; a known peer\'s file offer comes from its own budget', () => {
    const offers = new OfferGate({ strangers: { perPeer: 2, total: 10, windowMs: 60_000 } });
    const control = (n: number) => ({ ...fromPeer('mallory'), payload: { type: 'data', connectionId: `dc_${n}`, sdp, serialization: 'json', label: 'rtc-control' } });
    expect([1, 2, 3].map((n) => refusalOf(control(n), none, offers))).toEqual([null, null, 'too many new connections offered']);
    const file = { ...fromPeer('mallory'), payload: { type: 'data', connectionId: 'dc_file', sdp, serialization: 'raw', label: 'rtc-file' } };
    expect(refusalOf(file, none, offers, (peer) => peer === 'mallory')).toBeNull();
    // The refused connection's candidates follow it: dropped, quietly.
    const candidate = { type: 'CANDIDATE', src: 'mallory', payload: { connectionId: 'dc_3', candidate: {} } };
    expect(refusalOf(candidate, none, offers)).toBe(QUIETLY);
  });

  it('refuses ANSWER and CANDIDATE for a connection PeerJS does not have', () => {
    const answer = { type: 'ANSWER', src: 'alice', payload: { connectionId: 'dc_1', sdp } };
    expect(refusalOf(answer, none, new OfferGate())).toBe('signalling for an unknown connection');
    expect(refusalOf(answer, () => true, new OfferGate())).toBeNull();
  });
});
