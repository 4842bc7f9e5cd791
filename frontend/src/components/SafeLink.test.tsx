import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalLink, SafeLink } from './ui';
import { setLocale } from '../lib/i18n';

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('links to addresses people typed', () => {
  it('link http(s) addresses and paths on this server', () => {
    act(() =>
      render(
        <>
          <SafeLink url="/lampiran/1/rab.pdf">rab.pdf</SafeLink>
          <ExternalLink url="https://meet.example.org/x">Tautan daring</ExternalLink>
        </>,
        root,
      ),
    );
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['/lampiran/1/rab.pdf', 'https://meet.example.org/x']);
    expect(links[1].getAttribute('target')).toBe('_blank');
    expect(links[1].getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[1].textContent).toBe('Tautan daring (membuka tab baru)');
  });

  it('show anything else as plain text, without an href', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '//evil.example/x', 'nonsense']) {
      act(() => render(<ExternalLink url={url}>Foto</ExternalLink>, root));
      expect(root.querySelector('a'), url).toBeNull();
      expect(root.querySelector('[href]'), url).toBeNull();
      expect(root.textContent, url).toBe('Foto (tautan tidak ditampilkan: bukan alamat http(s))');
    }
  });
});
