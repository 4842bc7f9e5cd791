import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { Badge, ErrorBox, Field, Loading, Notice, PageTitle, TableWrap, announce } from '../components/ui';
import { ForumSettingsForm, ForumStatusControl, checkForumSettings } from '../components/ForumForms';
import { FormProblems, useFormProblems } from '../components/FormProblems';
import { ExportPanel } from '../components/ExportPanel';
import { toApiError, type ApiError } from '../lib/errors';
import { formatRupiah, fromLocalInput, toLocalInput } from '../lib/format';
import { Checks, MAX_BUDGET, moneyProblem, parseMoney, problemText } from '../lib/validation';
import { label, t } from '../lib/i18n';
import { CATALOGUE, REGIONS } from '../lib/queries';
import { CREATE_CYCLE, CREATE_FORUM, CYCLES, CYCLE_FORUMS, LOCK_STAGE, SET_CYCLE_STATUS, SET_STAGE } from '../lib/documents/staff';
import { Link, setQuery, useRoute } from '../lib/router';
import { isPlanner, useMe } from '../lib/session';
import { stageState } from './Home';

const FORUM_LEVELS = ['REMBUK_RW', 'DESA_KELURAHAN', 'KECAMATAN', 'FORUM_OPD', 'KABUPATEN_KOTA'];
const REGION_FOR_LEVEL: Record<string, string> = {
  REMBUK_RW: 'RW',
  DESA_KELURAHAN: 'DESA_KELURAHAN',
  KECAMATAN: 'KECAMATAN',
  FORUM_OPD: 'KABUPATEN_KOTA',
  KABUPATEN_KOTA: 'KABUPATEN_KOTA',
};

function StageRow({ cycleId, level, stage, onDone }: { cycleId: number; level: string; stage: any | undefined; onDone: () => void }) {
  const [opens, setOpens] = useState(stage ? toLocalInput(stage.opensAt) : '');
  const [closes, setCloses] = useState(stage ? toLocalInput(stage.closesAt) : '');
  const [error, setError] = useState<ApiError | null>(null);
  const [saveState, save] = useMutation(SET_STAGE);
  const [lockState, lock] = useMutation(LOCK_STAGE);
  const state = stage ? stageState(stage) : null;
  const id = `stage-${cycleId}-${level}`;
  const problems = useFormProblems({ opensAt: `${id}-opens`, closesAt: `${id}-closes` }, { error, values: { opensAt: opens, closesAt: closes }, labels: { opensAt: t('planning.opens'), closesAt: t('planning.closes') } });
  const fe = problems.fe;
  return (
    <tr>
      <th scope="row">
        {label('level', level)}
        <br />
        {state ? <Badge tone={state}>{label('stage', state)}</Badge> : <span class="muted">{t('planning.notScheduled')}</span>}
      </th>
      <td>
        <label class="visually-hidden" for={`${id}-opens`}>
          {t('planning.opens')} — {label('level', level)}
        </label>
        <input
          id={`${id}-opens`}
          type="datetime-local"
          value={opens}
          aria-invalid={fe.opensAt ? 'true' : undefined}
          aria-describedby={fe.opensAt ? `${id}-opens-error` : undefined}
          onInput={(e) => setOpens(e.currentTarget.value)}
        />
        {fe.opensAt && (
          <p class="error-text" id={`${id}-opens-error`}>
            {fe.opensAt}
          </p>
        )}
      </td>
      <td>
        <label class="visually-hidden" for={`${id}-closes`}>
          {t('planning.closes')} — {label('level', level)}
        </label>
        <input
          id={`${id}-closes`}
          type="datetime-local"
          value={closes}
          aria-invalid={fe.closesAt ? 'true' : undefined}
          aria-describedby={fe.closesAt ? `${id}-closes-error` : undefined}
          onInput={(e) => setCloses(e.currentTarget.value)}
        />
        {fe.closesAt && (
          <p class="error-text" id={`${id}-closes-error`}>
            {fe.closesAt}
          </p>
        )}
      </td>
      <td>
        <div class="button-row">
          <button
            type="button"
            class="button button--small"
            disabled={saveState.fetching}
            onClick={async () => {
              const c = new Checks();
              const from = fromLocalInput(opens);
              const to = fromLocalInput(closes);
              if (c.required('opensAt', opens) && from === null) c.add('opensAt', 'field.dateTime');
              if (c.required('closesAt', closes) && to === null) c.add('closesAt', 'field.dateTime');
              if (from && to && Date.parse(to) <= Date.parse(from)) c.add('closesAt', 'field.closeAfterOpen');
              if (!problems.check(c)) return;
              const r = await save({ input: { cycleId, level, opensAt: fromLocalInput(opens), closesAt: fromLocalInput(closes) } });
              const problem = toApiError(r.error);
              setError(problem);
              if (!problem) {
                announce(t('planning.stageSaved', { level: label('level', level) }));
                onDone();
              }
            }}
          >
            {t('common.save')}
          </button>
          {stage && (
            <button
              type="button"
              class="button button--secondary button--small"
              aria-pressed={stage.locked}
              disabled={lockState.fetching}
              onClick={async () => {
                const r = await lock({ stageId: stage.id, locked: !stage.locked });
                const problem = toApiError(r.error);
                setError(problem);
                if (!problem) {
                  announce(stage.locked ? t('planning.unlocked') : t('planning.locked'));
                  onDone();
                }
              }}
            >
              {t('planning.lock')}
            </button>
          )}
        </div>
        <FormProblems {...problems.summary} />
      </td>
    </tr>
  );
}

