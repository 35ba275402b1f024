import { describe, expect, it, vi } from 'vitest';
import {
  cleanName,
  cleanText,
  decodeJsonFrame,
  LIMITS,
  MalformedFrame,
  parseControlMessage,
  randomId,
  type ControlMessage,
  type ParseResult,
} from '../../src/session/protocol.js';

const ok = (message: ControlMessage): ParseResult => ({ kind: 'ok', message });

function expectInvalid(result: ParseResult): string {
  expect(result.kind).toBe('invalid');
  if (result.kind !== 'invalid') throw new Error('unreachable');
  expect(typeof result.reason).toBe('string');
  expect(result.reason.length).toBeGreaterThan(0);
  return result.reason;
}

const ID64 = 'a'.repeat(LIMITS.maxIdLength);
const ID65 = 'a'.repeat(LIMITS.maxIdLength + 1);

describe('parseControlMessage: valid messages of every type', () => {
  const cases: Array<{ name: string; input: unknown; expected: ControlMessage }> = [
    { name: 'hello, minimal', input: { type: 'hello', v: 1 }, expected: { type: 'hello', v: 1 } },
    { name: 'hello with name', input: { type: 'hello', v: 1, name: 'Ann' }, expected: { type: 'hello', v: 1, name: 'Ann' } },
    {
      name: 'hello with name that needs cleaning and trimming',
      input: { type: 'hello', v: 2, name: '  A\u0007nn\u202E  ' },
      expected: { type: 'hello', v: 2, name: 'Ann' },
    },
    {
      name: 'hello with page',
      input: { type: 'hello', v: 1, page: { url: 'https://shop.example/cart', title: 'Cart' } },
      expected: { type: 'hello', v: 1, page: { url: 'https://shop.example/cart', title: 'Cart' } },
    },
    {
      name: 'hello with page without title (title defaults to empty)',
      input: { type: 'hello', v: 1, page: { url: 'https://x.example/' } },
      expected: { type: 'hello', v: 1, page: { url: 'https://x.example/', title: '' } },
    },
    {
      name: 'hello with page title containing control characters',
      input: { type: 'hello', v: 1, name: 'Bo', page: { url: 'u', title: 'T\u0000i\u001Ftle\u2066' } },
      expected: { type: 'hello', v: 1, name: 'Bo', page: { url: 'u', title: 'Title' } },
    },
    {
      name: 'hello with name and page at their maximum lengths',
      input: {
        type: 'hello',
        v: 1,
        name: 'n'.repeat(LIMITS.maxNameLength),
        page: { url: 'u'.repeat(LIMITS.maxUrlLength), title: 't'.repeat(LIMITS.maxTitleLength) },
      },
      expected: {
        type: 'hello',
        v: 1,
        name: 'n'.repeat(LIMITS.maxNameLength),
        page: { url: 'u'.repeat(LIMITS.maxUrlLength), title: 't'.repeat(LIMITS.maxTitleLength) },
      },
    },
    {
      name: 'chat',
      input: { type: 'chat', id: 'm-1_A', text: 'hi\nthere\t!', ts: 1700000000000 },
      expected: { type: 'chat', id: 'm-1_A', text: 'hi\nthere\t!', ts: 1700000000000 },
    },
    {
      name: 'chat text is cleaned',
      input: { type: 'chat', id: 'm1', text: 'a\u0000b\u202Ec\u007F', ts: 0 },
      expected: { type: 'chat', id: 'm1', text: 'abc', ts: 0 },
    },
    {
      name: 'chat with text of exactly maxTextLength and id of maxIdLength',
      input: { type: 'chat', id: ID64, text: 'x'.repeat(LIMITS.maxTextLength), ts: -5.5 },
      expected: { type: 'chat', id: ID64, text: 'x'.repeat(LIMITS.maxTextLength), ts: -5.5 },
    },
    { name: 'chat with empty text', input: { type: 'chat', id: 'm1', text: '', ts: 1 }, expected: { type: 'chat', id: 'm1', text: '', ts: 1 } },
    { name: 'ack', input: { type: 'ack', id: 'm1' }, expected: { type: 'ack', id: 'm1' } },
    { name: 'acks', input: { type: 'acks', ids: ['m1', 'm2'] }, expected: { type: 'acks', ids: ['m1', 'm2'] } },
    {
      name: 'acks with the most ids of the longest length',
      input: { type: 'acks', ids: Array.from({ length: LIMITS.maxAckIds }, () => ID64) },
      expected: { type: 'acks', ids: Array.from({ length: LIMITS.maxAckIds }, () => ID64) },
    },
    { name: 'typing on', input: { type: 'typing', on: true }, expected: { type: 'typing', on: true } },
    { name: 'typing off', input: { type: 'typing', on: false }, expected: { type: 'typing', on: false } },
    { name: 'typing without on defaults to true', input: { type: 'typing' }, expected: { type: 'typing', on: true } },
    { name: 'ring video', input: { type: 'ring', callId: 'c1', video: true }, expected: { type: 'ring', callId: 'c1', video: true } },
    { name: 'ring audio-only', input: { type: 'ring', callId: 'c1', video: false }, expected: { type: 'ring', callId: 'c1', video: false } },
    { name: 'ring without video defaults to true', input: { type: 'ring', callId: 'c1' }, expected: { type: 'ring', callId: 'c1', video: true } },
    { name: 'accept', input: { type: 'accept', callId: 'c1' }, expected: { type: 'accept', callId: 'c1' } },
    {
      name: 'decline busy',
      input: { type: 'decline', callId: 'c1', reason: 'busy' },
      expected: { type: 'decline', callId: 'c1', reason: 'busy' },
    },
    {
      name: 'decline declined',
      input: { type: 'decline', callId: 'c1', reason: 'declined' },
      expected: { type: 'decline', callId: 'c1', reason: 'declined' },
    },
    { name: 'decline without reason', input: { type: 'decline', callId: 'c1' }, expected: { type: 'decline', callId: 'c1', reason: 'declined' } },
    {
      name: 'decline with unknown reason',
      input: { type: 'decline', callId: 'c1', reason: 'on-holiday' },
      expected: { type: 'decline', callId: 'c1', reason: 'declined' },
    },
    {
      name: 'decline with non-string reason',
      input: { type: 'decline', callId: 'c1', reason: 42 },
      expected: { type: 'decline', callId: 'c1', reason: 'declined' },
    },
    { name: 'cancel', input: { type: 'cancel', callId: 'c1' }, expected: { type: 'cancel', callId: 'c1' } },
    { name: 'bye without reason defaults to hangup', input: { type: 'bye', callId: 'c1' }, expected: { type: 'bye', callId: 'c1', reason: 'hangup' } },
    {
      name: 'bye hangup',
      input: { type: 'bye', callId: 'c1', reason: 'hangup' },
      expected: { type: 'bye', callId: 'c1', reason: 'hangup' },
    },
    {
      name: 'bye page-closed',
      input: { type: 'bye', callId: 'c1', reason: 'page-closed' },
      expected: { type: 'bye', callId: 'c1', reason: 'page-closed' },
    },
    {
      name: 'bye with unknown reason becomes hangup',
      input: { type: 'bye', callId: 'c1', reason: 'busy' },
      expected: { type: 'bye', callId: 'c1', reason: 'hangup' },
    },
    {
      name: 'bye with non-string reason becomes hangup',
      input: { type: 'bye', callId: 'c1', reason: { page: 'closed' } },
      expected: { type: 'bye', callId: 'c1', reason: 'hangup' },
    },
    {
      name: 'media',
      input: { type: 'media', callId: 'c1', mic: true, camera: false, screen: true },
      expected: { type: 'media', callId: 'c1', mic: true, camera: false, screen: true },
    },
    {
      name: 'media without screen defaults to false',
      input: { type: 'media', callId: 'c1', mic: false, camera: true },
      expected: { type: 'media', callId: 'c1', mic: false, camera: true, screen: false },
    },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    expect(parseControlMessage(input)).toStrictEqual(ok(expected));
  });

  it.each(cases)('$name survives a JSON round trip', ({ input, expected }) => {
    expect(parseControlMessage(JSON.parse(JSON.stringify(input)))).toStrictEqual(ok(expected));
  });

  it('accepts a record with a null prototype', () => {
    const raw = Object.assign(Object.create(null) as Record<string, unknown>, { type: 'ack', id: 'm1' });
    expect(parseControlMessage(raw)).toStrictEqual(ok({ type: 'ack', id: 'm1' }));
  });
});

