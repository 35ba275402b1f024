import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, chunkCount, chunkSizeFor, MAX_CHUNK_SIZE, isPreviewableImage, PREVIEW_MAX_BYTES, RateMeter, safeMimeType, sanitizeFileName } from '../../src/session/chunking.js';

describe('chunkSizeFor', () => {
  it.each([
    [undefined, CHUNK_SIZE],
    [null, CHUNK_SIZE],
    [Number.NaN, CHUNK_SIZE],
    [0, CHUNK_SIZE],
    [-5, CHUNK_SIZE],
    [Infinity, MAX_CHUNK_SIZE],
    [262_144, 262_144],
    [1_073_741_823, MAX_CHUNK_SIZE],
    [65_536, 65_536],
    [16_384, 16_384],
    [100_000.7, 100_000],
  ])('chunkSizeFor(%s) = %i', (max, expected) => {
    expect(chunkSizeFor(max)).toBe(expected);
  });

  it('caps at 256 KiB', () => expect(MAX_CHUNK_SIZE).toBe(262_144));
});

describe('chunkCount', () => {
  it('is 64 KiB by default', () => expect(CHUNK_SIZE).toBe(65_536));

  it.each([
    [0, 10, 0],
    [1, 10, 1],
    [10, 10, 1],
    [11, 10, 2],
    [CHUNK_SIZE * 3, CHUNK_SIZE, 3],
    [CHUNK_SIZE * 3 + 1, CHUNK_SIZE, 4],
    [50 * 1024 * 1024, CHUNK_SIZE, 800],
  ])('chunkCount(%i, %i) = %i', (size, chunk, expected) => {
    expect(chunkCount(size, chunk)).toBe(expected);
  });

  it('defaults to CHUNK_SIZE and rejects a non-positive chunk', () => {
    expect(chunkCount(CHUNK_SIZE + 1)).toBe(2);
    expect(() => chunkCount(10, 0)).toThrow(RangeError);
  });
});

describe('RateMeter', () => {
  it('is 0 until a full window has passed', () => {
    const meter = new RateMeter(1_000, 250);
    meter.start(0);
    expect(meter.add(1_000, 100)).toBe(0);
    expect(meter.bytesPerSecond).toBe(0);
  });

  it('takes the first window as the rate, then moves towards new rates smoothly', () => {
    const meter = new RateMeter(1_000, 250);
    meter.start(0);
    expect(meter.add(250_000, 250)).toBe(1_000_000);
    // A half-life later the average is halfway to the new rate.
    let rate = 0;
    for (let t = 500; t <= 1_250; t += 250) rate = meter.add(500_000, t);
    expect(rate).toBeCloseTo(1_500_000, -3);
    for (let t = 1_500; t <= 20_000; t += 250) rate = meter.add(500_000, t);
    expect(rate).toBeCloseTo(2_000_000, -2);
  });

  it('starts the clock on the first sample when not started', () => {
    const meter = new RateMeter(1_000, 250);
    expect(meter.add(10_000_000, 0)).toBe(0);
    expect(meter.add(100_000, 1_000)).toBe(100_000);
  });

  it('drops towards zero when samples carry no bytes', () => {
    const meter = new RateMeter(500, 100);
    meter.start(0);
    meter.add(100_000, 100);
    let rate = 0;
    for (let t = 200; t <= 20_000; t += 100) rate = meter.add(0, t);
    expect(rate).toBeLessThan(1);
  });

  it('ignores negative, NaN and non-finite input', () => {
    const meter = new RateMeter(1_000, 100);
    meter.start(0);
    meter.add(-5, 50);
    meter.add(Number.NaN, 60);
    meter.add(100, Number.POSITIVE_INFINITY);
    expect(meter.add(1_000, 1_000)).toBe(1_000);
  });
});

