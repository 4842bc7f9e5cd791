// Links from people's input (attachments, implementation photos, a session's online link) go
// through here before they become an `href` or a `src`: only http(s) addresses with a host and
// paths on this server. Everything else (`javascript:`, `data:`, `vbscript:`, `blob:`,
// protocol-relative `//host`, `/\host`, anything unparsable) gives undefined, and the view shows
// plain text instead of a link. The server refuses such links too (field code "url"); this
// covers what was stored before it did, and anything that slips past.

/** ASCII controls (the URL parser drops tabs and newlines, so "java\tscript:" is "javascript:") and backslashes (read as "/"). */
const SUSPICIOUS = /[\u0000-\u001f\u007f\\]/;

/**
 * The address to put in an `href` or `src`, or undefined when it must not be a link.
 * An absolute http(s) address comes back normalised (what the browser will follow); a path on
 * this server (one leading "/") comes back as given.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  const text = url.trim();
  if (text === '' || SUSPICIOUS.test(text)) return undefined;
  if (text.startsWith('/')) {
    // "//host" leaves the site; a single "/" stays on it whatever follows ("/..//x" is still here).
    return text.startsWith('//') ? undefined : text;
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (!parsed.hostname) return undefined;
  return parsed.href;
}

/** A path on this site to go to after signing in ("?next="), or undefined (never another site). */
export function safeNextPath(next: string | null | undefined): string | undefined {
  const href = safeHref(next);
  return href?.startsWith('/') ? href : undefined;
}
