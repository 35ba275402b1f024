import { describe, expect, it } from 'vitest';
import { withVideoStartBitrate } from '../../src/session/sdp.js';

const SDP = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 45',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=fmtp:98 profile-id=0',
  'a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:99 H264/90000',
  'a=rtpmap:45 AV1/90000',
  'a=fmtp:45 x-google-start-bitrate=2000',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

describe('withVideoStartBitrate', () => {
  const out = withVideoStartBitrate(SDP, 800).split('\r\n');

  it('adds an fmtp line after the rtpmap of a video codec that has none', () => {
    expect(out[out.indexOf('a=rtpmap:96 VP8/90000') + 1]).toBe('a=fmtp:96 x-google-start-bitrate=800');
  });

  it('appends to existing fmtp lines, wherever they stand in the section', () => {
    expect(out).toContain('a=fmtp:98 profile-id=0;x-google-start-bitrate=800');
    expect(out).toContain('a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f;x-google-start-bitrate=800');
  });

  it('leaves audio, retransmission codecs, other sections and an explicit start bitrate alone', () => {
    expect(out).toContain('a=fmtp:111 minptime=10;useinbandfec=1');
    expect(out).toContain('a=fmtp:97 apt=96');
    expect(out).toContain('a=fmtp:45 x-google-start-bitrate=2000');
    expect(out.filter((line) => line.includes('x-google-start-bitrate')).length).toBe(4);
    // The data section's (nonsensical) rtpmap is not a video codec of a video section.
    expect(out.slice(out.indexOf('m=application 9 UDP/DTLS/SCTP webrtc-datachannel'))).not.toContain('a=fmtp:96 x-google-start-bitrate=800');
    expect(out.at(-1)).toBe('');
  });

  it('is idempotent and keeps the line endings it was given', () => {
    expect(withVideoStartBitrate(withVideoStartBitrate(SDP, 800), 800)).toBe(withVideoStartBitrate(SDP, 800));
    const unix = withVideoStartBitrate(SDP.replaceAll('\r\n', '\n'), 800);
    expect(unix).not.toContain('\r');
    expect(unix).toContain('a=fmtp:96 x-google-start-bitrate=800\n');
  });
});
