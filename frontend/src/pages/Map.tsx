import type { ComponentType } from 'preact';
import { useClient, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Loading, Notice, PageTitle, TableWrap, StatusBadge } from '../components/ui';
import { MapView, type MapPoint } from '../components/MapView';
import type { TileSource } from '../components/LeafletMap';
import { MAP_TILES } from '../lib/documents/map';
import { pageAllowsImagesFrom } from '../lib/csp';
import { toApiError, type ApiError } from '../lib/errors';
import { formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { PROPOSALS } from '../lib/queries';
import { FORUMS } from '../lib/documents/forums';
import { Link, setQuery, useRoute } from '../lib/router';
import { STATUSES } from './Proposals';

const MAX_POINTS = 500;

/** Every proposal matching the filter, page by page (the API gives at most 100 at a time). */
function useAllProposals(filter: Record<string, unknown>) {
  const client = useClient();
  const [state, setState] = useState<{ items: any[]; total: number; loading: boolean; error: ApiError | null }>({ items: [], total: 0, loading: true, error: null });
  const key = JSON.stringify(filter);
  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    (async () => {
      const items: any[] = [];
      let after: string | undefined;
      let total = 0;
      for (;;) {
        const r = await client.query(PROPOSALS, { filter, sort: 'OLDEST', first: 100, after }).toPromise();
        if (cancelled) return;
        if (r.error) return setState({ items, total, loading: false, error: toApiError(r.error) });
        const page = r.data.proposals;
        total = page.totalCount;
        items.push(...page.nodes);
        if (!page.pageInfo.hasNextPage || items.length >= MAX_POINTS) break;
        after = page.pageInfo.endCursor;
      }
      setState({ items, total, loading: false, error: null });
    })();
    return () => {
      cancelled = true;
    };
  }, [client, key]);
  return state;
}

type LeafletMapProps = { points: MapPoint[]; caption: string; tiles: TileSource; onTilesFailed: () => void };

/**
 * The tiled map when the server names a tile source: Leaflet (and its stylesheet) is fetched
 * only here, on first use. Null while it loads; `failed` when it cannot be fetched, or when the
 * site's Content-Security-Policy does not let the page show images from the tile source (each
 * tile would be refused).
 */
function useLeaflet(template: string | null): { Map: ComponentType<LeafletMapProps> | null; failed: boolean } {
  const [state, setState] = useState<{ Map: ComponentType<LeafletMapProps> | null; failed: boolean }>({ Map: null, failed: false });
  useEffect(() => {
    if (!template) return;
    let live = true;
    (async () => {
      if (!(await pageAllowsImagesFrom(template))) return live && setState({ Map: null, failed: true });
      const m = await import('../components/LeafletMap');
      if (live) setState({ Map: m.default, failed: false });
    })().catch(() => live && setState({ Map: null, failed: true }));
    return () => {
      live = false;
    };
  }, [template]);
  return state;
}

export default function MapPage() {
  const { query } = useRoute();
  const forumId = query.get('forum') ?? '';
  const status = query.get('status') ?? '';
  const [forums] = useQuery({ query: FORUMS, variables: { filter: {}, first: 100 } });
  const filter: Record<string, unknown> = {};
  if (forumId) filter.forumId = Number(forumId);
  if (status) filter.statuses = [status];
  const all = useAllProposals(filter);
  // The background: null (or an older server without the field) is the plain view.
  const [tilesResult] = useQuery({ query: MAP_TILES });
  const tiles: TileSource | null = tilesResult.data?.mapTiles ?? null;
  const leaflet = useLeaflet(tiles?.urlTemplate ?? null);
  const [tilesFailed, setTilesFailed] = useState(false);
  const tiled = !!tiles && !tilesFailed && !leaflet.failed;
  const points: MapPoint[] = all.items
    .filter((p) => p.latitude !== null && p.longitude !== null)
    .map((p) => ({ id: p.id, lat: p.latitude, lon: p.longitude, title: `${p.code} ${p.title}`, status: p.status, href: `/usulan/${p.id}` }));
  const forumName = (forums.data?.forums.nodes ?? []).find((f: any) => String(f.id) === forumId)?.name;
  const caption = t('map.caption', { n: points.length, total: all.total, where: forumName ?? t('map.everywhere') });
  return (
    <div class="stack">
      <PageTitle title={t('map.title')}>{t('map.title')}</PageTitle>
      <p>{t('map.lead')}</p>
      <div class="filters card">
        <div class="field field--wide">
          <label for="map-forum">{t('proposal.forum')}</label>
          <select id="map-forum" value={forumId} onChange={(e) => setQuery({ forum: e.currentTarget.value })}>
            <option value="">{t('common.all')}</option>
            {(forums.data?.forums.nodes ?? [])
              .filter((f: any) => f.level === 'DESA_KELURAHAN' || f.level === 'KECAMATAN')
              .map((f: any) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
          </select>
        </div>
        <div class="field">
          <label for="map-status">{t('proposal.status')}</label>
          <select id="map-status" value={status} onChange={(e) => setQuery({ status: e.currentTarget.value })}>
            <option value="">{t('common.all')}</option>
            {STATUSES.filter((s) => s !== 'DRAFT').map((s) => (
              <option key={s} value={s}>
                {label('status', s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBox error={all.error} />
      {all.loading || tilesResult.fetching || (tiled && points.length > 0 && !leaflet.Map) ? (
        <Loading />
      ) : (
        <>
          {tiled && points.length > 0 && leaflet.Map ? (
            <leaflet.Map points={points} caption={caption} tiles={tiles!} onTilesFailed={() => setTilesFailed(true)} />
          ) : (
            <>
              {tiles && points.length > 0 && (
                <div data-testid="map-no-tiles">
                  <Notice>{t('map.noTiles')}</Notice>
                </div>
              )}
              <MapView points={points} caption={caption} />
            </>
          )}
          <details class="card">
            <summary>{t('map.asList')}</summary>
            <TableWrap label={t('map.asList')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('proposal.title')}</th>
                    <th scope="col">{t('proposal.status')}</th>
                    <th scope="col">{t('proposal.cost')}</th>
                    <th scope="col">{t('map.coordinates')}</th>
                  </tr>
                </thead>
                <tbody>
                  {all.items
                    .filter((p) => p.latitude !== null)
                    .map((p) => (
                      <tr key={p.id}>
                        <td>
                          <Link href={`/usulan/${p.id}`}>{p.title}</Link>
                        </td>
                        <td>
                          <StatusBadge status={p.status} />
                        </td>
                        <td class="num">{formatRupiah(p.estimatedCost)}</td>
                        <td class="num">
                          {p.latitude.toFixed(4)}, {p.longitude.toFixed(4)}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </TableWrap>
          </details>
        </>
      )}
    </div>
  );
}
