import type { ComponentChildren } from 'preact';
import { Field, announce } from './ui';
import { t } from '../lib/i18n';

/** The typed location of a proposal or a report: as typed, checked by the form. */
export interface LocationValues {
  address: string;
  latitude: string;
  longitude: string;
}

/**
 * "Where": the proposal form's and the report form's location — what each puts first (the
 * forum, the region cascade), then the address, the coordinates and "use my location". The
 * inputs are `<idPrefix>-address`, `<idPrefix>-lat` and `<idPrefix>-lon`.
 */
export function LocationFieldset({
  idPrefix,
  legend,
  values,
  errors,
  addressHint,
  addressMaxLength,
  onChange,
  onPosition,
  children,
}: {
  idPrefix: string;
  legend: string;
  values: LocationValues;
  errors: Partial<Record<keyof LocationValues, string | undefined>>;
  addressHint: string;
  addressMaxLength?: number;
  onChange: (field: keyof LocationValues, value: string) => void;
  /** The device's position, to 6 decimals (about 10 cm), both at once. */
  onPosition: (latitude: string, longitude: string) => void;
  children?: ComponentChildren;
}) {
  return (
    <fieldset class="card stack">
      <legend>{legend}</legend>
      {children}
      <Field id={`${idPrefix}-address`} label={t('proposal.address')} hint={addressHint} error={errors.address} required>
        {(a) => <input {...a} type="text" {...(addressMaxLength ? { maxLength: addressMaxLength } : {})} autoComplete="street-address" value={values.address} onInput={(e) => onChange('address', e.currentTarget.value)} />}
      </Field>
      <div class="grid-2">
        <Field id={`${idPrefix}-lat`} label={t('form.latitude')} hint={t('form.latitudeHint')} error={errors.latitude}>
          {(a) => <input {...a} type="text" inputMode="decimal" value={values.latitude} onInput={(e) => onChange('latitude', e.currentTarget.value)} />}
        </Field>
        <Field id={`${idPrefix}-lon`} label={t('form.longitude')} hint={t('form.longitudeHint')} error={errors.longitude}>
          {(a) => <input {...a} type="text" inputMode="decimal" value={values.longitude} onInput={(e) => onChange('longitude', e.currentTarget.value)} />}
        </Field>
      </div>
      {'geolocation' in navigator && (
        <div>
          <button
            type="button"
            class="button button--secondary button--small"
            onClick={() =>
              navigator.geolocation.getCurrentPosition(
                (pos) => onPosition(pos.coords.latitude.toFixed(6), pos.coords.longitude.toFixed(6)),
                () => announce(t('form.noLocation')),
              )
            }
          >
            {t('form.useMyLocation')}
          </button>
        </div>
      )}
    </fieldset>
  );
}
