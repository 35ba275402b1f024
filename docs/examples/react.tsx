// React 19 renders custom elements natively: attributes, properties and custom events work
// on <rtc-*> tags. TypeScript needs the tags declared once (this block) to type-check JSX.
import { useEffect, useRef, type DetailedHTMLProps, type HTMLAttributes } from 'react';
import 'rtc-elements';
import type { RtcCall, RtcEvent } from 'rtc-elements';

type ElementProps<T> = DetailedHTMLProps<HTMLAttributes<T>, T> & Record<string, unknown>;

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'rtc-call': ElementProps<RtcCall> & { 'remote-id'?: string; 'audio-only'?: boolean; onrtcEnded?: (event: RtcEvent<'rtc-ended'>) => void };
      'rtc-chat': ElementProps<HTMLElement> & { 'remote-id'?: string };
      'rtc-support': ElementProps<HTMLElement> & { agent: string };
    }
  }
}

export function SupportCall({ agent }: { agent: string }) {
  const call = useRef<RtcCall>(null);
  useEffect(() => {
    const element = call.current;
    const onEnded = (event: RtcEvent<'rtc-ended'>) => console.info('call ended:', event.detail.reason);
    element?.addEventListener('rtc-ended', onEnded);
    return () => element?.removeEventListener('rtc-ended', onEnded);
  }, []);
  return (
    <section>
      <rtc-call ref={call} remote-id={agent} style={{ height: 420 }} />
      <rtc-chat remote-id={agent} />
      <button onClick={() => call.current?.call()}>Call {agent}</button>
    </section>
  );
}
