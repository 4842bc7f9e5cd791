import { useQuery } from '@urql/preact';
import { label, t } from '../lib/i18n';
import { REGIONS } from '../lib/queries';

import type { RegionLevel } from '../lib/generated/graphql';

export type { RegionLevel };

interface Props {
  idPrefix: string;
  /** The levels offered, top down, e.g. ['KECAMATAN', 'DESA_KELURAHAN', 'RW', 'RT']. */
  levels: RegionLevel[];
  /** The region whose children fill the first list; without it, every region of the first level. */
  rootId?: number | null;
  /** The chosen region at each level so far. */
  value: number[];
  onChange: (value: number[]) => void;
  /** How many levels must be chosen (the rest are optional). */
  requiredDepth?: number;
  error?: string;
  legend: string;
  hint?: string;
}

function RegionSelect(props: {
  id: string;
  level: RegionLevel;
  parentId: number | null | undefined;
  value: number | undefined;
  required: boolean;
  describedBy?: string;
  invalid: boolean;
  onSelect: (id: number | undefined) => void;
}) {
  const variables = props.parentId ? { parentId: props.parentId, first: 100 } : { level: props.level, first: 100 };
  const [result] = useQuery({ query: REGIONS, variables });
  const nodes: Array<{ id: number; name: string }> = result.data?.regions.nodes ?? [];
  return (
    <div class="field">
      <label for={props.id}>
        {label('regionLevel', props.level)}
        {props.required ? <span class="required" aria-hidden="true"> *</span> : <span class="optional"> ({t('form.optional')})</span>}
      </label>
      <select
        id={props.id}
        required={props.required}
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid ? 'true' : undefined}
        value={props.value ?? ''}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          props.onSelect(v ? Number(v) : undefined);
        }}
      >
        <option value="">{result.fetching && !result.data ? t('common.loading') : t('form.choose')}</option>
        {nodes.map((n) => (
          <option key={n.id} value={n.id}>
            {n.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Chooses a region level by level: each list loads the children of the one above. */
export function RegionCascade(props: Props) {
  const { levels, value, idPrefix } = props;
  const shown = Math.min(levels.length, value.length + 1);
  const describedBy = [props.hint ? `${idPrefix}-hint` : '', props.error ? `${idPrefix}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={`region-cascade${props.error ? ' field--error' : ''}`}>
      <legend>{props.legend}</legend>
      {props.hint && (
        <p class="hint" id={`${idPrefix}-hint`}>
          {props.hint}
        </p>
      )}
      <div class="region-cascade__selects">
        {levels.slice(0, shown).map((level, i) => (
          <RegionSelect
            key={`${level}-${i === 0 ? props.rootId ?? 'all' : value[i - 1]}`}
            id={`${idPrefix}-${i}`}
            level={level}
            parentId={i === 0 ? props.rootId : value[i - 1]}
            value={value[i]}
            required={i < (props.requiredDepth ?? 0)}
            describedBy={describedBy}
            invalid={!!props.error}
            onSelect={(id) => props.onChange(id === undefined ? value.slice(0, i) : [...value.slice(0, i), id])}
          />
        ))}
      </div>
      {props.error && (
        <p class="error-text" id={`${idPrefix}-error`}>
          <span aria-hidden="true">⚠ </span>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
