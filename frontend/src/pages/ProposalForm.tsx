import { useClient, useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Field, Loading, Notice, PageTitle, announce } from '../components/ui';
import { RegionCascade, type RegionLevel } from '../components/RegionCascade';
import { LocationFieldset } from '../components/LocationFieldset';
import { FormProblems, useFormProblems } from '../components/FormProblems';
import { ProposalPhotos, uploadChosenPhotos } from '../components/ProposalPhotos';
import { toApiError } from '../lib/errors';
import { formatRupiah, parseDecimal } from '../lib/format';
import { Checks, costWarning, moneyProblem, parseMoney, problemText, MAX_COST } from '../lib/validation';
import { label, t } from '../lib/i18n';
import { submitWrite } from '../lib/outbox';
import { CATALOGUE, REGION, TRANSITION } from '../lib/queries';
import { FORUMS } from '../lib/documents/forums';
import { PROPOSAL, UPDATE_PROPOSAL } from '../lib/documents/proposals';
import { Link, navigate } from '../lib/router';
import { useMe } from '../lib/session';

const LEVELS_BELOW: Record<string, RegionLevel[]> = {
  KECAMATAN: ['DESA_KELURAHAN', 'RW', 'RT'],
  DESA_KELURAHAN: ['RW', 'RT'],
  RW: ['RT'],
};

const PROPOSER_TYPES = ['RESIDENT', 'RT_RW', 'COMMUNITY_GROUP', 'VILLAGE'];

/** The ids of a region and its ancestors (walking parentId). */
function useLineage(regionId: number | null | undefined): number[] {
  const client = useClient();
  const [ids, setIds] = useState<number[]>([]);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const found: number[] = [];
      let next = regionId ?? null;
      while (next !== null && found.length < 8) {
        found.push(next);
        const r = await client.query(REGION, { id: next }).toPromise();
        next = r.data?.region.parentId ?? null;
      }
      if (!cancelled) setIds(found);
    })();
    return () => {
      cancelled = true;
    };
  }, [client, regionId]);
  return ids;
}

interface FormState {
  forumId: string;
  location: number[];
  address: string;
  latitude: string;
  longitude: string;
  title: string;
  problem: string;
  solution: string;
  sectorId: string;
  physical: 'yes' | 'no';
  activityId: string;
  volume: string;
  unit: string;
  estimatedCost: string;
  beneficiaries: string;
  proposerType: string;
  agencyId: string;
  /** Shown to the public as "Warga <kelurahan>" instead of the name. */
  anonymousToPublic: boolean;
}

const EMPTY: FormState = {
  forumId: '',
  location: [],
  address: '',
  latitude: '',
  longitude: '',
  title: '',
  problem: '',
  solution: '',
  sectorId: '',
  physical: 'yes',
  activityId: '',
  volume: '',
  unit: '',
  estimatedCost: '',
  beneficiaries: '',
  proposerType: 'RESIDENT',
  agencyId: '',
  anonymousToPublic: false,
};

const FIELD_IDS: Record<string, string> = {
  forumId: 'pf-forum',
  regionId: 'pf-loc-0',
  address: 'pf-address',
  latitude: 'pf-lat',
  longitude: 'pf-lon',
  title: 'pf-title',
  problem: 'pf-problem',
  solution: 'pf-solution',
  sectorId: 'pf-sector',
  activityId: 'pf-activity',
  volume: 'pf-volume',
  unit: 'pf-unit',
  estimatedCost: 'pf-cost',
  beneficiaries: 'pf-beneficiaries',
  initialAgencyId: 'pf-agency',
  finalAgencyId: 'pf-agency',
};

/**
 * Everything the form finds wrong, in one pass and in the form's order, with the server's
 * limits (CreateProposalInput); and the numbers it read.
 */
