import { deepActiveElement, tabbableElements, tabOrderAround } from '../../src/elements/focus-order.js';
import { equal } from './helpers.js';

afterEach(() => document.body.replaceChildren());

/** A host with a shadow root holding `inner`, and `light` as its children (slotted where inner has a slot). */
function component(inner: string, light = ''): HTMLElement {
  const host = document.createElement('div');
  host.innerHTML = light;
  host.attachShadow({ mode: 'open' }).innerHTML = inner;
  return host;
}

const names = (elements: Element[]) => elements.map((element) => element.id).join(' ');

describe('tabbableElements', () => {
  it('lists what Tab visits in order, through shadow roots and slots, and skips what Tab skips', () => {
    const nested = component('<button id="n1">in nested</button><div hidden><button id="gone">in hidden</button></div>');
    const slotted = component('<button id="s0">before slot</button><slot></slot><input id="s2">', '<button id="s1">slotted</button>');
    const root = component(`
      <button id="a">first</button>
      <button id="off" disabled>disabled</button>
      <span id="minus" tabindex="-1">not in Tab order</span>
      <a id="link" href="#x">link</a>
      <a id="nolink">no href</a>
      <div style="display: none"><button id="undisplayed">display none</button></div>
      <div style="visibility: hidden"><button id="invisible">visibility hidden</button></div>
      <div inert><button id="inert">inert</button></div>
      <textarea id="t"></textarea>
      <span id="zero" tabindex="0">tabindex 0</span>`);
    root.shadowRoot!.append(nested, slotted);
    document.body.append(root);
    equal(names(tabbableElements(root.shadowRoot!)), 'a link t zero n1 s0 s1 s2');
  });

  it('is empty when nothing can take focus', () => {
    const root = component('<p>just text</p><button disabled>off</button>');
    document.body.append(root);
    equal(tabbableElements(root.shadowRoot!).length, 0);
  });
});

describe('tabOrderAround', () => {
  it('from an element Tab skips, names the tabbable neighbours on either side, across shadow roots', () => {
    const inner = component('<button id="i1">inner</button><span id="status" tabindex="-1">status</span><button id="i2">inner 2</button>');
    const root = component('<button id="a">first</button><p id="text">text</p><button id="z">last</button>');
    root.shadowRoot!.insertBefore(inner, root.shadowRoot!.querySelector('#z'));
    document.body.append(root);
    const status = inner.shadowRoot!.querySelector('#status')!;
    const around = tabOrderAround(root.shadowRoot!, status);
    equal(names(around.order), 'a i1 i2 z');
    equal(around.previous?.id, 'i1');
    equal(around.next?.id, 'i2');
    const fromText = tabOrderAround(root.shadowRoot!, root.shadowRoot!.querySelector('#text'));
    equal([fromText.previous?.id, fromText.next?.id].join(' '), 'a i1');
    // Something elsewhere (the page, or the host itself): no neighbours, the caller wraps.
    const outside = tabOrderAround(root.shadowRoot!, document.body);
    equal([outside.previous, outside.next].join(''), '');
  });
});

describe('deepActiveElement', () => {
  it('finds the focused element inside shadow roots, where document.activeElement stops at the host', () => {
    const inner = component('<input id="deep">');
    const outer = component('');
    outer.shadowRoot!.append(inner);
    document.body.append(outer);
    inner.shadowRoot!.querySelector('input')!.focus();
    equal(document.activeElement, outer);
    equal(deepActiveElement()?.id, 'deep');
  });
});
