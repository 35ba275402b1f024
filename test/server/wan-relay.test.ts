// The bench's slow network (bench/lib/wan.mjs): its figures are only worth something if the relays
// really hold every datagram and every TCP chunk for the stated time, in order, both ways.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM bench module without types
import { startWan } from '../../bench/lib/wan.mjs';

const ONE_WAY = 60;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function udpSocket(): Promise<dgram.Socket> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    cleanups.push(() => socket.close());
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

const nextMessage = (socket: dgram.Socket) =>
  new Promise<{ text: string; from: dgram.RemoteInfo; at: number }>((resolve) =>
    socket.once('message', (message, from) => resolve({ text: message.toString(), from, at: performance.now() })),
  );

describe('bench slow network', () => {
  it('relays datagrams to the candidate and back, each way after the one-way delay', async () => {
    const wan = await startWan({ target: { host: '127.0.0.1', port: 1 }, oneWayMs: ONE_WAY });
    cleanups.push(() => wan.close());
    const [callee, caller] = await Promise.all([udpSocket(), udpSocket()]);
    const relay = await wan.relayFor('127.0.0.1', callee.address().port);
    expect(relay.port).not.toBe(callee.address().port);

    const sent = performance.now();
    const arrival = nextMessage(callee);
    caller.send('ping', relay.port, relay.ip);
    const ping = await arrival;
    expect(ping.text).toBe('ping');
    expect(ping.at - sent).toBeGreaterThanOrEqual(ONE_WAY - 2);
    // The callee sees a relay socket, not the caller, as the sender: its reply must go back through it.
    expect(ping.from.port).not.toBe(caller.address().port);

    const back = nextMessage(caller);
    const replied = performance.now();
    callee.send('pong', ping.from.port, ping.from.address);
    const pong = await back;
    expect(pong.text).toBe('pong');
    expect(pong.at - replied).toBeGreaterThanOrEqual(ONE_WAY - 2);
    // From the address the caller wrote to, as ICE requires of a response.
    expect(pong.from.port).toBe(relay.port);
    // One relay per candidate, however often it is asked for.
    expect((await wan.relayFor('127.0.0.1', callee.address().port)).port).toBe(relay.port);
  });

  it('keeps two sources apart, like a NAT: each gets the answers to its own datagrams', async () => {
    const wan = await startWan({ target: { host: '127.0.0.1', port: 1 }, oneWayMs: 5 });
    cleanups.push(() => wan.close());
    const [callee, first, second] = await Promise.all([udpSocket(), udpSocket(), udpSocket()]);
    const relay = await wan.relayFor('127.0.0.1', callee.address().port);
    // The callee echoes every datagram to whoever sent it.
    callee.on('message', (message, from) => callee.send(`echo ${message}`, from.port, from.address));
    const answers = Promise.all([nextMessage(first), nextMessage(second)]);
    first.send('one', relay.port, relay.ip);
    second.send('two', relay.port, relay.ip);
    const [a, b] = await answers;
    expect([a.text, b.text]).toEqual(['echo one', 'echo two']);
  });

  it('holds TCP traffic half the one-way delay in each direction and keeps its order', async () => {
    const echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => echo.close(resolve)));
    const port = (echo.address() as net.AddressInfo).port;
    const wan = await startWan({ target: { host: '127.0.0.1', port }, oneWayMs: ONE_WAY });
    cleanups.push(() => wan.close());

    const client = net.connect(wan.port, '127.0.0.1');
    cleanups.push(() => client.destroy());
    await new Promise((resolve) => client.once('connect', resolve));
    let received = '';
    const done = new Promise<number>((resolve) =>
      client.on('data', (chunk) => {
        received += chunk.toString();
        if (received.length >= 30) resolve(performance.now());
      }),
    );
    const sent = performance.now();
    for (let i = 0; i < 10; i++) client.write(`${String(i).padStart(2, '0')},`);
    const at = await done;
    expect(received).toBe('00,01,02,03,04,05,06,07,08,09,');
    // Out and back: two halves of the one-way delay each way.
    expect(at - sent).toBeGreaterThanOrEqual(ONE_WAY - 2);
  });
});