export function checkProposal(form: FormState, { needForum }: { needForum: boolean }) {
  const c = new Checks();
  if (needForum) c.required('forumId', form.forumId);
  c.text('address', form.address, 3, 300);
  const latitude = c.number('latitude', form.latitude, { required: false });
  const longitude = c.number('longitude', form.longitude, { required: false });
  const latTyped = form.latitude.trim() !== '';
  const lonTyped = form.longitude.trim() !== '';
  if (latTyped !== lonTyped) c.add(latTyped ? 'longitude' : 'latitude', 'form.bothCoordinates');
  if (latitude !== null && !(latitude >= -11.5 && latitude <= 6.5)) c.add('latitude', 'field.indonesia');
  if (longitude !== null && !(longitude >= 94.5 && longitude <= 141.5)) c.add('longitude', 'field.indonesia');
  c.text('title', form.title, 5, 200);
  c.text('problem', form.problem, 10, 5000);
  c.text('solution', form.solution, 10, 5000);
  const volume = c.number('volume', form.volume);
  if (volume !== null && !(volume >= 0.001 && volume <= 1e9)) c.add('volume', 'field.positive');
  c.text('unit', form.unit, 1, 40);
  const cost = c.money('estimatedCost', form.estimatedCost, { max: MAX_COST });
  const beneficiaries = c.number('beneficiaries', form.beneficiaries, { integer: true, min: 0, max: 50_000_000 });
  return { checks: c, latitude, longitude, volume, cost, beneficiaries };
}

