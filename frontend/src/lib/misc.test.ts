import { describe, expect, it } from 'vitest';
import { id } from './messages/id';
import { en } from './messages/en';
import { label, t } from './i18n';
import { match } from './router';
import { threadComments } from '../components/Comments';
import { boundsOf, project } from '../components/MapView';

describe('messages', () => {
  it('exist in both languages, none empty, with the same placeholders', () => {
    for (const key of Object.keys(id) as Array<keyof typeof id>) {
      expect(en[key], key).toBeTruthy();
      expect(id[key], key).toBeTruthy();
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(en[key]), key).toEqual(names(id[key]));
    }
  });
  it('fill placeholders and label enum values, showing unknown values as sent', () => {
    expect(t('pager.range', { from: 1, to: 20, total: 300 }, 'id')).toBe('Menampilkan 1–20 dari 300');
    expect(label('status', 'SUBMITTED', 'id')).toBe('Diajukan');
    expect(label('status', 'SUBMITTED', 'en')).toBe('Submitted');
    expect(label('status', 'SOMETHING_NEW', 'id')).toBe('SOMETHING_NEW');
  });
});

describe('routes', () => {
  it('match parameters', () => {
    expect(match('/usulan/:id', '/usulan/42')).toEqual({ id: '42' });
    expect(match('/usulan/:id', '/usulan/42/ubah')).toBeNull();
    expect(match('/', '/')).toEqual({});
  });
});

describe('comment threads', () => {
  it('nest replies under their parents, keeping order', () => {
    const c = (id: number, parentId: number | null) => ({ id, parentId, createdAt: '', hidden: false, hiddenReason: null, body: `${id}`, author: null, attachments: [] });
    const tree = threadComments([c(1, null), c(2, 1), c(3, null), c(4, 2), c(5, 99)]);
    expect(tree.map((n) => n.id)).toEqual([1, 3, 5]);
    expect(tree[0].replies[0].id).toBe(2);
    expect(tree[0].replies[0].replies[0].id).toBe(4);
  });
});

describe('the map', () => {
  it('frames the points with a margin and puts north up', () => {
    const b = boundsOf([
      { lat: -7.63, lon: 111.5 },
      { lat: -7.59, lon: 111.54 },
    ])!;
    expect(b.minLat).toBeLessThan(-7.63);
    expect(b.maxLon).toBeGreaterThan(111.54);
    const north = project(b, 1000, -7.59, 111.52);
    const south = project(b, 1000, -7.63, 111.52);
    expect(north.y).toBeLessThan(south.y);
    expect(boundsOf([])).toBeNull();
  });
});
