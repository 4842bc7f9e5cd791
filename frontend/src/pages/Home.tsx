import { useQuery } from '@urql/preact';
import { ErrorBox, Loading, PageTitle, Badge } from '../components/ui';
import { toApiError } from '../lib/errors';
import { formatDate, formatDateTime } from '../lib/format';
import { label, t } from '../lib/i18n';
import { HOME } from '../lib/queries';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';
import type { HomeQuery } from '../lib/generated/graphql';
import { LastSeenNote } from '../components/LastSeenNote';
import { VerificationNotice } from '../components/VerificationNotice';

type Stage = HomeQuery['cycles']['nodes'][number]['stages'][number];

export function stageState(stage: Stage, now = Date.now()): 'locked' | 'upcoming' | 'open' | 'closed' {
  if (stage.locked) return 'locked';
  if (now < Date.parse(stage.opensAt)) return 'upcoming';
  if (now >= Date.parse(stage.closesAt)) return 'closed';
  return 'open';
}

export function StageList({ stages }: { stages: Stage[] }) {
  return (
    <ol class="stages">
      {stages.map((s) => {
        const state = stageState(s);
        return (
          <li key={s.id} class={`stage stage--${state}`}>
            <span class="stage__level">{label('level', s.level)}</span>
            <span class="stage__dates">
              {formatDate(s.opensAt)} – {formatDate(s.closesAt)}
            </span>
            <Badge tone={state}>{label('stage', state)}</Badge>
          </li>
        );
      })}
    </ol>
  );
}

export function HomePage() {
  const me = useMe();
  const [result] = useQuery({ query: HOME });
  const cycles = result.data?.cycles.nodes ?? [];
  const openRounds = cycles.flatMap((c: any) =>
    c.forums.nodes.flatMap((f: any) => f.votingRounds.filter((r: any) => r.isOpen).map((r: any) => ({ ...r, forum: f }))),
  );
  return (
    <div class="stack">
      <section class="hero">
        <PageTitle title={t('home.title')}>{t('home.title')}</PageTitle>
        <p class="lead">{t('home.lead')}</p>
        <div class="hero__actions">
          <Link href={me ? '/usulan/baru' : '/daftar'} class="button">
            {me ? t('nav.newProposal') : t('home.join')}
          </Link>
          <Link href="/usulan" class="button button--secondary">
            {t('home.browse')}
          </Link>
        </div>
      </section>
      <VerificationNotice />
      <LastSeenNote result={result} />
      {result.fetching && !result.data && <Loading />}
      <ErrorBox error={toApiError(result.error)} />
      {openRounds.length > 0 && (
        <section aria-labelledby="open-rounds" class="card">
          <h2 id="open-rounds">{t('home.openRounds')}</h2>
          <ul class="list">
            {openRounds.map((r: any) => (
              <li key={r.id}>
                <Link href={`/putaran/${r.id}`}>{r.title}</Link> — {r.forum.name}. {t('round.closesAt', { date: formatDateTime(r.closesAt) })}
              </li>
            ))}
          </ul>
        </section>
      )}
      {cycles.map((c: any) => (
        <section key={c.id} class="card" aria-labelledby={`cycle-${c.id}`}>
          <h2 id={`cycle-${c.id}`}>{c.name}</h2>
          <p>
            <Badge tone={c.status.toLowerCase()}>{label('cycleStatus', c.status)}</Badge> {c.region?.name} ·{' '}
            {t('home.forumCount', { n: c.forums.totalCount })}
          </p>
          <h3>{t('home.schedule')}</h3>
          <StageList stages={c.stages} />
        </section>
      ))}
      <section class="card" aria-labelledby="how">
        <h2 id="how">{t('home.howTitle')}</h2>
        <ol class="steps">
          <li>{t('home.step1')}</li>
          <li>{t('home.step2')}</li>
          <li>{t('home.step3')}</li>
          <li>{t('home.step4')}</li>
        </ol>
      </section>
    </div>
  );
}