export default function ProposalFormPage({ editId }: { editId?: number }) {
  const me = useMe();
  const client = useClient();
  const [form, setForm] = useState<FormState>(EMPTY);
  const problems = useFormProblems(FIELD_IDS, { values: form as unknown as Record<string, unknown> });
  const [photos, setPhotos] = useState<File[]>([]);
  const [photoNote, setPhotoNote] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(!editId);
  const [catalogue] = useQuery({ query: CATALOGUE });
  const [forumsResult] = useQuery({ query: FORUMS, variables: { filter: { level: 'DESA_KELURAHAN' }, first: 100 }, pause: !!editId });
  const [existing] = useQuery({ query: PROPOSAL, variables: { id: editId ?? 0 }, pause: !editId });
  const [creating, setCreating] = useState(false);
  /** The title of a proposal kept in the offline queue (no connection when it was sent). */
  const [queued, setQueued] = useState<string | null>(null);
  const [, update] = useMutation(UPDATE_PROPOSAL);
  const [, transition] = useMutation(TRANSITION);
  const lineage = useLineage(me?.homeRegion?.id);
  const forums: any[] = (forumsResult.data?.forums.nodes ?? []).filter((f: any) => f.status !== 'CLOSED' && f.status !== 'RATIFIED');

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  // Preselect the forum of the resident's own kelurahan.
  useEffect(() => {
    if (editId || form.forumId || forums.length === 0) return;
    const own = forums.find((f) => lineage.includes(f.region?.id));
    if (own) set('forumId', String(own.id));
  }, [forums.length, lineage.join(',')]);

  // Editing: fill the form from the proposal once.
  const p = existing.data?.proposal;
  useEffect(() => {
    if (!p || loaded) return;
    const forumRegionIndex = p.regionPath.findIndex((r: any) => r.level === 'DESA_KELURAHAN');
    const below = [...p.regionPath.slice(forumRegionIndex + 1), p.region]
      .filter((r: any, i: number, all: any[]) => r && all.findIndex((x: any) => x.id === r.id) === i && r.level !== 'DESA_KELURAHAN')
      .map((r: any) => r.id);
    setForm({
      forumId: String(p.forum.id),
      location: below,
      address: p.address,
      latitude: p.latitude === null ? '' : String(p.latitude),
      longitude: p.longitude === null ? '' : String(p.longitude),
      title: p.title,
      problem: p.problem,
      solution: p.solution,
      sectorId: p.sector ? String(p.sector.id) : '',
      physical: p.physical ? 'yes' : 'no',
      activityId: p.activity ? String(p.activity.id) : '',
      volume: String(p.volume),
      unit: p.unit,
      estimatedCost: String(p.estimatedCost),
      beneficiaries: String(p.beneficiaries),
      proposerType: p.proposerType,
      agencyId: p.finalAgency ? String(p.finalAgency.id) : '',
      anonymousToPublic: !!p.anonymousToPublic,
    });
    setLoaded(true);
  }, [p]);

  if (me === null) {
    return (
      <div class="stack">
        <PageTitle title={t('form.title')}>{t('form.title')}</PageTitle>
        <Notice>
          <Link href={`/masuk?next=${encodeURIComponent(location.pathname)}`}>{t('nav.login')}</Link> {t('form.loginFirst')}
        </Notice>
      </div>
    );
  }
  if (editId && !loaded) return existing.error ? <ErrorBox error={toApiError(existing.error)} /> : <Loading />;

  const forum = editId ? p?.forum && { ...p.forum, region: p.regionPath.find((r: any) => r.level === 'DESA_KELURAHAN') } : forums.find((f) => String(f.id) === form.forumId);
  const levels = LEVELS_BELOW[forum?.region?.level ?? 'DESA_KELURAHAN'] ?? ['RW', 'RT'];
  const activities: any[] = (catalogue.data?.activities ?? []).filter((a: any) => !form.sectorId || String(a.sectorId) === form.sectorId);
  const typedCost = parseMoney(form.estimatedCost);
  const cost = typedCost.value;
  const fe = problems.fe;
  // A negative or unreadable amount is refused as it is typed, not read as another one.
  const costError = fe.estimatedCost ?? (typedCost.problem ? problemText(moneyProblem(typedCost.problem)) : undefined);
  const chosenActivity = (catalogue.data?.activities ?? []).find((a: any) => String(a.id) === form.activityId);
  const costCaution = costError ? null : costWarning(cost, parseDecimal(form.volume), chosenActivity);

  const chooseActivity = (id: string) => {
    const activity = (catalogue.data?.activities ?? []).find((a: any) => String(a.id) === id);
    setForm((f) => {
      const next = { ...f, activityId: id };
      if (activity) {
        next.unit = activity.unit;
        next.physical = activity.physical ? 'yes' : 'no';
        if (activity.agencyId && !f.agencyId) next.agencyId = String(activity.agencyId);
        const volume = parseDecimal(f.volume);
        if (volume && !f.estimatedCost) next.estimatedCost = String(Math.round(volume * activity.unitCost));
      }
      return next;
    });
  };

  const submit = async (andSubmit: boolean) => {
    const checked = checkProposal(form, { needForum: !editId });
    if (!problems.check(checked.checks)) return;
    const { latitude: lat, longitude: lon, volume, beneficiaries } = checked;
    const regionId = form.location.length ? form.location[form.location.length - 1] : forum?.region?.id;
    const common = {
      title: form.title.trim(),
      problem: form.problem.trim(),
      solution: form.solution.trim(),
      sectorId: form.sectorId ? Number(form.sectorId) : null,
      physical: form.physical === 'yes',
      activityId: form.activityId ? Number(form.activityId) : null,
      regionId,
      address: form.address.trim(),
      latitude: lat,
      longitude: lon,
      volume,
      unit: form.unit.trim(),
      estimatedCost: checked.cost,
      beneficiaries: Math.round(beneficiaries ?? 0),
      anonymousToPublic: form.anonymousToPublic,
    };
    if (!editId) {
      // A new proposal goes through the offline queue with an idempotency key (created and, when
      // asked, submitted in one go): without a connection it waits on the phone.
      if (!me || creating) return;
      setCreating(true);
      const outcome = await submitWrite(client, me.id, {
        kind: 'proposal',
        input: { forumId: Number(form.forumId), ...common, proposerType: form.proposerType, initialAgencyId: form.agencyId ? Number(form.agencyId) : null },
        submit: andSubmit,
        title: common.title,
      });
      if (outcome.status === 'refused') {
        setCreating(false);
        return problems.fail(outcome.error);
      }
      if (outcome.status === 'queued') {
        setCreating(false);
        setQueued(common.title);
        announce(t('form.queuedTitle'));
        return;
      }
      const made = outcome.proposal!;
      const failedPhotos = await uploadChosenPhotos(made.id, photos, setPhotoNote);
      setCreating(false);
      if (failedPhotos) announce(t('photos.someFailed', { n: failedPhotos }));
      // Saved, but not submitted: the proposal page's actions say why.
      if (andSubmit && made.submitted === false) announce(t('form.savedNotSubmitted'));
      else announce(andSubmit ? t('form.submittedShort') : t('form.savedShort'));
      return navigate(`/usulan/${made.id}?baru=1`);
    }
    const result = await update({ input: { id: editId, ...common, finalAgencyId: form.agencyId ? Number(form.agencyId) : null } });
    const problem = toApiError(result.error);
    if (problem) return problems.fail(problem);
    const failedPhotos = await uploadChosenPhotos(editId, photos, setPhotoNote);
    if (failedPhotos) announce(t('photos.someFailed', { n: failedPhotos }));
    if (andSubmit) {
      const result = await transition({ input: { proposalId: editId, to: 'SUBMITTED' } });
      const problem = toApiError(result.error);
      if (problem) {
        // Saved, but not submitted: show why on the proposal page's actions.
        announce(t('form.savedNotSubmitted'));
        return navigate(`/usulan/${editId}?baru=1`);
      }
    }
    announce(andSubmit ? t('form.submittedShort') : t('form.savedShort'));
    navigate(`/usulan/${editId}?baru=1`);
  };

  if (queued !== null) {
    return (
      <div class="stack narrow">
        <PageTitle title={t('form.queuedTitle')}>{t('form.queuedTitle')}</PageTitle>
        <Notice kind="success">{t('form.queuedBody', { title: queued })}</Notice>
        {photos.length > 0 && <Notice kind="warning">{t('photos.notQueued', { n: photos.length })}</Notice>}
        <div class="button-row">
          <button
            type="button"
            class="button"
            onClick={() => {
              setForm((f) => ({ ...EMPTY, forumId: f.forumId }));
              setPhotos([]);
              setQueued(null);
            }}
          >
            {t('form.writeAnother')}
          </button>
          <Link href="/" class="button button--secondary">
            {t('nav.home')}
          </Link>
        </div>
      </div>
    );
  }

  const title = editId ? t('form.editTitle') : t('form.title');
  return (
    <div class="stack narrow">
      <PageTitle title={title}>{title}</PageTitle>
      <p>{t('form.lead')}</p>
      <form
        class="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit(true);
        }}
      >
        <FormProblems {...problems.summary} />
        <LocationFieldset
          idPrefix="pf"
          legend={t('form.where')}
          values={form}
          errors={fe}
          addressHint={t('form.addressHint')}
          onChange={(field, value) => set(field, value)}
          onPosition={(latitude, longitude) => setForm((f) => ({ ...f, latitude, longitude }))}
        >
          {editId ? (
            <p>
              {t('proposal.forum')}: <strong>{p?.forum.name}</strong>
            </p>
          ) : (
            <Field id="pf-forum" label={t('proposal.forum')} hint={t('form.forumHint')} error={fe.forumId} required>
              {(a) => (
                <select
                  {...a}
                  value={form.forumId}
                  onChange={(e) => setForm((f) => ({ ...f, forumId: e.currentTarget.value, location: [] }))}
                >
                  <option value="">{forumsResult.fetching ? t('common.loading') : t('form.choose')}</option>
                  {forums.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {forum?.region && (
            <RegionCascade
              key={forum.region.id}
              idPrefix="pf-loc"
              legend={t('form.location')}
              hint={t('form.locationHint', { region: forum.region.name })}
              levels={levels}
              rootId={forum.region.id}
              value={form.location}
              onChange={(v) => set('location', v)}
              error={fe.regionId}
            />
          )}
        </LocationFieldset>

        <fieldset class="card stack">
          <legend>{t('form.what')}</legend>
          <Field id="pf-title" label={t('form.titleField')} hint={t('form.titleHint')} error={fe.title} required>
            {(a) => <input {...a} type="text" maxLength={200} value={form.title} onInput={(e) => set('title', e.currentTarget.value)} />}
          </Field>
          <Field id="pf-problem" label={t('proposal.problem')} hint={t('form.problemHint')} error={fe.problem} required>
            {(a) => <textarea {...a} rows={4} value={form.problem} onInput={(e) => set('problem', e.currentTarget.value)} />}
          </Field>
          <Field id="pf-solution" label={t('proposal.solution')} hint={t('form.solutionHint')} error={fe.solution} required>
            {(a) => <textarea {...a} rows={4} value={form.solution} onInput={(e) => set('solution', e.currentTarget.value)} />}
          </Field>
          <Field id="pf-sector" label={t('proposal.sector')} error={fe.sectorId}>
            {(a) => (
              <select {...a} value={form.sectorId} onChange={(e) => setForm((f) => ({ ...f, sectorId: e.currentTarget.value, activityId: '' }))}>
                <option value="">{t('form.choose')}</option>
                {(catalogue.data?.sectors ?? []).map((s: any) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="pf-activity" label={t('proposal.activity')} hint={t('form.activityHint')} error={fe.activityId}>
            {(a) => (
              <select {...a} value={form.activityId} onChange={(e) => chooseActivity(e.currentTarget.value)}>
                <option value="">{t('form.none')}</option>
                {activities.map((act: any) => (
                  <option key={act.id} value={act.id}>
                    {act.name} ({formatRupiah(act.unitCost)}/{act.unit})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset class="radio-group">
            <legend>{t('proposal.kind')}</legend>
            <label>
              <input type="radio" name="physical" value="yes" checked={form.physical === 'yes'} onChange={() => set('physical', 'yes')} /> {t('proposal.physical')}
            </label>
            <label>
              <input type="radio" name="physical" value="no" checked={form.physical === 'no'} onChange={() => set('physical', 'no')} /> {t('proposal.nonPhysical')}
            </label>
          </fieldset>
        </fieldset>

        <fieldset class="card stack">
          <legend>{t('form.size')}</legend>
          <div class="grid-2">
            <Field id="pf-volume" label={t('proposal.volume')} error={fe.volume} required>
              {(a) => <input {...a} type="text" inputMode="decimal" value={form.volume} onInput={(e) => set('volume', e.currentTarget.value)} />}
            </Field>
            <Field id="pf-unit" label={t('proposal.unit')} hint={t('form.unitHint')} error={fe.unit} required>
              {(a) => <input {...a} type="text" maxLength={40} value={form.unit} onInput={(e) => set('unit', e.currentTarget.value)} />}
            </Field>
          </div>
          <Field
            id="pf-cost"
            label={t('form.cost')}
            hint={cost !== null ? t('form.costReads', { amount: formatRupiah(cost) }) : t('form.costHint')}
            error={costError}
            warning={costCaution}
            required
          >
            {(a) => <input {...a} type="text" inputMode="numeric" value={form.estimatedCost} onInput={(e) => set('estimatedCost', e.currentTarget.value)} />}
          </Field>
          <Field id="pf-beneficiaries" label={t('proposal.beneficiaries')} hint={t('form.beneficiariesHint')} error={fe.beneficiaries} required>
            {(a) => <input {...a} type="text" inputMode="numeric" value={form.beneficiaries} onInput={(e) => set('beneficiaries', e.currentTarget.value)} />}
          </Field>
          {!editId && (
            <Field id="pf-proposer" label={t('form.proposerType')} error={fe.proposerType} required>
              {(a) => (
                <select {...a} value={form.proposerType} onChange={(e) => set('proposerType', e.currentTarget.value)}>
                  {PROPOSER_TYPES.map((pt) => (
                    <option key={pt} value={pt}>
                      {label('proposerType', pt)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field id="pf-agency" label={t('form.agency')} hint={t('form.agencyHint')} error={fe.initialAgencyId ?? fe.finalAgencyId}>
            {(a) => (
              <select {...a} value={form.agencyId} onChange={(e) => set('agencyId', e.currentTarget.value)}>
                <option value="">{t('form.dontKnow')}</option>
                {(catalogue.data?.agencies ?? []).map((ag: any) => (
                  <option key={ag.id} value={ag.id}>
                    {ag.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div class="field">
            <label class="checkbox">
              <input
                type="checkbox"
                id="pf-anonymous"
                checked={form.anonymousToPublic}
                aria-describedby="pf-anonymous-hint"
                onChange={(e) => set('anonymousToPublic', e.currentTarget.checked)}
              />{' '}
              {t('form.anonymous')}
            </label>
            <p class="hint" id="pf-anonymous-hint">
              {t('form.anonymousHint')}
            </p>
          </div>
        </fieldset>

        <ProposalPhotos
          files={photos}
          onChange={setPhotos}
          onPosition={(pos) => setForm((f) => ({ ...f, latitude: pos.latitude.toFixed(6), longitude: pos.longitude.toFixed(6) }))}
          progress={creating ? photoNote : null}
        />

        <div class="button-row">
          <button type="submit" class="button" disabled={creating}>
            {t('form.saveAndSubmit')}
          </button>
          <button type="button" class="button button--secondary" disabled={creating} onClick={() => submit(false)}>
            {t('form.saveDraft')}
          </button>
        </div>
        <p class="hint">{t('form.submitHint')}</p>
      </form>
    </div>
  );
}
