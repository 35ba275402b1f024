import type { RawData, WebSocket } from 'ws';

export declare const BROKER_LIMITS: Readonly<{
  maxFrameBytes: number;
  burstMessages: number;
  messagesPerSecond: number;
  burstBytes: number;
  bytesPerSecond: number;
  burstOffers: number;
  offersPerSecond: number;
  maxBadFrames: number;
  logIntervalMs: number;
}>;

export declare function createBucket(burst: number, perSecond: number, now?: () => number): { take(cost: number): boolean };
export declare function brokerMessageType(data: RawData): string | null;
export declare function isBrokerMessage(data: RawData): boolean;
export declare function guardSocket(
  socket: WebSocket,
  options?: { limits?: typeof BROKER_LIMITS; now?: () => number; onClose?: (reason: string) => void },
): void;
export declare function createThrottledLog(log: (line: string) => void, intervalMs: number, now?: () => number): (kind: string, line: string) => void;
export declare function printable(line: string): string;