describe('sanitizeFileName', () => {
  const long = 'a'.repeat(300);
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\evil.exe', 'evil.exe'],
    ['/absolute/path/to/photo.jpg', 'photo.jpg'],
    ['dir/', 'dir'],
    ['..', 'file'],
    ['.', 'file'],
    ['', 'file'],
    ['   ', 'file'],
    ['/', 'file'],
    ['.bashrc', 'bashrc'],
    ['...hidden.txt', 'hidden.txt'],
    ['name.txt. . ', 'name.txt'],
    ['trailing...', 'trailing'],
    ['<img src=x onerror=alert(1)>.png', '_img src=x onerror=alert(1)_.png'],
    ['a:b|c?d*e"f.txt', 'a_b_c_d_e_f.txt'],
    ['tab\there\nnew\u0000line.txt', 'tabherenewline.txt'],
    // Right-to-left override would show "invoice_fdp.exe" as "invoice_exe.pdf".
    ['invoice_\u202Efdp.exe', 'invoice_fdp.exe'],
    ['\u2066isolated\u2069\u200B\uFEFF.txt', 'isolated.txt'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['Com1.tar.gz', '_Com1.tar.gz'],
    ['lpt9', '_lpt9'],
    ['console.log', 'console.log'],
    ['CONTRACT.pdf', 'CONTRACT.pdf'],
    ['Ünïcödé 文件 😀.txt', 'Ünïcödé 文件 😀.txt'],
    [long, 'a'.repeat(200)],
    [`${long}.jpeg`, `${'a'.repeat(195)}.jpeg`],
    [`${'a'.repeat(250)}.tar.gz`, `${'a'.repeat(197)}.gz`],
    [`${'b'.repeat(190)}.${'x'.repeat(40)}`, `${'b'.repeat(190)}.${'x'.repeat(9)}`],
  ])('%j → %j', (input, expected) => {
    const result = sanitizeFileName(input);
    expect(result).toBe(expected);
    expect(result.length).toBeLessThanOrEqual(200);
  });

  it('never splits an emoji when it shortens a name', () => {
    const result = sanitizeFileName(`${'a'.repeat(194)}😀😀😀😀.png`);
    expect(result.length).toBeLessThanOrEqual(200);
    expect(result.endsWith('.png')).toBe(true);
    expect(() => encodeURIComponent(result)).not.toThrow();
  });

  it('is idempotent', () => {
    for (const input of ['../../etc/passwd', '<x>.png', 'CON', `${long}.jpeg`, '..', 'a . b . ']) {
      const once = sanitizeFileName(input);
      expect(sanitizeFileName(once)).toBe(once);
    }
  });
});

describe('isPreviewableImage', () => {
  it.each([
    ['image/png', 1_000, true],
    ['image/jpeg', 1_000, true],
    ['IMAGE/JPEG', 1_000, true],
    ['image/gif', 0, true],
    ['image/webp', PREVIEW_MAX_BYTES, true],
    ['image/avif', 1_000, true],
    ['image/png; charset=binary', 1_000, true],
    ['image/png', PREVIEW_MAX_BYTES + 1, false],
    ['image/svg+xml', 1_000, false],
    ['image/bmp', 1_000, false],
    ['image/tiff', 1_000, false],
    ['text/html', 1_000, false],
    ['', 1_000, false],
    ['image/png', Number.NaN, false],
    ['image/png', -1, false],
  ])('%j, %i bytes → %s', (mime, size, expected) => {
    expect(isPreviewableImage(mime, size)).toBe(expected);
  });

  it('allows 20 MB', () => expect(PREVIEW_MAX_BYTES).toBe(20 * 1024 * 1024));
});

describe('safeMimeType', () => {
  it.each([
    ['image/png', 'image/png'],
    ['Image/PNG; x=y', 'image/png'],
    ['video/mp4', 'video/mp4'],
    ['audio/ogg', 'audio/ogg'],
    ['text/plain', 'text/plain'],
    ['application/pdf', 'application/pdf'],
    ['application/octet-stream', 'application/octet-stream'],
    ['text/html', 'application/octet-stream'],
    ['application/xhtml+xml', 'application/octet-stream'],
    ['image/svg+xml', 'application/octet-stream'],
    ['text/xml', 'application/octet-stream'],
    ['application/xml', 'application/octet-stream'],
    ['text/javascript', 'application/octet-stream'],
    ['application/x-msdownload', 'application/octet-stream'],
    ['', 'application/octet-stream'],
    ['not a type', 'application/octet-stream'],
    ['image/png\u0000', 'application/octet-stream'],
  ])('%j → %j', (input, expected) => {
    expect(safeMimeType(input)).toBe(expected);
  });
});
