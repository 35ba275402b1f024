import { describe, expect, it } from 'vitest';
import { createBucket, createThrottledLog, isBrokerMessage, printable } from '../../server/guard.js';

describe('broker guard', () => {
  it('a bucket allows its burst at once, then refills at its rate and never beyond the burst', () => {
    let t = 0;
    const bucket = createBucket(10, 5, () => t);
    for (let i = 0; i < 10; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    t += 1000; // 5 more
    for (let i = 0; i < 5; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    t += 3_600_000; // an hour idle still only fills it to 10
    expect(bucket.take(10)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it('knows a broker message from junk', () => {
    expect(isBrokerMessage(Buffer.from('{"type":"HEARTBEAT"}'))).toBe(true);
    for (const junk of ['not json', 'null', '[]', '{"type":5}', '{}', '"OFFER"']) expect(isBrokerMessage(Buffer.from(junk)), junk).toBe(false);
  });

  it('the throttled log writes the first line of a kind, then one per interval saying how many it left out', () => {
    let t = 0;
    const lines: string[] = [];
    const log = createThrottledLog((line) => lines.push(line), 5000, () => t);
    for (let i = 0; i < 100; i++) log('junk', `junk ${i}`);
    log('flood', 'flood 0');
    expect(lines).toEqual(['junk 0', 'flood 0']);
    t = 5000;
    log('junk', 'junk 100');
    expect(lines.at(-1)).toBe('junk 100 (and 99 more like it since the previous one, 5 s ago)');
    // Left-out lines are counted until the next one is written, however long that takes: it says so.
    t = 6000;
    log('junk', 'junk 101');
    t = 42_000;
    log('junk', 'junk 102');
    expect(lines.at(-1)).toBe('junk 102 (and 1 more like it since the previous one, 37 s ago)');
    t = 60_000;
    log('junk', 'junk 103');
    expect(lines.at(-1)).toBe('junk 103');
  });

  it('log lines quoting a client stay one short line: control characters escaped, long text cut', () => {
    expect(printable('bad frame "x\nrtc-elements server: forged"')).toBe('bad frame "x\\u000artc-elements server: forged"');
    expect(printable('\u001b[31mred\u2028')).toBe('\\u001b[31mred\\u2028');
    // Invisible characters that reorder or hide what follows them in a terminal or log viewer.
    expect(printable('id "\u202Etroppus\u2066x\u200Fy\u200Bz\uFEFF"')).toBe('id "\\u202etroppus\\u2066x\\u200fy\\u200bz\\ufeff"');
    const long = printable(`junk ${'x'.repeat(1000)}`);
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
    const lines: string[] = [];
    createThrottledLog((line) => lines.push(line), 5000)('junk', 'a\r\nb');
    expect(lines).toEqual(['a\\u000d\\u000ab']);
  });
});
