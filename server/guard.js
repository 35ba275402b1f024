// Limits on what one broker client may send. The broker relays small JSON messages (SDP offers and
// answers, ICE candidates, heartbeats); anything far beyond that is a broken or hostile client, and
// without limits one of them could fill the server's memory (peer queues messages for absent ids)
// or its log (one line per unparsable frame).

/** How long a socket closed for abuse may take to answer the close before it is cut. */
const CLOSE_GRACE_MS = 1_000;

export const BROKER_LIMITS = Object.freeze({
  /** Largest frame accepted (ws closes the socket with 1009 beyond it). An SDP offer is a few KiB. */
  maxFrameBytes: 64 * 1024,
  /** Messages a client may send at once, and per second after that (an agent answering many visitors at once bursts). */
  burstMessages: 1_000,
  messagesPerSecond: 200,
  /** Bytes likewise. */
  burstBytes: 4 * 1024 * 1024,
  bytesPerSecond: 1024 * 1024,
  /**
   * OFFERs (each makes the receiving browser build a peer connection, and a browser makes at
   * most 500): a person's files dropped at once (each its own connection) and the odd call, then
   * a few a second. The elements also budget the offers they accept; this spares everyone else.
   */
  burstOffers: 100,
  offersPerSecond: 5,
  /** Frames that are not a broker message (not JSON, no type) before the socket is closed. */
  maxBadFrames: 20,
  /** One log line per this many ms for the same kind of trouble, with a count of the rest. */
  logIntervalMs: 5_000,
});

/**
 * A token bucket: `take(cost)` is false once more than `burst` has been taken faster than `perSecond`
 * refills it.
 * @param {number} burst
 * @param {number} perSecond
 * @param {() => number} now milliseconds
 */
export function createBucket(burst, perSecond, now = Date.now) {
  let tokens = burst;
  let last = now();
  return {
    /** @param {number} cost */
    take(cost) {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
}

/**
 * The `type` of a frame the broker understands (a JSON object with a string `type`), else null.
 * @param {import('ws').RawData} data
 * @returns {string | null}
 */
export function brokerMessageType(data) {
  try {
    const message = JSON.parse(String(data));
    return typeof message === 'object' && message !== null && !Array.isArray(message) && typeof message.type === 'string' ? message.type : null;
  } catch {
    return null;
  }
}

/**
 * Whether a frame is something the broker understands: a JSON object with a string `type`.
 * @param {import('ws').RawData} data
 */
export function isBrokerMessage(data) {
  return brokerMessageType(data) !== null;
}

/**
 * Meters one client socket: closes it (1008, policy violation) when it sends faster than the limits
 * allow or keeps sending frames that are not broker messages. PeerJS reconnects a closed socket by
 * itself, so a legitimate client that ever trips this loses nothing but a moment.
 * @param {import('ws').WebSocket} socket
 * @param {{ limits?: typeof BROKER_LIMITS, now?: () => number, onClose?: (reason: string) => void }} [options]
 */
export function guardSocket(socket, { limits = BROKER_LIMITS, now = Date.now, onClose = () => {} } = {}) {
  const messages = createBucket(limits.burstMessages, limits.messagesPerSecond, now);
  const bytes = createBucket(limits.burstBytes, limits.bytesPerSecond, now);
  const offers = createBucket(limits.burstOffers, limits.offersPerSecond, now);
  let bad = 0;
  let closed = false;
  /** @param {string} reason */
  const close = (reason) => {
    closed = true;
    onClose(reason);
    socket.close(1008, reason);
    // ws goes on handing peer every frame until the client answers the close, and a hostile one
    // never does: read nothing more, and cut the connection if it has not gone in a second.
    socket.pause();
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref?.();
  };
  socket.on('message', (data) => {
    if (closed) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (!messages.take(1) || !bytes.take(size)) return close('Too many messages');
    const type = brokerMessageType(data);
    if (type === null && ++bad > limits.maxBadFrames) close('Too many invalid messages');
    else if (type === 'OFFER' && !offers.take(1)) close('Too many connection offers');
  });
}

/**
 * A log that writes the first line of each kind at once and then at most one per `intervalMs`,
 * saying how many it left out meanwhile.
 * @param {(line: string) => void} log
 * @param {number} intervalMs
 * @param {() => number} now
 */
export function createThrottledLog(log, intervalMs, now = Date.now) {
  /** @type {Map<string, { next: number, skipped: number, since: number }>} */
  const kinds = new Map();
  /**
   * @param {string} kind lines of one kind share a budget
   * @param {string} line
   */
  return (kind, line) => {
    const t = now();
    const state = kinds.get(kind);
    if (state && t < state.next) {
      state.skipped++;
      return;
    }
    const skipped = state?.skipped ?? 0;
    kinds.set(kind, { next: t + intervalMs, skipped: 0, since: t });
    const line1 = printable(line);
    log(skipped ? `${line1} (and ${skipped} more like it since the previous one, ${Math.round((t - (state?.since ?? t)) / 1000)} s ago)` : line1);
  };
}

/**
 * One line of at most 300 characters with control characters escaped, and the invisible ones that
 * reorder or hide text (bidi controls, zero-width characters): lines can quote what a client
 * sent, and a client must not be able to forge, break up or disguise log lines.
 * @param {string} line
 */
export function printable(line) {
  const escaped = line.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 300 ? `${escaped.slice(0, 299)}…` : escaped;
}