describe('parseControlMessage: rebuilds from known fields only', () => {
  const withExtras: Array<{ input: Record<string, unknown>; expected: ControlMessage }> = [
    {
      input: { type: 'hello', v: 1, name: 'A', admin: true, page: { url: 'u', title: 't', script: 'x' } },
      expected: { type: 'hello', v: 1, name: 'A', page: { url: 'u', title: 't' } },
    },
    { input: { type: 'chat', id: 'm', text: 't', ts: 1, html: '<b>', from: 'someone-else' }, expected: { type: 'chat', id: 'm', text: 't', ts: 1 } },
    { input: { type: 'ack', id: 'm', extra: { deep: 1 } }, expected: { type: 'ack', id: 'm' } },
    { input: { type: 'typing', on: false, x: 1 }, expected: { type: 'typing', on: false } },
    { input: { type: 'ring', callId: 'c', video: false, sdp: 'x' }, expected: { type: 'ring', callId: 'c', video: false } },
    { input: { type: 'accept', callId: 'c', reason: 'busy' }, expected: { type: 'accept', callId: 'c' } },
    { input: { type: 'decline', callId: 'c', reason: 'busy', more: [1] }, expected: { type: 'decline', callId: 'c', reason: 'busy' } },
    { input: { type: 'cancel', callId: 'c', id: 'm' }, expected: { type: 'cancel', callId: 'c' } },
    { input: { type: 'bye', callId: 'c', reason: 'page-closed', v: 9 }, expected: { type: 'bye', callId: 'c', reason: 'page-closed' } },
    {
      input: { type: 'media', callId: 'c', mic: true, camera: true, screen: false, volume: 11 },
      expected: { type: 'media', callId: 'c', mic: true, camera: true, screen: false },
    },
  ];

  it.each(withExtras)('drops unknown keys from $input.type', ({ input, expected }) => {
    const result = parseControlMessage(input);
    expect(result).toStrictEqual(ok(expected));
    if (result.kind !== 'ok') throw new Error('unreachable');
    expect(Object.keys(result.message).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(withExtras)('returns a new object for $input.type, not the input', ({ input }) => {
    const result = parseControlMessage(input);
    if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
    expect(result.message).not.toBe(input);
    expect(Object.getPrototypeOf(result.message)).toBe(Object.prototype);
  });

  it('returns a new page object for hello, not the nested input', () => {
    const page = { url: 'u', title: 't' };
    const result = parseControlMessage({ type: 'hello', v: 1, page });
    if (result.kind !== 'ok' || result.message.type !== 'hello') throw new Error('expected hello');
    expect(result.message.page).toEqual(page);
    expect(result.message.page).not.toBe(page);
  });

  it('mutating the input afterwards does not change the result', () => {
    const input = { type: 'chat', id: 'm', text: 'original', ts: 1 };
    const result = parseControlMessage(input);
    input.text = 'changed';
    expect(result).toStrictEqual(ok({ type: 'chat', id: 'm', text: 'original', ts: 1 }));
  });
});

describe('parseControlMessage: unknown types are ignored', () => {
  it.each(['file-chunk', 'HELLO', 'Chat', 'x', 'toString', 'hasOwnProperty', 't'.repeat(32)])('type %j', (type) => {
    expect(parseControlMessage({ type, anything: 1 })).toStrictEqual({ kind: 'ignored', type });
  });
});

describe('parseControlMessage: invalid input', () => {
  const json = (text: string): unknown => JSON.parse(text);
  class Message {
    type = 'ack';
    id = 'm1';
  }
  const dateWithFields = Object.assign(new Date(0), { type: 'ack', id: 'm1' });
  const throwingGetter = {
    get type(): string {
      throw new Error('boom');
    },
  };

  const cases: Array<[string, unknown]> = [
    // not a plain object
    ['null', null],
    ['undefined', undefined],
    ['an array', [{ type: 'ack', id: 'm1' }]],
    ['an empty array', []],
    ['a string', '{"type":"ack","id":"m1"}'],
    ['a number', 42],
    ['a boolean', true],
    ['a function', () => ({ type: 'ack', id: 'm1' })],
    ['a Date', new Date()],
    ['a Date carrying message fields', dateWithFields],
    ['a class instance', new Message()],
    ['a Map', new Map([['type', 'ack']])],
    ['an object inheriting from a message', Object.create({ type: 'ack', id: 'm1' })],
    ['a MalformedFrame', new MalformedFrame('frame is not JSON')],
    // type
    ['missing type', { id: 'm1' }],
    ['empty type', { type: '' }],
    ['type of 33 characters', { type: 't'.repeat(33) }],
    ['numeric type', { type: 1 }],
    ['null type', { type: null }],
    ['array type', { type: ['ack'] }],
    // wrong field types / missing fields
    ['hello without v', { type: 'hello' }],
    ['hello with string v', { type: 'hello', v: '1' }],
    ['hello with NaN v', { type: 'hello', v: NaN }],
    ['hello with Infinity v', { type: 'hello', v: Infinity }],
    ['hello with -Infinity v', { type: 'hello', v: -Infinity }],
    ['hello with numeric name', { type: 'hello', v: 1, name: 5 }],
    ['hello with null name', { type: 'hello', v: 1, name: null }],
    ['hello with name too long', { type: 'hello', v: 1, name: 'n'.repeat(LIMITS.maxNameLength + 1) }],
    ['hello with page as string', { type: 'hello', v: 1, page: 'https://x' }],
    ['hello with page as null', { type: 'hello', v: 1, page: null }],
    ['hello with page as array', { type: 'hello', v: 1, page: ['u', 't'] }],
    ['hello with page without url', { type: 'hello', v: 1, page: { title: 't' } }],
    ['hello with numeric page url', { type: 'hello', v: 1, page: { url: 1, title: 't' } }],
    ['hello with url too long', { type: 'hello', v: 1, page: { url: 'u'.repeat(LIMITS.maxUrlLength + 1), title: 't' } }],
    ['hello with title too long', { type: 'hello', v: 1, page: { url: 'u', title: 't'.repeat(LIMITS.maxTitleLength + 1) } }],
    ['hello with numeric title', { type: 'hello', v: 1, page: { url: 'u', title: 1 } }],
    ['chat without id', { type: 'chat', text: 't', ts: 1 }],
    ['chat without text', { type: 'chat', id: 'm', ts: 1 }],
    ['chat without ts', { type: 'chat', id: 'm', text: 't' }],
    ['chat with numeric text', { type: 'chat', id: 'm', text: 5, ts: 1 }],
    ['chat with string ts', { type: 'chat', id: 'm', text: 't', ts: '1' }],
    ['chat with NaN ts', { type: 'chat', id: 'm', text: 't', ts: NaN }],
    ['chat with Infinity ts', { type: 'chat', id: 'm', text: 't', ts: Infinity }],
    ['chat with text longer than maxTextLength', { type: 'chat', id: 'm', text: 'x'.repeat(LIMITS.maxTextLength + 1), ts: 1 }],
    ['chat with numeric id', { type: 'chat', id: 1, text: 't', ts: 1 }],
    ['ack without id', { type: 'ack' }],
    ['acks without ids', { type: 'acks' }],
    ['acks with an empty list', { type: 'acks', ids: [] }],
    ['acks with ids as a string', { type: 'acks', ids: 'm1' }],
    ['acks with ids as an object', { type: 'acks', ids: { 0: 'm1', length: 1 } }],
    ['acks with too many ids', { type: 'acks', ids: Array.from({ length: LIMITS.maxAckIds + 1 }, (_, i) => `m${i}`) }],
    ['acks with a numeric id', { type: 'acks', ids: ['m1', 2] }],
    ['acks with a bad id', { type: 'acks', ids: ['m1', '<img>'] }],
    ['acks with an id too long', { type: 'acks', ids: [ID65] }],
    ['acks with a nested list', { type: 'acks', ids: [['m1']] }],
    ['typing with string on', { type: 'typing', on: 'true' }],
    ['typing with numeric on', { type: 'typing', on: 1 }],
    ['typing with null on', { type: 'typing', on: null }],
    ['ring without callId', { type: 'ring', video: true }],
    ['ring with string video', { type: 'ring', callId: 'c', video: 'yes' }],
    ['accept without callId', { type: 'accept' }],
    ['decline without callId', { type: 'decline', reason: 'busy' }],
    ['cancel with numeric callId', { type: 'cancel', callId: 7 }],
    ['bye with object callId', { type: 'bye', callId: { id: 'c' } }],
    ['media without mic', { type: 'media', callId: 'c', camera: true }],
    ['media without camera', { type: 'media', callId: 'c', mic: true }],
    ['media with string mic', { type: 'media', callId: 'c', mic: 'on', camera: true }],
    ['media with numeric screen', { type: 'media', callId: 'c', mic: true, camera: true, screen: 1 }],
    // ids
    ['id with a space', { type: 'ack', id: 'a b' }],
    ['id with a dot', { type: 'ack', id: 'a.b' }],
    ['id with a slash', { type: 'ack', id: '../x' }],
    ['id with non-ASCII letter', { type: 'ack', id: 'caf\u00e9' }],
    ['id with a newline', { type: 'ack', id: 'a\nb' }],
    ['id with trailing newline', { type: 'ack', id: 'ab\n' }],
    ['empty id', { type: 'ack', id: '' }],
    ['id longer than maxIdLength', { type: 'ack', id: ID65 }],
    ['callId with angle brackets', { type: 'bye', callId: '<script>' }],
    ['callId longer than maxIdLength', { type: 'accept', callId: ID65 }],
    ['chat id with a colon', { type: 'chat', id: 'a:b', text: 't', ts: 1 }],
    // forbidden keys, built with JSON.parse so __proto__ is an own key
    ['__proto__ at top level', json('{"type":"ack","id":"m1","__proto__":{"admin":true}}')],
    ['constructor at top level', json('{"type":"ack","id":"m1","constructor":{"prototype":{}}}')],
    ['prototype at top level', json('{"type":"ack","id":"m1","prototype":1}')],
    ['__proto__ nested one level', json('{"type":"hello","v":1,"page":{"url":"u","title":"t","__proto__":{"x":1}}}')],
    ['constructor nested one level', json('{"type":"ack","id":"m1","extra":{"constructor":1}}')],
    ['prototype nested two levels', json('{"type":"ack","id":"m1","a":{"b":{"prototype":1}}}')],
    ['__proto__ nested three levels', json('{"type":"ack","id":"m1","a":{"b":{"c":{"__proto__":null}}}}')],
    ['__proto__ as the only key', json('{"__proto__":{"type":"ack","id":"m1"}}')],
    // nesting limit
    ['extra field nested too deeply', json('{"type":"ack","id":"m1","a":{"b":{"c":{"d":{"e":1}}}}}')],
    // a getter that throws is reported as invalid, not thrown
    ['an object whose type getter throws', throwingGetter],
  ];

  it.each(cases)('%s', (_name, input) => {
    expectInvalid(parseControlMessage(input));
  });

  it('never throws, whatever the input', () => {
    for (const [, input] of cases) expect(() => parseControlMessage(input)).not.toThrow();
  });

  it('a forbidden key does not pollute Object.prototype', () => {
    parseControlMessage(json('{"type":"ack","id":"m1","__proto__":{"polluted":true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the reason of a MalformedFrame', () => {
    expect(parseControlMessage(new MalformedFrame('frame too large'))).toStrictEqual({ kind: 'invalid', reason: 'frame too large' });
  });

  it('names the forbidden key', () => {
    const reason = expectInvalid(parseControlMessage(json('{"type":"ack","id":"m1","a":{"constructor":1}}')));
    expect(reason).toContain('constructor');
  });

  it('accepts extra plain nesting up to the limit', () => {
    const result = parseControlMessage(json('{"type":"ack","id":"m1","a":{"b":{"c":{"d":1}}}}'));
    expect(result).toStrictEqual(ok({ type: 'ack', id: 'm1' }));
  });

  it('validates the type before unknown-type handling (forbidden key in an unknown type is still invalid)', () => {
    expectInvalid(parseControlMessage(json('{"type":"future","__proto__":{}}')));
  });
});

describe('cleanName', () => {
  it.each([
    ['a zero-width space that disguises one name as another', 'Support\u200B Team', 'Support Team'],
    ['marks that reorder digits', 'Agent \u200F12\u200F34', 'Agent 1234'],
    ['a line break, tabs and runs of spaces', 'Sam\n\tfrom   Acme', 'Sam from Acme'],
    ['overrides, isolates and controls', '\u202EA\u2066nn\u0007\u0085', 'Ann'],
    ['joiners too (a name is a label, not prose)', 'Noor\u200D\u200C', 'Noor'],
  ])('strips %s', (_name, input, expected) => {
    expect(cleanName(input)).toBe(expected);
  });

  it('keeps letters of every script', () => {
    expect(cleanName('Zoë 李 نور שרה')).toBe('Zoë 李 نور שרה');
  });
});

describe('cleanText', () => {
  const cases: Array<[string, string, string]> = [
    ['plain text is unchanged', 'Hello, world', 'Hello, world'],
    ['keeps newline', 'a\nb', 'a\nb'],
    ['keeps carriage return', 'a\r\nb', 'a\r\nb'],
    ['keeps tab', 'a\tb', 'a\tb'],
    ['strips NUL', 'a\u0000b', 'ab'],
    ['strips BEL and backspace', 'a\u0007\u0008b', 'ab'],
    ['strips vertical tab and form feed', 'a\u000B\u000Cb', 'ab'],
    ['strips ESC (terminal escapes)', '\u001B[31mred', '[31mred'],
    ['strips unit separator', 'a\u001Fb', 'ab'],
    ['strips DEL', 'a\u007Fb', 'ab'],
    ['strips LRE/RLE/PDF/LRO/RLO', 'a\u202A\u202B\u202C\u202D\u202Eb', 'ab'],
    ['strips LRI/RLI/FSI/PDI', 'a\u2066\u2067\u2068\u2069b', 'ab'],
    ['RLO filename spoof', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['keeps ordinary Unicode', 'Zo\u00eb \u4f60\u597d \u{1F600}', 'Zo\u00eb \u4f60\u597d \u{1F600}'],
    ['keeps Arabic and Hebrew letters', '\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd', '\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd'],
    ['keeps characters next to the stripped ranges', '\u0020\u007E\u00A0\u2027\u206A\u200A', '\u0020\u007E\u00A0\u2027\u206A\u200A'],
    ['strips C1 controls (NEL breaks lines in some viewers)', 'a\u0085b\u009Bc', 'abc'],
    ['strips zero-width space, word joiner, invisible operators and the BOM', 'co\u200Bde\u2060\u2062\uFEFF', 'code'],
    ['strips line and paragraph separators', 'a\u2028b\u2029c', 'abc'],
    ['keeps the marks and joiners right-to-left writers and emoji need', '\u05e9\u200F123\u200E \u0645\u061C \u{1F468}\u200D\u{1F469} \u0645\u06CC\u200C\u0634\u0648\u062F', '\u05e9\u200F123\u200E \u0645\u061C \u{1F468}\u200D\u{1F469} \u0645\u06CC\u200C\u0634\u0648\u062F'],
    ['does not trim spaces', '  a  ', '  a  '],
    ['empty string', '', ''],
    ['only control characters', '\u0000\u0001\u202E', ''],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it('removes every C0 control except tab, LF and CR', () => {
    for (let code = 0; code < 0x20; code++) {
      const ch = String.fromCharCode(code);
      const kept = ch === '\t' || ch === '\n' || ch === '\r';
      expect(cleanText(`x${ch}y`), `U+${code.toString(16).padStart(4, '0')}`).toBe(kept ? `x${ch}y` : 'xy');
    }
  });
});

describe('decodeJsonFrame', () => {
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  const isMalformed = (value: unknown, reason?: string): void => {
    expect(value).toBeInstanceOf(MalformedFrame);
    if (reason) expect((value as MalformedFrame).reason).toBe(reason);
  };

  it.each([
    ['object', '{"type":"ack","id":"m1"}', { type: 'ack', id: 'm1' }],
    ['array', '[1,2]', [1, 2]],
    ['number', '42', 42],
    ['null', 'null', null],
    ['string', '"x"', 'x'],
    ['unicode', '{"text":"\u4f60\u597d \u{1F600}"}', { text: '\u4f60\u597d \u{1F600}' }],
  ])('decodes a JSON %s from a string', (_name, text, expected) => {
    expect(decodeJsonFrame(text)).toEqual(expected);
  });

  it.each([
    ['ASCII', '{"type":"chat","id":"m1","text":"hi","ts":1}', { type: 'chat', id: 'm1', text: 'hi', ts: 1 }],
    ['multi-byte', '{"text":"Zo\u00eb \u4f60\u597d \u{1F600}"}', { text: 'Zo\u00eb \u4f60\u597d \u{1F600}' }],
  ])('decodes %s UTF-8 JSON from an ArrayBuffer and a Uint8Array', (_name, text, expected) => {
    const bytes = encode(text);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(decodeJsonFrame(buffer)).toEqual(expected);
    expect(decodeJsonFrame(bytes)).toEqual(expected);
  });

  it('decodes only the bytes of a view into a larger buffer', () => {
    const inner = encode('{"a":1}');
    const big = new Uint8Array(LIMITS.maxMessageBytes * 2).fill(0x20);
    big.set(inner, 100);
    expect(decodeJsonFrame(big.subarray(100, 100 + inner.length))).toEqual({ a: 1 });
  });

  it('decodes a DataView', () => {
    const bytes = encode('{"b":2}');
    expect(decodeJsonFrame(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength))).toEqual({ b: 2 });
  });

  it.each([
    ['a lone 0xFF', [0x7b, 0xff, 0x7d]],
    ['a lone continuation byte', [0x22, 0x80, 0x22]],
    ['an overlong encoding of "/"', [0x22, 0xc0, 0xaf, 0x22]],
    ['a truncated 3-byte sequence', [0x22, 0xe4, 0xbd, 0x22]],
    ['an encoded UTF-16 surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
  ])('rejects invalid UTF-8 bytes: %s', (_name, bytes) => {
    isMalformed(decodeJsonFrame(new Uint8Array(bytes)), 'frame is not UTF-8');
    isMalformed(decodeJsonFrame(new Uint8Array(bytes).buffer), 'frame is not UTF-8');
  });

  it.each(['', 'hello', '{type:"ack"}', "{'a':1}", '{"a":1', '{"a":1}}', 'undefined', 'NaN'])('rejects non-JSON text %j', (text) => {
    isMalformed(decodeJsonFrame(text), 'frame is not JSON');
    isMalformed(decodeJsonFrame(encode(text)), 'frame is not JSON');
  });

  it('accepts a string of exactly maxMessageBytes', () => {
    const text = `"${'x'.repeat(LIMITS.maxMessageBytes - 2)}"`;
    expect(text.length).toBe(LIMITS.maxMessageBytes);
    expect(decodeJsonFrame(text)).toBe('x'.repeat(LIMITS.maxMessageBytes - 2));
  });

  it('accepts bytes of exactly maxMessageBytes', () => {
    const bytes = encode(`"${'x'.repeat(LIMITS.maxMessageBytes - 2)}"`);
    expect(bytes.byteLength).toBe(LIMITS.maxMessageBytes);
    expect(decodeJsonFrame(bytes)).toBe('x'.repeat(LIMITS.maxMessageBytes - 2));
  });

  it.each([
    ['a string', `"${'x'.repeat(LIMITS.maxMessageBytes - 1)}"`],
    ['a Uint8Array', encode(`"${'x'.repeat(LIMITS.maxMessageBytes - 1)}"`)],
    ['an ArrayBuffer', encode(`"${'x'.repeat(LIMITS.maxMessageBytes - 1)}"`).buffer],
    ['an invalid-UTF-8 Uint8Array (size is checked first)', new Uint8Array(LIMITS.maxMessageBytes + 1).fill(0xff)],
    ['a huge string', 'x'.repeat(1_000_000)],
  ])('rejects an oversized frame: %s', (_name, data) => {
    isMalformed(decodeJsonFrame(data), 'frame too large');
  });

  it('rejects multi-byte UTF-8 frames whose bytes exceed the limit even though their character count does not', () => {
    const text = `"${'\u00e9'.repeat(LIMITS.maxMessageBytes / 2)}"`; // 8194 chars, 16386 bytes
    expect(text.length).toBeLessThanOrEqual(LIMITS.maxMessageBytes);
    isMalformed(decodeJsonFrame(encode(text)), 'frame too large');
  });

  // Regression guard (a bug once in src/session/protocol.ts, decodeJsonFrame, line 236 at time of writing): a *string* frame is measured in UTF-16 code units, not
  // bytes, although LIMITS.maxMessageBytes is documented as "bytes of JSON". A string frame of
  // 9002 UTF-16 units that is 18002 bytes of UTF-8 is accepted; the same frame as bytes is refused.
  it('rejects a string frame whose UTF-8 encoding exceeds maxMessageBytes', () => {
    const text = `"${'\u00e9'.repeat(9000)}"`;
    isMalformed(decodeJsonFrame(text), 'frame too large');
  });

  it.each([
    ['a number', 42],
    ['an object', { type: 'ack', id: 'm1' }],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['an array of bytes', [0x7b, 0x7d]],
    ['a Blob', new Blob(['{}'])],
  ])('rejects %s as not text', (_name, data) => {
    isMalformed(decodeJsonFrame(data), 'frame is not text');
  });

  it('its MalformedFrame output is refused by parseControlMessage', () => {
    const result = parseControlMessage(decodeJsonFrame('not json'));
    expect(result).toStrictEqual({ kind: 'invalid', reason: 'frame is not JSON' });
  });

  it('end to end: bytes → decode → parse yields the message', () => {
    const result = parseControlMessage(decodeJsonFrame(encode('{"type":"bye","callId":"c1","x":1}')));
    expect(result).toStrictEqual(ok({ type: 'bye', callId: 'c1', reason: 'hangup' }));
  });
});

describe('randomId', () => {
  it.each([
    [undefined, 24],
    [1, 2],
    [6, 12],
    [12, 24],
    [16, 32],
    [32, 64],
  ])('randomId(%s) has %i hex characters', (bytes, length) => {
    const value = randomId(bytes);
    expect(value).toHaveLength(length);
    expect(value).toMatch(/^[0-9a-f]+$/);
  });

  it('randomId(0) is empty', () => {
    expect(randomId(0)).toBe('');
  });

  it('default ids pass the protocol id validation', () => {
    const value = randomId();
    expect(parseControlMessage({ type: 'ack', id: value })).toStrictEqual(ok({ type: 'ack', id: value }));
  });

  it('1000 draws are unique, lower-case hex, and use every hex digit', () => {
    const seen = new Set<string>();
    const digits = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const value = randomId();
      expect(value).toMatch(/^[0-9a-f]{24}$/);
      seen.add(value);
      for (const ch of value) digits.add(ch);
    }
    expect(seen.size).toBe(1000);
    expect(digits.size).toBe(16);
  });

  it('asks the CSPRNG once per 4 KiB of ids, not once per id, and serves ids larger than that whole', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    try {
      const ids = Array.from({ length: 100 }, () => randomId());
      expect(new Set(ids).size).toBe(100);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(1);
      expect(randomId(5000)).toMatch(/^[0-9a-f]{10000}$/);
    } finally {
      spy.mockRestore();
    }
  });

  it('1000 one-byte draws cover many distinct values (not constant)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(randomId(1));
    // 1000 draws over 256 values: all but a handful appear with overwhelming probability.
    expect(seen.size).toBeGreaterThan(200);
  });
});

describe('file messages', () => {
  const sha = 'a'.repeat(64);
  it.each([
    [{ type: 'file-offer', id: 'f1', name: 'a.png', size: 10, mime: 'image/png' }, { type: 'file-offer', id: 'f1', name: 'a.png', size: 10, mime: 'image/png' }],
    [{ type: 'file-offer', id: 'f1', name: 'a', size: 0 }, { type: 'file-offer', id: 'f1', name: 'a', size: 0, mime: '' }],
    [{ type: 'file-end', id: 'f1', sha256: sha }, { type: 'file-end', id: 'f1', sha256: sha }],
    [{ type: 'file-ok', id: 'f1' }, { type: 'file-ok', id: 'f1' }],
    [{ type: 'file-cancel', id: 'f1', reason: 'corrupt' }, { type: 'file-cancel', id: 'f1', reason: 'corrupt' }],
    [{ type: 'file-cancel', id: 'f1', reason: 'whatever' }, { type: 'file-cancel', id: 'f1', reason: 'cancelled' }],
  ])('accepts %j', (raw, expected) => {
    expect(parseControlMessage(raw)).toEqual({ kind: 'ok', message: expected });
  });

  it.each([
    { type: 'file-offer', id: 'f1', name: 'a', size: -1 },
    { type: 'file-offer', id: 'f1', name: 'a', size: 1.5 },
    { type: 'file-offer', id: 'f1', name: 'a', size: 2 ** 41 },
    { type: 'file-offer', id: 'f1', name: 'x'.repeat(300), size: 1 },
    { type: 'file-offer', id: '../x', name: 'a', size: 1 },
    { type: 'file-end', id: 'f1', sha256: 'A'.repeat(64) },
    { type: 'file-end', id: 'f1', sha256: 'abc' },
  ])('rejects %j', (raw) => {
    expect(parseControlMessage(raw).kind).toBe('invalid');
  });
});

describe('chat timestamps', () => {
  it.each([1e20, -1e20, 8.64e15 + 1])('refuses ts %d, which no Date can show (it would break every render)', (ts) => {
    expect(parseControlMessage({ type: 'chat', id: 'x', text: 'hi', ts }).kind).toBe('invalid');
  });
  it('accepts the extremes a Date can hold', () => {
    expect(parseControlMessage({ type: 'chat', id: 'x', text: 'hi', ts: -8.64e15 }).kind).toBe('ok');
  });
});
