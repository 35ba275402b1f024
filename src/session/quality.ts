/**
 * Connection quality from two consecutive getStats() samples, pure so it is unit-tested.
 * Thresholds follow common practice for interactive calls: under 300 ms RTT and 2 % loss feels
 * live; past 600 ms or 8 % people talk over each other.
 */
export type QualityLevel = 'unknown' | 'good' | 'fair' | 'poor';

export interface StatsSample {
  /** Seconds, from the selected candidate pair. */
  rtt?: number;
  /** Bytes received on the selected candidate pair: RTP, RTCP and SCTP all count. */
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
}

export interface Quality {
  level: QualityLevel;
  rttMs?: number;
  /** Percentage of packets lost since the previous sample. */
  lossPercent?: number;
}

export function qualityFrom(previous: StatsSample | undefined, current: StatsSample): Quality {
  const rttMs = current.rtt === undefined ? undefined : Math.round(current.rtt * 1000);
  let lossPercent: number | undefined;
  if (previous) {
    // A stream whose stats vanished between samples must not make the deltas negative.
    const received = Math.max(0, current.packetsReceived - previous.packetsReceived);
    const lost = Math.max(0, current.packetsLost - previous.packetsLost);
    if (received + lost > 0) lossPercent = Math.round((lost / (received + lost)) * 1000) / 10;
  }
  if (rttMs === undefined && lossPercent === undefined) return { level: 'unknown' };
  const rtt = rttMs ?? 0;
  const loss = lossPercent ?? 0;
  const level: QualityLevel = rtt < 300 && loss < 2 ? 'good' : rtt < 600 && loss < 8 ? 'fair' : 'poor';
  return { level, rttMs, lossPercent };
}

/** Reads the figures qualityFrom needs out of an RTCStatsReport. */
export function sampleFrom(report: RTCStatsReport): StatsSample {
  const sample: StatsSample = { packetsReceived: 0, packetsLost: 0, bytesReceived: 0 };
  let selectedPair: string | undefined;
  report.forEach((stat: { type: string; [key: string]: unknown }) => {
    if (stat.type === 'transport' && typeof stat.selectedCandidatePairId === 'string') selectedPair = stat.selectedCandidatePairId;
  });
  report.forEach((stat: { type: string; [key: string]: unknown }) => {
    if (stat.type === 'candidate-pair' && (stat.id === selectedPair || (!selectedPair && stat.nominated && stat.state === 'succeeded'))) {
      if (typeof stat.currentRoundTripTime === 'number') sample.rtt = stat.currentRoundTripTime;
      if (typeof stat.bytesReceived === 'number') sample.bytesReceived = stat.bytesReceived;
    }
    if (stat.type === 'inbound-rtp') {
      sample.packetsReceived += typeof stat.packetsReceived === 'number' ? stat.packetsReceived : 0;
      sample.packetsLost += typeof stat.packetsLost === 'number' ? stat.packetsLost : 0;
    }
  });
  return sample;
}
