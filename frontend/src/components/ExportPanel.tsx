import { useState } from 'preact/hooks';
import { ErrorBox, announce } from './ui';
import type { ApiError } from '../lib/errors';
import { EXPORT_FORMATS, downloadExport, type ExportFormat, type ExportScope } from '../lib/download';
import { t, type MessageKey } from '../lib/i18n';
import { tokenStore } from '../lib/session';

/** One button per export format of a forum or a cycle (whole, or one level and region). */
export function ExportPanel({
  scope,
  idPrefix,
  hint,
  groupLabel,
  formats = EXPORT_FORMATS,
}: {
  scope: ExportScope;
  idPrefix: string;
  hint?: string;
  groupLabel?: string;
  /** The formats offered (the Pabulib file only where a voting round has closed). */
  formats?: readonly ExportFormat[];
}) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    const result = await downloadExport(format, scope, tokenStore.get());
    setBusy(null);
    if (result.ok) announce(t('export.saved', { name: result.name }));
    else setError(result.error);
  };
  return (
    <div class="stack-sm" id={idPrefix}>
      <ErrorBox error={error} />
      <div class="button-row" role="group" aria-label={groupLabel ?? t('export.title')} aria-describedby={hint ? `${idPrefix}-hint` : undefined}>
        {formats.map((format) => (
          <button key={format} type="button" class="button button--secondary button--small" disabled={busy !== null} aria-busy={busy === format} onClick={() => run(format)}>
            {t(`export.format.${format}` as MessageKey)}
          </button>
        ))}
      </div>
      {busy && <p role="status">{t('export.preparing')}</p>}
      {hint && (
        <p class="hint" id={`${idPrefix}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}
