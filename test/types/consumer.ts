/**
 * A consumer's view of the public types, compiled by `npm run typecheck` (tsc --noEmit): if a
 * tag map entry or an event detail type goes missing, this file stops compiling.
 */
import type { CallEndReason, ChatEntry, ChatPersistence, RtcCall, RtcChat, RtcInbox, RtcSupport, SessionOptions, Strings } from '../../src/index.js';

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
  // Every event the README lists is typed, the support panel's and the console's too.
  support.addEventListener('rtc-open', (event) => void event.detail);
  support.addEventListener('rtc-close', (event) => void event.detail);
  inbox.addEventListener('rtc-conversation', (event) => {
    const visitor: string = event.detail.id;
    void visitor;
  });

  // The types a translation, a transcript and a hand-made session are written with.
  const french: Partial<Strings> = { call: 'Appel vidéo' };
  const entries: readonly ChatEntry[] = [];
  const persistence: ChatPersistence = 'local';
  const options: Partial<SessionOptions> = {};
  void [french, entries, persistence, options];

  // @ts-expect-error: rtc-ended carries no `text`; a typo must not compile.
  call?.addEventListener('rtc-ended', (event) => event.detail.text);
}
