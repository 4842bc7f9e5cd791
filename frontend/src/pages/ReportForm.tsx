// "Lapor": a resident files a report (pengaduan, aspirasi, permintaan informasi) between the
// musrenbang forums. It goes through the offline queue with an idempotency key, so a report
// written without a signal waits on the phone; photos are sent once the report is filed.
import { useClient, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Field, Notice, PageTitle, announce } from '../components/ui';
import { RegionCascade, type RegionLevel } from '../components/RegionCascade';
import { LocationFieldset } from '../components/LocationFieldset';
import { PhotoPicker, sendReportPhotos } from '../components/ReportParts';
import { fieldErrors, type ApiError } from '../lib/errors';
import { parseDecimal } from '../lib/format';
import type { RegionQuery, ReportCategoriesQuery, ReportKind, ReportPrivacy } from '../lib/generated/graphql';
import { label, t } from '../lib/i18n';
import { submitWrite } from '../lib/outbox';
import { REGION, REPORT_CATEGORIES } from '../lib/queries';
import { Link, navigate } from '../lib/router';
import { useMe } from '../lib/session';

export const KINDS: ReportKind[] = ['COMPLAINT', 'ASPIRATION', 'INFORMATION'];
export const PRIVACIES: ReportPrivacy[] = ['ANONYMOUS', 'PUBLIC', 'SECRET'];
const LEVELS: RegionLevel[] = ['KECAMATAN', 'DESA_KELURAHAN', 'RW', 'RT'];

const FIELD_IDS: Record<string, string> = {
  kind: 'rf-kind-COMPLAINT',
  title: 'rf-title',
  body: 'rf-body',
  categoryId: 'rf-category',
  regionId: 'rf-loc-0',
  address: 'rf-address',
  latitude: 'rf-lat',
  longitude: 'rf-lon',
  privacy: 'rf-privacy-ANONYMOUS',
};

export interface ReportFormState {
  kind: ReportKind;
  title: string;
  body: string;
  categoryId: string;
  location: number[];
  address: string;
  latitude: string;
  longitude: string;
  privacy: ReportPrivacy;
  shareIdentity: boolean;
}

export const EMPTY_REPORT: ReportFormState = {
  kind: 'COMPLAINT',
  title: '',
  body: '',
  categoryId: '',
  location: [],
  address: '',
  latitude: '',
  longitude: '',
  privacy: 'ANONYMOUS',
  shareIdentity: false,
};

/**
 * What the form finds wrong before sending (the server checks again, with the same limits),
 * keyed by the input's field; and the `FileReportInput` when nothing is.
 */
export function checkReport(form: ReportFormState): { problems: Record<string, string>; input: Record<string, unknown> | null } {
  const problems: Record<string, string> = {};
  const length = (field: string, value: string, min: number, max: number) => {
    const n = value.trim().length;
    if (n === 0) problems[field] = t('field.required');
    else if (n < min || n > max) problems[field] = t('field.lengthBetween', { min, max });
  };
  length('title', form.title, 5, 200);
  length('body', form.body, 10, 5000);
  if (!form.categoryId) problems.categoryId = t('field.required');
  if (form.location.length < 2) problems.regionId = t('report.form.regionRequired');
  length('address', form.address, 3, 300);
  const lat = parseDecimal(form.latitude);
  const lon = parseDecimal(form.longitude);
  if ((form.latitude.trim() === '') !== (form.longitude.trim() === '')) problems[form.latitude.trim() ? 'longitude' : 'latitude'] = t('form.bothCoordinates');
  if (form.latitude.trim() && lat === null) problems.latitude = t('form.notNumber');
  if (form.longitude.trim() && lon === null) problems.longitude = t('form.notNumber');
  if (Object.keys(problems).length) return { problems, input: null };
  return {
    problems,
    input: {
      kind: form.kind,
      title: form.title.trim(),
      body: form.body.trim(),
      categoryId: Number(form.categoryId),
      regionId: form.location[form.location.length - 1],
      address: form.address.trim(),
      latitude: lat,
      longitude: lon,
      privacy: form.privacy,
      shareIdentityWithAgency: form.shareIdentity,
    },
  };
}

