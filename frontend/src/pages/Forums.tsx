import { useQuery } from '@urql/preact';
import { ErrorBox, Loading, PageTitle, Pager, Badge, cursorFor } from '../components/ui';
import { toApiError } from '../lib/errors';
import { formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { FORUMS } from '../lib/queries';
import { Link, setQuery, useRoute } from '../lib/router';
import { LastSeenNote } from '../components/Outbox';

const LEVELS = ['DESA_KELURAHAN', 'KECAMATAN', 'FORUM_OPD', 'KABUPATEN_KOTA', 'REMBUK_RW'];
const FORUM_STATUSES = ['DRAFT', 'SCHEDULED', 'IN_SESSION', 'CLOSED', 'RATIFIED'];
const PAGE = 20;

export default function ForumsPage() {
  const { query } = useRoute();
  const level = query.get('level') ?? '';
  const status = query.get('status') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const filter: Record<string, unknown> = {};
  if (level) filter.level = level;
  if (status) filter.status = status;
  const [result] = useQuery({ query: FORUMS, variables: { filter, first: PAGE, after: cursorFor(offset) } });
  const page = result.data?.forums;
  return (
    <div class="stack">
      <PageTitle title={t('forums.title')}>{t('forums.title')}</PageTitle>
      <LastSeenNote result={result} />
      <p>{t('forums.lead')}</p>
      <div class="filters card">
        <div class="field">
          <label for="forum-level">{t('forum.level')}</label>
          <select id="forum-level" value={level} onChange={(e) => setQuery({ level: e.currentTarget.value, offset: null })}>
            <option value="">{t('common.all')}</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {label('level', l)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="forum-status">{t('forum.status')}</label>
          <select id="forum-status" value={status} onChange={(e) => setQuery({ status: e.currentTarget.value, offset: null })}>
            <option value="">{t('common.all')}</option>
            {FORUM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label('forumStatus', s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBox error={toApiError(result.error)} />
      {result.fetching && !page && <Loading />}
      {page && (
        <>
          <ul class="card-list">
            {page.nodes.map((f: any) => (
              <li key={f.id} class="card">
                <h2 class="h3">
                  <Link href={`/forum/${f.id}`}>{f.name}</Link>
                </h2>
                <p>
                  <Badge tone={f.status.toLowerCase()}>{label('forumStatus', f.status)}</Badge> {label('level', f.level)} · {f.region?.name}
                </p>
                <p>
                  {t('forum.ceiling')}: <strong>{f.budgetCeiling === null ? t('forum.noCeiling') : formatRupiah(f.budgetCeiling)}</strong>
                </p>
              </li>
            ))}
          </ul>
          <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={(o) => setQuery({ offset: o || null }, { push: true })} />
        </>
      )}
    </div>
  );
}
