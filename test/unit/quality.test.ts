import { describe, expect, it } from 'vitest';
import { qualityFrom, sampleFrom, type Quality, type StatsSample } from '../../src/session/quality.js';

const sample = (packetsReceived: number, packetsLost: number, rtt?: number): StatsSample =>
  rtt === undefined ? { packetsReceived, packetsLost, bytesReceived: 0 } : { rtt, packetsReceived, packetsLost, bytesReceived: 0 };

/** The figures qualityFrom reads, without any other field sampleFrom may add. */
const core = ({ rtt, packetsReceived, packetsLost }: StatsSample): Pick<StatsSample, 'rtt' | 'packetsReceived' | 'packetsLost'> =>
  rtt === undefined ? { packetsReceived, packetsLost } : { rtt, packetsReceived, packetsLost };

describe('qualityFrom: RTT thresholds (no previous sample, so no loss)', () => {
  it.each([
    [0, 'good', 0],
    [0.05, 'good', 50],
    [0.299, 'good', 299],
    [0.2994, 'good', 299], // rounds down to 299 ms
    [0.2995, 'fair', 300], // rounds up to 300 ms
    [0.3, 'fair', 300],
    [0.45, 'fair', 450],
    [0.5994, 'fair', 599],
    [0.5995, 'poor', 600], // rounds up to 600 ms
    [0.599, 'fair', 599],
    [0.6, 'poor', 600],
    [1.5, 'poor', 1500],
    [30, 'poor', 30000],
  ] as const)('rtt %s s → %s (%i ms)', (rtt, level, rttMs) => {
    expect(qualityFrom(undefined, sample(100, 0, rtt))).toStrictEqual({ level, rttMs, lossPercent: undefined });
  });
});

describe('qualityFrom: loss thresholds (no RTT)', () => {
  // previous = 0/0, so the deltas are the current totals.
  it.each([
    [1000, 0, 'good', 0],
    [990, 10, 'good', 1],
    [981, 19, 'good', 1.9],
    [9802, 198, 'fair', 2], // 1.98 % rounds to 2.0 %
    [9801, 199, 'fair', 2], // 1.99 % rounds to 2.0 %
    [98, 2, 'fair', 2],
    [97, 3, 'fair', 3],
    [93, 7, 'fair', 7],
    [9208, 792, 'fair', 7.9],
    [92, 8, 'poor', 8],
    [50, 50, 'poor', 50],
    [0, 10, 'poor', 100],
  ] as const)('%i received, %i lost → %s (%s %%)', (received, lost, level, lossPercent) => {
    expect(qualityFrom(sample(0, 0), sample(received, lost))).toStrictEqual({ level, rttMs: undefined, lossPercent });
  });

  it.each([
    [1.9, 'good'],
    [1.99, 'fair'], // one decimal: 2.0
    [2, 'fair'],
    [7.9, 'fair'],
    [7.96, 'poor'], // one decimal: 8.0
    [8, 'poor'],
  ] as const)('a loss of %s %% is %s', (percent, level) => {
    // 10 000 packets in the interval so percent × 100 packets are lost.
    const lost = Math.round(percent * 100);
    expect(qualityFrom(sample(0, 0), sample(10_000 - lost, lost)).level).toBe(level);
  });
});

describe('qualityFrom: RTT and loss combined (the worse one wins)', () => {
  it.each([
    [0.1, 0, 'good'],
    [0.1, 1, 'good'],
    [0.1, 2, 'fair'],
    [0.1, 8, 'poor'],
    [0.35, 0, 'fair'],
    [0.35, 1, 'fair'],
    [0.35, 7, 'fair'],
    [0.35, 8, 'poor'],
    [0.7, 0, 'poor'],
    [0.7, 1, 'poor'],
  ] as const)('rtt %s s, %i %% loss → %s', (rtt, lossPercent, level) => {
    const result = qualityFrom(sample(0, 0, 0.01), sample(100 - lossPercent, lossPercent, rtt));
    expect(result).toStrictEqual({ level, rttMs: Math.round(rtt * 1000), lossPercent });
  });
});

