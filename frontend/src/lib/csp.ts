/**
 * Whether the page's Content-Security-Policy lets it show an image from a URL: the map asks
 * before it loads tiles from elsewhere, so that a server whose policy leaves the tile host out
 * shows the plain map (with its note) instead of a map whose every tile the browser refuses,
 * each refusal a policy violation in the console.
 */

/** Every policy in a header (several are joined by commas) must allow it. */
export function policyAllowsImage(header: string, url: string, selfOrigin: string): boolean {
  return header
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .every((policy) => oneAllows(policy, url, selfOrigin));
}

function oneAllows(policy: string, url: string, selfOrigin: string): boolean {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  const sources = directives.get('img-src') ?? directives.get('default-src');
  if (!sources) return true;
  let target: URL;
  let self: URL;
  try {
    target = new URL(url);
    self = new URL(selfOrigin);
  } catch {
    return false;
  }
  return sources.some((source) => sourceMatches(source, target, self));
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '');

function sourceMatches(raw: string, url: URL, self: URL): boolean {
  const source = raw.trim();
  const lower = source.toLowerCase();
  if (lower === "'none'") return false;
  if (lower === "'self'") return url.origin === self.origin || (self.protocol === 'http:' && url.protocol === 'https:' && url.host === self.host);
  if (lower.startsWith("'")) return false; // nonces, hashes, 'unsafe-…': not about URLs
  if (lower === '*') return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === self.protocol;
  // A scheme alone: "https:", "data:".
  if (/^[a-z][a-z0-9+.-]*:$/.test(lower)) return url.protocol === lower || (lower === 'http:' && url.protocol === 'https:');
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^/:]+|\*)(?::(\d+|\*))?(\/.*)?$/i.exec(source);
  if (!m) return false;
  const [, scheme, wildcard, host, port, path] = m;
  if (scheme) {
    const s = `${scheme.toLowerCase()}:`;
    if (url.protocol !== s && !(s === 'http:' && url.protocol === 'https:')) return false;
  } else if (url.protocol !== self.protocol && !(self.protocol === 'http:' && url.protocol === 'https:')) return false;
  const hostname = url.hostname.toLowerCase();
  const want = host.toLowerCase();
  if (want !== '*') {
    if (wildcard ? !hostname.endsWith(`.${want}`) : hostname !== want) return false;
  }
  if (port !== '*') {
    // No port in the source: the scheme's default one.
    const actual = url.port || defaultPort(url.protocol);
    if (actual !== (port ?? defaultPort(url.protocol))) return false;
  }
  if (path && path !== '/') {
    const p = decodeURIComponent(url.pathname);
    return path.endsWith('/') ? p.startsWith(path) : p === path;
  }
  return true;
}

/** A tile of a URL template (`{s}`, `{z}`, `{x}`, `{y}`, `{r}` filled in), for asking about its host. */
export function sampleTile(template: string): string {
  return template.replace('{s}', 'a').replace('{z}', '0').replace('{x}', '0').replace('{y}', '0').replace('{r}', '').replace('{-y}', '0');
}

/**
 * Asks this site for its policy (a HEAD of the app's page) and whether it allows images from
 * the tile source. True when no policy is sent or it cannot be asked (offline: the tiles' own
 * failure then shows the plain map).
 */
export function pageAllowsImagesFrom(template: string): Promise<boolean> {
  let answer = asked.get(template);
  if (!answer) {
    answer = fetch('/', { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' }).then(
      (res) => {
        const header = res.headers.get('content-security-policy');
        return !header || policyAllowsImage(header, sampleTile(template), location.origin);
      },
      () => {
        asked.delete(template);
        return true;
      },
    );
    asked.set(template, answer);
  }
  return answer;
}

/** Asked once per tile source and page load (again after a failed ask). */
const asked = new Map<string, Promise<boolean>>();
