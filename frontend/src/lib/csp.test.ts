import { describe, expect, it } from 'vitest';
import { policyAllowsImage, sampleTile } from './csp';

const SELF = 'http://127.0.0.1:8080';
const OSM = sampleTile('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
const SERVER = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'";

describe("the page's policy for images", () => {
  it('refuses a tile host the policy leaves out (the server as it is), allows it once named', () => {
    expect(OSM).toBe('https://tile.openstreetmap.org/0/0/0.png');
    expect(policyAllowsImage(SERVER, OSM, SELF)).toBe(false);
    expect(policyAllowsImage(SERVER.replace('blob:;', 'blob: https://tile.openstreetmap.org;'), OSM, SELF)).toBe(true);
    expect(policyAllowsImage(SERVER.replace('blob:;', 'blob: tile.openstreetmap.org;'), OSM, SELF)).toBe(true);
    expect(policyAllowsImage(SERVER.replace('blob:;', 'blob: https:;'), OSM, SELF)).toBe(true);
    expect(policyAllowsImage(SERVER.replace('blob:;', 'blob: *;'), OSM, SELF)).toBe(true);
  });

  it('reads wildcards, ports, paths, default-src and several policies', () => {
    const a = sampleTile('https://{s}.tile.example.org/{z}/{x}/{y}.png');
    expect(a).toBe('https://a.tile.example.org/0/0/0.png');
    expect(policyAllowsImage("img-src https://*.tile.example.org", a, SELF)).toBe(true);
    expect(policyAllowsImage("img-src https://*.example.com", a, SELF)).toBe(false);
    expect(policyAllowsImage("img-src https://a.tile.example.org:8443", a, SELF)).toBe(false);
    expect(policyAllowsImage("img-src https://a.tile.example.org:443", a, SELF)).toBe(true);
    expect(policyAllowsImage("img-src https://a.tile.example.org/0/", a, SELF)).toBe(true);
    expect(policyAllowsImage("img-src https://a.tile.example.org/tiles/", a, SELF)).toBe(false);
    expect(policyAllowsImage("default-src 'self'", a, SELF)).toBe(false);
    expect(policyAllowsImage("script-src 'self'", a, SELF)).toBe(true);
    expect(policyAllowsImage("img-src 'none'", a, SELF)).toBe(false);
    expect(policyAllowsImage("img-src *, img-src 'self'", a, SELF)).toBe(false);
    // A tile server of the site itself.
    expect(policyAllowsImage(SERVER, sampleTile('http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png'), SELF)).toBe(true);
  });
});