describe('qualityFrom: unknown and deltas', () => {
  it('is unknown with no RTT and no previous sample', () => {
    expect(qualityFrom(undefined, sample(500, 20))).toStrictEqual({ level: 'unknown' });
  });

  it('is unknown with no RTT and no packets since the previous sample', () => {
    expect(qualityFrom(sample(500, 20), sample(500, 20))).toStrictEqual({ level: 'unknown' });
  });

  it('with an RTT but no packet delta, reports RTT only', () => {
    expect(qualityFrom(sample(500, 20), sample(500, 20, 0.1))).toStrictEqual({ level: 'good', rttMs: 100, lossPercent: undefined });
  });

  it('ignores the previous sample RTT', () => {
    expect(qualityFrom(sample(0, 0, 5), sample(0, 0))).toStrictEqual({ level: 'unknown' });
  });

  it('computes loss from the deltas, not the cumulative totals', () => {
    // Cumulative: 50 % lost overall; in this interval 10 lost of 1000.
    const previous = sample(1000, 1000);
    const current = sample(1990, 1010);
    expect(qualityFrom(previous, current)).toStrictEqual({ level: 'good', rttMs: undefined, lossPercent: 1 });
  });

  it('a bad interval after a clean history is poor', () => {
    expect(qualityFrom(sample(100_000, 0), sample(100_090, 10)).level).toBe('poor'); // 10 %
  });

  it('clamps a negative lost delta to zero (duplicates can lower packetsLost)', () => {
    expect(qualityFrom(sample(1000, 50), sample(1100, 20))).toStrictEqual({ level: 'good', rttMs: undefined, lossPercent: 0 });
  });

  it('a negative lost delta with no received packets gives no loss figure', () => {
    expect(qualityFrom(sample(1000, 50), sample(1000, 10))).toStrictEqual({ level: 'unknown' });
  });

  it('rounds loss to one decimal', () => {
    // 1 of 3 → 33.333… → 33.3
    expect(qualityFrom(sample(0, 0), sample(2, 1)).lossPercent).toBe(33.3);
    // 2 of 3 → 66.666… → 66.7
    expect(qualityFrom(sample(0, 0), sample(1, 2)).lossPercent).toBe(66.7);
  });

  // Regression guard (a bug once in src/session/quality.ts, qualityFrom, lines 28-30 at time of writing): the received delta is not clamped like the lost delta.
  // When the summed inbound-rtp packetsReceived goes down between samples (an inbound stream's
  // stats disappear, e.g. after renegotiation), a small positive (received + lost) yields a loss
  // above 100 %: previous {1000 received, 0 lost}, current {995 received, 10 lost} →
  // received −5, lost 10 → lossPercent 200.
  it('never reports more than 100 % loss', () => {
    const result = qualityFrom(sample(1000, 0), sample(995, 10));
    expect(result.lossPercent === undefined || result.lossPercent <= 100).toBe(true);
  });
});

type Stat = { id: string; type: string; [key: string]: unknown };
const report = (...stats: Stat[]): RTCStatsReport => new Map(stats.map((s) => [s.id, s])) as unknown as RTCStatsReport;