function CreateForumForm({ cycle, forums, onDone }: { cycle: any; forums: any[]; onDone: () => void }) {
  const [level, setLevel] = useState('DESA_KELURAHAN');
  const [regionId, setRegionId] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [parentId, setParentId] = useState('');
  const [name, setName] = useState('');
  const [ceiling, setCeiling] = useState('');
  const [limit, setLimit] = useState('BUDGET');
  const [maxCount, setMaxCount] = useState('');
  const [tolerance, setTolerance] = useState('0');
  const [error, setError] = useState<ApiError | null>(null);
  const regionLevel = REGION_FOR_LEVEL[level];
  const [regions] = useQuery({ query: REGIONS, variables: { level: regionLevel, within: cycle.region?.id, first: 100 } });
  const [catalogue] = useQuery({ query: CATALOGUE });
  const [state, create] = useMutation(CREATE_FORUM);
  const order = FORUM_LEVELS.indexOf(level);
  const parents = forums.filter((f) => FORUM_LEVELS.indexOf(f.level) > order);
  const ids = { level: 'cf-level', regionId: 'cf-region', agencyId: 'cf-agency', parentForumId: 'cf-parent', name: 'cf-name', budgetCeiling: 'cf-ceiling', selectionLimit: 'cf-limit', maxCount: 'cf-max', tolerancePercent: 'cf-tol' };
  const problems = useFormProblems(ids, { error, values: { name, budgetCeiling: ceiling, maxCount, tolerancePercent: tolerance } });
  const fe = problems.fe;
  const typed = parseMoney(ceiling, MAX_BUDGET);
  return (
    <form
      class="stack"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const c = new Checks();
        c.required('regionId', regionId);
        if (level === 'FORUM_OPD') c.required('agencyId', agencyId);
        const settings = checkForumSettings({ name, ceiling, limit, maxCount, tolerance });
        Object.entries(settings.checks.problems).forEach(([field, problem]) => c.add(field, problem));
        setError(null);
        if (!problems.check(c)) return;
        const input: Record<string, unknown> = {
          cycleId: cycle.id,
          level,
          regionId: Number(regionId) || 0,
          name: name.trim(),
          selectionLimit: limit,
          tolerancePercent: settings.tolerance ?? 0,
          budgetCeiling: settings.ceiling,
          maxCount: settings.maxCount,
          agencyId: level === 'FORUM_OPD' && agencyId ? Number(agencyId) : null,
          parentForumId: parentId ? Number(parentId) : null,
        };
        const r = await create({ input });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          announce(t('planning.forumCreated'));
          setName('');
          onDone();
        }
      }}
    >
      <FormProblems {...problems.summary} />
      <div class="grid-2">
        <Field id={ids.level} label={t('forum.level')} error={fe.level} required>
          {(a) => (
            <select {...a} value={level} onChange={(e) => (setLevel(e.currentTarget.value), setRegionId(''), setParentId(''))}>
              {FORUM_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {label('level', l)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={ids.regionId} label={t('planning.region')} error={fe.regionId} required>
          {(a) => (
            <select {...a} value={regionId} onChange={(e) => setRegionId(e.currentTarget.value)}>
              <option value="">{t('form.choose')}</option>
              {(regions.data?.regions.nodes ?? []).map((r: any) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {level === 'FORUM_OPD' && (
        <Field id={ids.agencyId} label={t('form.agency')} error={fe.agencyId} required>
          {(a) => (
            <select {...a} value={agencyId} onChange={(e) => setAgencyId(e.currentTarget.value)}>
              <option value="">{t('form.choose')}</option>
              {(catalogue.data?.agencies ?? []).map((ag: any) => (
                <option key={ag.id} value={ag.id}>
                  {ag.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field id={ids.parentForumId} label={t('planning.parent')} error={fe.parentForumId}>
        {(a) => (
          <select {...a} value={parentId} onChange={(e) => setParentId(e.currentTarget.value)}>
            <option value="">{t('form.none')}</option>
            {parents.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={ids.name} label={t('forum.name')} error={fe.name} required>
        {(a) => <input {...a} type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field
        id={ids.budgetCeiling}
        label={t('forum.ceiling')}
        hint={typed.value !== null ? t('form.costReads', { amount: formatRupiah(typed.value) }) : t('form.costHint')}
        error={fe.budgetCeiling ?? (typed.problem ? problemText(moneyProblem(typed.problem, MAX_BUDGET)) : undefined)}
        required={limit === 'BUDGET'}
      >
        {(a) => <input {...a} type="text" inputMode="numeric" value={ceiling} onInput={(e) => setCeiling(e.currentTarget.value)} />}
      </Field>
      <div class="grid-3">
        <Field id={ids.selectionLimit} label={t('forum.selectionLimit')} error={fe.selectionLimit} required>
          {(a) => (
            <select {...a} value={limit} onChange={(e) => setLimit(e.currentTarget.value)}>
              {['BUDGET', 'COUNT', 'UNLIMITED'].map((l) => (
                <option key={l} value={l}>
                  {label('selectionLimit', l)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={ids.maxCount} label={t('forum.maxCount')} error={fe.maxCount} required={limit === 'COUNT'}>
          {(a) => <input {...a} type="number" min={1} value={maxCount} onInput={(e) => setMaxCount(e.currentTarget.value)} />}
        </Field>
        <Field id={ids.tolerancePercent} label={t('forum.tolerance')} error={fe.tolerancePercent} required>
          {(a) => <input {...a} type="number" min={0} max={100} value={tolerance} onInput={(e) => setTolerance(e.currentTarget.value)} />}
        </Field>
      </div>
      <button type="submit" class="button" disabled={state.fetching}>
        {t('planning.createForum')}
      </button>
    </form>
  );
}

function CycleForums({ cycle }: { cycle: any }) {
  const me = useMe();
  const [result, refetch] = useQuery({ query: CYCLE_FORUMS, variables: { cycleId: cycle.id, first: 100 } });
  const [editing, setEditing] = useState<number | null>(null);
  const forums: any[] = result.data?.forums.nodes ?? [];
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  return (
    <section class="card" aria-labelledby={`forums-${cycle.id}`}>
      <h3 id={`forums-${cycle.id}`}>{t('planning.forums', { n: result.data?.forums.totalCount ?? '…' })}</h3>
      <ErrorBox error={toApiError(result.error)} />
      {!result.data ? (
        <Loading />
      ) : (
        <ul class="forum-rows">
          {forums.map((f) => (
            <li key={f.id} class="forum-row">
              <div class="forum-row__main">
                <Link href={`/forum/${f.id}`}>
                  <strong>{f.name}</strong>
                </Link>
                <span class="muted">
                  {label('level', f.level)} · {f.region?.name}
                  {f.parentForum ? ` → ${f.parentForum.name}` : ''}
                </span>
                <span>
                  <Badge tone={f.status.toLowerCase()}>{label('forumStatus', f.status)}</Badge> {t('forum.ceiling')}:{' '}
                  <strong>{f.budgetCeiling === null ? t('forum.noCeiling') : formatRupiah(f.budgetCeiling)}</strong> · {label('selectionLimit', f.selectionLimit)} · ±{f.tolerancePercent}%
                </span>
              </div>
              <div class="button-row">
                <button type="button" class="button button--secondary button--small" aria-expanded={editing === f.id} onClick={() => setEditing(editing === f.id ? null : f.id)}>
                  {t('planning.editForum')}
                  <span class="visually-hidden"> {f.name}</span>
                </button>
                <Link href={`/forum/${f.id}/hasil`} class="button button--secondary button--small">
                  {t('results.title')}
                  <span class="visually-hidden"> {f.name}</span>
                </Link>
              </div>
              {editing === f.id && (
                <div class="forum-row__edit stack">
                  <ForumSettingsForm
                    forum={f}
                    idPrefix={`ef-${f.id}`}
                    onDone={() => {
                      setEditing(null);
                      refresh();
                    }}
                  />
                  <h4>{t('forum.status')}</h4>
                  <ForumStatusControl forumId={f.id} status={f.status} planner={isPlanner(me)} onDone={refresh} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t('planning.newForum')}</summary>
        <CreateForumForm cycle={cycle} forums={forums} onDone={refresh} />
      </details>
    </section>
  );
}

/** Exports of a cycle: the whole cycle, or one level in one region. */
function CycleExports({ cycle }: { cycle: any }) {
  const [level, setLevel] = useState('DESA_KELURAHAN');
  const [regionId, setRegionId] = useState('');
  const [regions] = useQuery({ query: REGIONS, variables: { level: REGION_FOR_LEVEL[level], within: cycle.region?.id, first: 100 } });
  const id = `cx-${cycle.id}`;
  return (
    <section class="card stack-sm" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{t('export.cycleTitle')}</h3>
      <h4>{t('export.wholeCycle')}</h4>
      <ExportPanel scope={{ cycle: cycle.id }} idPrefix={`${id}-all`} groupLabel={t('export.wholeCycle')} />
      <h4>{t('export.byLevel')}</h4>
      <div class="grid-2">
        <div class="field">
          <label for={`${id}-level`}>{t('forum.level')}</label>
          <select id={`${id}-level`} value={level} onChange={(e) => (setLevel(e.currentTarget.value), setRegionId(''))}>
            {FORUM_LEVELS.map((l) => (
              <option key={l} value={l}>
                {label('level', l)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-region`}>{t('planning.region')}</label>
          <select id={`${id}-region`} value={regionId} onChange={(e) => setRegionId(e.currentTarget.value)}>
            <option value="">{t('export.allRegions')}</option>
            {(regions.data?.regions.nodes ?? []).map((r: any) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ExportPanel scope={{ cycle: cycle.id, level, region: regionId ? Number(regionId) : null }} idPrefix={`${id}-level-exports`} groupLabel={t('export.byLevel')} />
    </section>
  );
}

function CreateCycleForm({ onDone }: { onDone: () => void }) {
  const [year, setYear] = useState(String(new Date().getFullYear() + 1));
  const [name, setName] = useState('');
  const [regionId, setRegionId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [regions] = useQuery({ query: REGIONS, variables: { level: 'KABUPATEN_KOTA', first: 100 } });
  const [state, create] = useMutation(CREATE_CYCLE);
  const problems = useFormProblems({ planYear: 'cc-year', regionId: 'cc-region', name: 'cc-name' }, { error, values: { planYear: year, name } });
  const fe = problems.fe;
  return (
    <form
      class="stack"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const c = new Checks();
        c.number('planYear', year, { integer: true, min: 2000, max: 2100, plain: true });
        c.required('regionId', regionId);
        c.text('name', name, 3, 200);
        setError(null);
        if (!problems.check(c)) return;
        const r = await create({ input: { planYear: Number(year), name: name.trim(), regionId: Number(regionId) || 0 } });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          announce(t('planning.cycleCreated'));
          onDone();
        }
      }}
    >
      <FormProblems {...problems.summary} />
      <div class="grid-3">
        <Field id="cc-year" label={t('planning.planYear')} error={fe.planYear} required>
          {(a) => <input {...a} type="number" min={2000} max={2100} value={year} onInput={(e) => setYear(e.currentTarget.value)} />}
        </Field>
        <Field id="cc-region" label={t('planning.cityRegion')} error={fe.regionId} required>
          {(a) => (
            <select {...a} value={regionId} onChange={(e) => setRegionId(e.currentTarget.value)}>
              <option value="">{t('form.choose')}</option>
              {(regions.data?.regions.nodes ?? []).map((r: any) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="cc-name" label={t('planning.cycleName')} error={fe.name} required>
          {(a) => <input {...a} type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
      </div>
      <button type="submit" class="button" disabled={state.fetching}>
        {t('planning.createCycle')}
      </button>
    </form>
  );
}

function CycleStatusButtons({ cycle, onDone }: { cycle: any; onDone: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [state, setStatus] = useMutation(SET_CYCLE_STATUS);
  const next = cycle.status === 'DRAFT' ? 'ACTIVE' : cycle.status === 'ACTIVE' ? 'CLOSED' : null;
  if (!next) return null;
  const apply = async () => {
    const r = await setStatus({ cycleId: cycle.id, status: next });
    const problem = toApiError(r.error);
    setError(problem);
    setConfirming(false);
    if (!problem) {
      announce(t('planning.cycleStatusChanged'));
      onDone();
    }
  };
  return (
    <div class="stack-sm">
      <ErrorBox error={error} />
      {confirming ? (
        <div class="inline-form" role="group" aria-labelledby={`confirm-cycle-${cycle.id}`}>
          <p id={`confirm-cycle-${cycle.id}`}>{t('planning.confirmClose')}</p>
          <div class="button-row">
            <button type="button" class="button button--danger button--small" disabled={state.fetching} onClick={apply}>
              {label('cycleStatusAction', next)}
            </button>
            <button type="button" class="button button--secondary button--small" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          class={`button button--small ${next === 'CLOSED' ? 'button--secondary' : ''}`}
          disabled={state.fetching}
          onClick={() => (next === 'CLOSED' ? setConfirming(true) : apply())}
        >
          {label('cycleStatusAction', next)}
        </button>
      )}
    </div>
  );
}

export default function PlanningPage() {
  const me = useMe();
  const { query } = useRoute();
  const [result, refetch] = useQuery({ query: CYCLES, pause: !me });
  const cycles: any[] = result.data?.cycles.nodes ?? [];
  const selected = cycles.find((c) => String(c.id) === query.get('siklus')) ?? cycles[0];
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  if (!isPlanner(me)) {
    return (
      <div class="stack">
        <PageTitle title={t('planning.title')}>{t('planning.title')}</PageTitle>
        <Notice kind="warning">{me ? t('planning.onlyPlanners') : <Link href="/masuk?next=/perencanaan">{t('nav.login')}</Link>}</Notice>
      </div>
    );
  }
  return (
    <div class="stack">
      <PageTitle title={t('planning.title')}>{t('planning.title')}</PageTitle>
      <ErrorBox error={toApiError(result.error)} />
      <p>
        <Link href={selected ? `/perencanaan/dasbor?siklus=${selected.id}` : '/perencanaan/dasbor'} class="button button--secondary">
          {t('dashboard.link')}
        </Link>
      </p>
      {result.fetching && !result.data && <Loading />}
      {cycles.length > 0 && (
        <div class="filters card">
          <div class="field field--wide">
            <label for="plan-cycle">{t('planning.cycle')}</label>
            <select id="plan-cycle" value={selected?.id} onChange={(e) => setQuery({ siklus: e.currentTarget.value })}>
              {cycles.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {selected && (
        <section class="stack" aria-labelledby={`cycle-${selected.id}`}>
          <div class="card">
            <h2 id={`cycle-${selected.id}`}>{selected.name}</h2>
            <p>
              <Badge tone={selected.status.toLowerCase()}>{label('cycleStatus', selected.status)}</Badge> {selected.region?.name} · {t('planning.planYear')} {selected.planYear}
            </p>
            <CycleStatusButtons cycle={selected} onDone={refresh} />
            <h3>{t('planning.stages')}</h3>
            <p class="hint">{t('planning.stagesHint')}</p>
            <TableWrap label={t('planning.stages')}>
              <table class="stage-table">
                <thead>
                  <tr>
                    <th scope="col">{t('forum.level')}</th>
                    <th scope="col">{t('planning.opens')}</th>
                    <th scope="col">{t('planning.closes')}</th>
                    <th scope="col">{t('planning.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {FORUM_LEVELS.map((level) => (
                    <StageRow key={`${level}-${selected.stages.find((s: any) => s.level === level)?.locked}`} cycleId={selected.id} level={level} stage={selected.stages.find((s: any) => s.level === level)} onDone={refresh} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </div>
          <CycleForums cycle={selected} />
          <CycleExports cycle={selected} />
        </section>
      )}
      <details class="card">
        <summary>{t('planning.newCycle')}</summary>
        <CreateCycleForm onDone={refresh} />
      </details>
    </div>
  );
}