/** The resident's home region and its ancestors down from the kecamatan, for the cascade. */
function useHomeLocation(homeId: number | null | undefined): number[] | null {
  const client = useClient();
  const [ids, setIds] = useState<number[] | null>(homeId ? null : []);
  useEffect(() => {
    if (!homeId) return;
    let cancelled = false;
    (async () => {
      const found: Array<{ id: number; level: string }> = [];
      let next: number | null = homeId;
      while (next !== null && found.length < 8) {
        const r = await client.query<RegionQuery>(REGION, { id: next }).toPromise();
        const region: RegionQuery['region'] | undefined = r.data?.region;
        if (!region) break;
        found.push({ id: region.id, level: region.level });
        if (region.level === 'KECAMATAN') break;
        next = region.parentId ?? null;
      }
      const path = found.reverse();
      const start = path.findIndex((r) => r.level === 'KECAMATAN');
      if (!cancelled) setIds(start < 0 ? [] : path.slice(start).map((r) => r.id));
    })();
    return () => {
      cancelled = true;
    };
  }, [client, homeId]);
  return ids;
}

export default function ReportFormPage() {
  const me = useMe();
  const client = useClient();
  const [form, setForm] = useState<ReportFormState>(EMPTY_REPORT);
  const [photos, setPhotos] = useState<File[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [queued, setQueued] = useState<{ title: string; photos: number } | null>(null);
  const [categories] = useQuery<ReportCategoriesQuery>({ query: REPORT_CATEGORIES });
  const home = useHomeLocation(me?.homeRegion?.id);
  const [prefilled, setPrefilled] = useState(false);
  useEffect(() => {
    if (prefilled || !home) return;
    setPrefilled(true);
    if (home.length) setForm((f) => (f.location.length ? f : { ...f, location: home }));
  }, [home]);
  const set = <K extends keyof ReportFormState>(key: K, value: ReportFormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  if (me === null) {
    return (
      <div class="stack narrow">
        <PageTitle title={t('report.form.title')}>{t('report.form.title')}</PageTitle>
        <p>{t('report.form.lead')}</p>
        <Notice>
          <Link href="/masuk?next=/laporan/baru">{t('nav.login')}</Link> {t('report.form.loginFirst')}
        </Notice>
      </div>
    );
  }

  if (queued) {
    return (
      <div class="stack narrow">
        <PageTitle title={t('report.form.queuedTitle')}>{t('report.form.queuedTitle')}</PageTitle>
        <Notice kind="success">{t('report.form.queuedBody', { title: queued.title })}</Notice>
        {queued.photos > 0 && <Notice kind="warning">{t('report.form.queuedPhotos', { n: queued.photos })}</Notice>}
        <div class="button-row">
          <button
            type="button"
            class="button"
            onClick={() => {
              setForm((f) => ({ ...EMPTY_REPORT, location: f.location }));
              setPhotos([]);
              setQueued(null);
            }}
          >
            {t('report.form.another')}
          </button>
          <Link href="/laporan?view=mine" class="button button--secondary">
            {t('report.tab.mine')}
          </Link>
        </div>
      </div>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!me || busy) return;
    const { problems, input } = checkReport(form);
    setLocal(problems);
    setError(null);
    if (!input) {
      const first = Object.keys(problems)[0];
      document.getElementById(FIELD_IDS[first] ?? '')?.focus();
      return;
    }
    setBusy(t('common.sending'));
    const outcome = await submitWrite(client, me.id, { kind: 'report', input, title: String(input.title) });
    if (outcome.status === 'refused') {
      setBusy(null);
      return setError(outcome.error);
    }
    if (outcome.status === 'queued') {
      setBusy(null);
      setQueued({ title: String(input.title), photos: photos.length });
      announce(t('report.form.queuedTitle'));
      return;
    }
    const filed = outcome.report!;
    let failedPhotos = 0;
    if (photos.length) {
      const r = await sendReportPhotos(filed.id, photos, setBusy);
      failedPhotos = photos.length - r.sent;
    }
    setBusy(null);
    announce(t('report.form.filed', { code: filed.code }));
    navigate(`/laporan/${filed.id}?baru=1${failedPhotos ? `&fotogagal=${failedPhotos}` : ''}`);
  };

  const fe = { ...fieldErrors(error), ...local };
  const active = (categories.data?.reportCategories ?? []).filter((c) => c.active);
  return (
    <div class="stack narrow">
      <PageTitle title={t('report.form.title')}>{t('report.form.title')}</PageTitle>
      <p>{t('report.form.lead')}</p>
      <form class="stack" noValidate onSubmit={submit}>
        <ErrorBox error={error} fieldIds={FIELD_IDS} />
        {Object.keys(local).length > 0 && (
          <div class="alert alert--error" role="alert">
            {t('form.fixFields')}
          </div>
        )}
        <fieldset class="card stack">
          <legend>{t('report.form.what')}</legend>
          <fieldset class="radio-group">
            <legend>{t('report.kindField')}</legend>
            {KINDS.map((k) => (
              <label key={k}>
                <input type="radio" id={`rf-kind-${k}`} name="rf-kind" value={k} checked={form.kind === k} onChange={() => set('kind', k)} /> {label('report.kind', k)}
              </label>
            ))}
          </fieldset>
          <Field id="rf-category" label={t('report.category')} hint={t('report.form.categoryHint')} error={fe.categoryId} required>
            {(a) => (
              <select {...a} value={form.categoryId} onChange={(e) => set('categoryId', e.currentTarget.value)}>
                <option value="">{categories.fetching && !categories.data ? t('common.loading') : t('form.choose')}</option>
                {active.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="rf-title" label={t('report.form.titleField')} hint={t('report.form.titleHint')} error={fe.title} required>
            {(a) => <input {...a} type="text" maxLength={200} value={form.title} onInput={(e) => set('title', e.currentTarget.value)} />}
          </Field>
          <Field id="rf-body" label={t('report.form.body')} hint={t('report.form.bodyHint')} error={fe.body} required>
            {(a) => <textarea {...a} rows={5} maxLength={5000} value={form.body} onInput={(e) => set('body', e.currentTarget.value)} />}
          </Field>
        </fieldset>

        <LocationFieldset
          idPrefix="rf"
          legend={t('report.form.where')}
          values={form}
          errors={fe}
          addressHint={t('report.form.addressHint')}
          addressMaxLength={300}
          onChange={(field, value) => set(field, value)}
          onPosition={(latitude, longitude) => setForm((f) => ({ ...f, latitude, longitude }))}
        >
          <RegionCascade
            idPrefix="rf-loc"
            legend={t('report.form.location')}
            hint={t('report.form.locationHint')}
            levels={LEVELS}
            requiredDepth={2}
            value={form.location}
            onChange={(v) => set('location', v)}
            error={fe.regionId}
          />
        </LocationFieldset>

        <fieldset class="card stack">
          <legend>{t('report.form.photos')}</legend>
          <PhotoPicker id="rf-photo" files={photos} onChange={setPhotos} />
        </fieldset>

        <fieldset class="card stack">
          <legend>{t('report.form.privacy')}</legend>
          <fieldset class="radio-group radio-group--explained">
            <legend>{t('report.form.privacyWho')}</legend>
            {PRIVACIES.map((p) => (
              <div key={p} class="radio-explained">
                <label>
                  <input
                    type="radio"
                    id={`rf-privacy-${p}`}
                    name="rf-privacy"
                    value={p}
                    checked={form.privacy === p}
                    aria-describedby={p === 'SECRET' ? `rf-privacy-${p}-hint` : `rf-privacy-${p}-hint rf-privacy-notes`}
                    onChange={() => set('privacy', p)}
                  />{' '}
                  {label('report.privacy', p)}
                </label>
                <p class="hint" id={`rf-privacy-${p}-hint`}>
                  {t(`report.privacyHint.${p}`)}
                </p>
              </div>
            ))}
          </fieldset>
          {/* What follows a published report is public too: the staff's follow-up and the disputes. */}
          <p class="hint" id="rf-privacy-notes" data-testid="privacy-notes-public">
            {t('report.form.notesPublic')}
          </p>
          <div class="field">
            <label class="checkbox">
              <input type="checkbox" id="rf-share" checked={form.shareIdentity} aria-describedby="rf-share-hint" onChange={(e) => set('shareIdentity', e.currentTarget.checked)} />{' '}
              {t('report.form.share')}
            </label>
            <p class="hint" id="rf-share-hint">
              {t('report.form.shareHint')}
            </p>
          </div>
        </fieldset>

        <div class="button-row">
          <button type="submit" class="button" disabled={!!busy}>
            {busy ?? t('report.form.submit')}
          </button>
        </div>
        <p class="hint">{t('report.form.submitHint')}</p>
      </form>
    </div>
  );
}
