/**
 * The bandwidth estimate a call's video starts from, in kbit/s, written into our own offers and
 * answers as `x-google-start-bitrate` (Chromium reads it from the remote description; other
 * browsers ignore it). Chromium's default, 300, is below what it lets a 640×480 picture start
 * with when the encoder already has bitrate at the first frame — the case for a primed sender
 * (sender-primer.ts) — and it then drops the first frames to ask the camera for a smaller size.
 * 800 is what Jitsi Meet starts from; the estimate falls within a second on a slower link.
 */
export const VIDEO_START_KBPS = 800;

/** Video codecs (by rtpmap name) that get the start bitrate; rtx, red and fec carry none. */
const VIDEO_CODECS = new Set(['vp8', 'vp9', 'h264', 'h265', 'av1']);

/**
 * Returns `sdp` with `x-google-start-bitrate=kbps` on every video codec's format parameters:
 * appended to its `a=fmtp` line, or as a new one right after its `a=rtpmap` line. A codec that
 * already names a start bitrate keeps its own. Anything that is not a video codec is untouched.
 */
export function withVideoStartBitrate(sdp: string, kbps: number = VIDEO_START_KBPS): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  // Payload types of video codecs, per m-section (payload types are scoped to their section).
  const out: string[] = [];
  let video = false;
  let codecs = new Set<string>();
  const sections: { start: number; codecs: Set<string> }[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      video = line.startsWith('m=video ');
      codecs = new Set();
      sections.push({ start: out.length, codecs });
    }
    const rtpmap = video ? /^a=rtpmap:(\d+) ([^/]+)\//.exec(line) : null;
    out.push(line);
    if (rtpmap && VIDEO_CODECS.has(rtpmap[2]!.toLowerCase())) codecs.add(rtpmap[1]!);
  }
  // Second pass per section: fmtp lines may come before or after their rtpmap.
  for (let s = sections.length - 1; s >= 0; s--) {
    const { start, codecs: types } = sections[s]!;
    let end = s + 1 < sections.length ? sections[s + 1]!.start : out.length;
    for (const pt of types) {
      const fmtp = out.findIndex((line, i) => i >= start && i < end && line.startsWith(`a=fmtp:${pt} `));
      if (fmtp >= 0) {
        if (!/x-google-start-bitrate=/.test(out[fmtp]!)) out[fmtp] += `;x-google-start-bitrate=${kbps}`;
        continue;
      }
      const rtpmap = out.findIndex((line, i) => i >= start && i < end && line.startsWith(`a=rtpmap:${pt} `));
      out.splice(rtpmap + 1, 0, `a=fmtp:${pt} x-google-start-bitrate=${kbps}`);
      end++;
    }
  }
  return out.join(eol);
}
