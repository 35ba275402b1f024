/**
 * A consumer's view of the public types, compiled by `npm run typecheck` (tsc --noEmit): if a
 * tag map entry or an event detail type goes missing, this file stops compiling.
 */
import type { CallEndReason, RtcCall, RtcChat, RtcInbox, RtcSupport } from '../../src/index.js';

export function consumer(): void {
  const call: RtcCall | null = document.querySelector('rtc-call');
  call?.call('someone', { audioOnly: true });
  call?.addEventListener('rtc-ended', (event) => {
    const reason: CallEndReason = event.detail.reason;
    const ms: number = event.detail.durationMs;
    void reason;
    void ms;
  });
  document.addEventListener('rtc-error', (event) => console.warn(event.detail.code, event.detail.message));
  document.addEventListener('rtc-incoming', (event) => console.info(event.detail.from, event.detail.video));

  const chat: RtcChat = document.createElement('rtc-chat');
  chat.remoteId = 'agent';
  const id: string | null = chat.send('hello');
  void id;
  chat.addEventListener('rtc-file', (event) => {
    const file: File = event.detail.file;
    void file;
  });
  chat.addEventListener('rtc-unread', (event) => {
    const count: number = event.detail.count;
    void count;
  });

  const support: RtcSupport = document.createElement('rtc-support');
  support.agent = 'acme-help';
  support.show();
  const inbox: RtcInbox = document.createElement('rtc-inbox');
  inbox.setPresence('away');

  // @ts-expect-error: rtc-ended carries no `text`; a typo must not compile.
  call?.addEventListener('rtc-ended', (event) => event.detail.text);
}
