import { describe, expect, it } from 'vitest';
import { safeHref, safeNextPath } from './links';

describe('safeHref', () => {
  it('keeps http(s) addresses with a host, normalised', () => {
    expect(safeHref('https://example.org/foto/1.jpg')).toBe('https://example.org/foto/1.jpg');
    expect(safeHref('http://meet.example.org/musrenbang?x=1#y')).toBe('http://meet.example.org/musrenbang?x=1#y');
    expect(safeHref('  HTTPS://Example.ORG  ')).toBe('https://example.org/');
    expect(safeHref('https://[::1]:8080/a')).toBe('https://[::1]:8080/a');
  });

  it('keeps paths on this server (one leading slash)', () => {
    expect(safeHref('/lampiran/12/rab.pdf')).toBe('/lampiran/12/rab.pdf');
    expect(safeHref('/')).toBe('/');
    expect(safeHref('/a?b=c#d')).toBe('/a?b=c#d');
  });

  it('refuses script and data schemes, whatever their case or padding', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:image/png;base64,iVBORw0KGgo=',
      'vbscript:msgbox(1)',
      'blob:https://example.org/0b5d3b',
      'file:///etc/passwd',
      'mailto:lurah@example.org',
      'ftp://example.org/x',
    ]) {
      expect(safeHref(url), url).toBeUndefined();
    }
  });

  it('refuses protocol-relative and backslash tricks that leave the site', () => {
    for (const url of ['//evil.example', ' //evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example', 'https:\\\\evil.example']) {
      expect(safeHref(url), url).toBeUndefined();
    }
  });

  it('refuses what does not parse or has no host, and non-strings', () => {
    for (const url of ['', '   ', 'http://', 'https://', 'http://:80', 'foto.jpg', 'example.org/foto.jpg', 'https//example.org', '%']) {
      expect(safeHref(url), url).toBeUndefined();
    }
    expect(safeHref(null)).toBeUndefined();
    expect(safeHref(undefined)).toBeUndefined();
    expect(safeHref(42 as unknown as string)).toBeUndefined();
  });
});

describe('safeNextPath', () => {
  it('allows only paths on this site after signing in', () => {
    expect(safeNextPath('/usulan/42')).toBe('/usulan/42');
    expect(safeNextPath('/masuk?next=/x')).toBe('/masuk?next=/x');
    expect(safeNextPath('https://evil.example/')).toBeUndefined();
    expect(safeNextPath('//evil.example')).toBeUndefined();
    expect(safeNextPath('/\\evil.example')).toBeUndefined();
    expect(safeNextPath('javascript:alert(1)')).toBeUndefined();
    expect(safeNextPath(null)).toBeUndefined();
  });
});