describe('sampleFrom', () => {
  it('returns zeros and no RTT for an empty report', () => {
    expect(core(sampleFrom(report()))).toStrictEqual({ packetsReceived: 0, packetsLost: 0 });
    expect(sampleFrom(report()).bytesReceived).toBe(0);
  });

  it('uses the pair named by transport.selectedCandidatePairId', () => {
    const result = sampleFrom(
      report(
        { id: 'CPa', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.9 },
        { id: 'CPb', type: 'candidate-pair', nominated: false, state: 'in-progress', currentRoundTripTime: 0.04 },
        { id: 'T1', type: 'transport', selectedCandidatePairId: 'CPb' },
      ),
    );
    expect(result.rtt).toBe(0.04);
  });

  it('finds the transport even when it comes after the pairs in iteration order', () => {
    const result = sampleFrom(
      report(
        { id: 'CPb', type: 'candidate-pair', currentRoundTripTime: 0.12 },
        { id: 'CPa', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.5 },
        { id: 'T1', type: 'transport', selectedCandidatePairId: 'CPb' },
      ),
    );
    expect(result.rtt).toBe(0.12);
  });

  it('falls back to a nominated, succeeded pair when no transport names one', () => {
    const result = sampleFrom(
      report(
        { id: 'CP1', type: 'candidate-pair', nominated: true, state: 'in-progress', currentRoundTripTime: 0.7 },
        { id: 'CP2', type: 'candidate-pair', nominated: false, state: 'succeeded', currentRoundTripTime: 0.8 },
        { id: 'CP3', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.033 },
        { id: 'T1', type: 'transport' },
      ),
    );
    expect(result.rtt).toBe(0.033);
  });

  it('falls back when the transport selectedCandidatePairId is not a string', () => {
    const result = sampleFrom(
      report(
        { id: 'T1', type: 'transport', selectedCandidatePairId: 42 },
        { id: 'CP3', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.2 },
      ),
    );
    expect(result.rtt).toBe(0.2);
  });

  it('does not fall back to another pair when the selected pair is missing', () => {
    const result = sampleFrom(
      report(
        { id: 'T1', type: 'transport', selectedCandidatePairId: 'gone' },
        { id: 'CP3', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.2 },
      ),
    );
    expect(result.rtt).toBeUndefined();
  });

  it('has no RTT when no pair qualifies', () => {
    const result = sampleFrom(
      report(
        { id: 'CP1', type: 'candidate-pair', nominated: false, state: 'succeeded', currentRoundTripTime: 0.1 },
        { id: 'CP2', type: 'candidate-pair', nominated: true, state: 'failed', currentRoundTripTime: 0.1 },
      ),
    );
    expect(core(result)).toStrictEqual({ packetsReceived: 0, packetsLost: 0 });
  });

  it('has no RTT when the selected pair has no numeric currentRoundTripTime', () => {
    const result = sampleFrom(
      report({ id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' }, { id: 'CP1', type: 'candidate-pair', currentRoundTripTime: '0.1' }),
    );
    expect(result.rtt).toBeUndefined();
  });

  it('sums packets over every inbound-rtp and ignores other stat types', () => {
    const result = sampleFrom(
      report(
        { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: 1000, packetsLost: 5 },
        { id: 'IV', type: 'inbound-rtp', kind: 'video', packetsReceived: 4000, packetsLost: 20 },
        { id: 'OA', type: 'outbound-rtp', packetsSent: 9999 },
        { id: 'RA', type: 'remote-inbound-rtp', packetsReceived: 7777, packetsLost: 777 },
      ),
    );
    expect(core(result)).toStrictEqual({ packetsReceived: 5000, packetsLost: 25 });
  });

  it('treats missing or non-numeric packet counts as zero', () => {
    const result = sampleFrom(
      report(
        { id: 'I1', type: 'inbound-rtp', packetsReceived: 10 },
        { id: 'I2', type: 'inbound-rtp', packetsLost: 3 },
        { id: 'I3', type: 'inbound-rtp', packetsReceived: '50', packetsLost: null },
      ),
    );
    expect(core(result)).toStrictEqual({ packetsReceived: 10, packetsLost: 3 });
  });

  it('reads bytesReceived from the selected pair only', () => {
    const result = sampleFrom(
      report(
        { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP2' },
        { id: 'CP1', type: 'candidate-pair', nominated: true, state: 'succeeded', bytesReceived: 111 },
        { id: 'CP2', type: 'candidate-pair', bytesReceived: 222_000 },
        { id: 'I1', type: 'inbound-rtp', packetsReceived: 1, bytesReceived: 999 },
      ),
    );
    expect(result.bytesReceived).toBe(222_000);
  });

  it('reads bytesReceived from the fallback nominated, succeeded pair', () => {
    const result = sampleFrom(
      report(
        { id: 'CP1', type: 'candidate-pair', nominated: true, state: 'succeeded', bytesReceived: 4096 },
        { id: 'CP2', type: 'candidate-pair', nominated: false, state: 'succeeded', bytesReceived: 1 },
      ),
    );
    expect(result.bytesReceived).toBe(4096);
  });

  it('leaves bytesReceived at zero when it is not numeric', () => {
    const result = sampleFrom(
      report({ id: 'T1', type: 'transport', selectedCandidatePairId: 'CP' }, { id: 'CP', type: 'candidate-pair', bytesReceived: '10' }),
    );
    expect(result.bytesReceived).toBe(0);
  });

  it('feeds qualityFrom: two reports give a loss and RTT level', () => {
    const first = sampleFrom(
      report(
        { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP' },
        { id: 'CP', type: 'candidate-pair', currentRoundTripTime: 0.1 },
        { id: 'I1', type: 'inbound-rtp', packetsReceived: 1000, packetsLost: 0 },
      ),
    );
    const second = sampleFrom(
      report(
        { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP' },
        { id: 'CP', type: 'candidate-pair', currentRoundTripTime: 0.35 },
        { id: 'I1', type: 'inbound-rtp', packetsReceived: 1095, packetsLost: 5 },
      ),
    );
    const quality: Quality = qualityFrom(first, second);
    expect(quality).toStrictEqual({ level: 'fair', rttMs: 350, lossPercent: 5 });
  });
});
