// Choosing photos (or PDFs) in a form that sends them after what they belong to is saved — a
// comment, an implementation report — and showing how each one fares on the way: prepared
// (photos scaled and re-encoded on the phone, lib/upload.ts), sent, or why it was not.
import { useState } from 'preact/hooks';
import { codeMessage, fieldMessage, type ApiError } from '../lib/errors';
import { formatNumber } from '../lib/format';
import { t } from '../lib/i18n';
import { ACCEPT, acceptChosen, type FileProgress } from '../lib/upload';
import { Loading } from './ui';

/** What files go with: the messages about counts and permissions differ. */
export type UploadContext = 'comment' | 'implementation';

const kb = (bytes: number) => formatNumber(Math.max(1, Math.round(bytes / 1024)));

/** The file being worked on now, as one line ("Mengunggah foto.jpg (120 KB)…"), or null. */
export function progressText(progress: readonly FileProgress[]): string | null {
  const now = progress.find((p) => p.step === 'preparing' || p.step === 'sending');
  if (!now) return null;
  return now.step === 'preparing' ? t('upload.preparing', { name: now.name }) : t('upload.sending', { name: now.name, size: kb(now.size ?? 0) });
}

/** Why one file was not sent, in the reader's language. */
export function fileErrorText(error: ApiError, context: UploadContext, max: number): string {
  const problem = error.fields.find((f) => f.field === 'file');
  if (problem) {
    switch (problem.code) {
      case 'type':
        return context === 'comment' ? t('filePick.error.typePhoto') : t('upload.error.type', { max });
      case 'size':
        return t('upload.error.size', { max });
      case 'count':
        return t(context === 'comment' ? 'filePick.error.countComment' : 'filePick.error.countImplementation', { max });
      case 'unreadable':
        return t('upload.error.unreadable', { max });
      default:
        return fieldMessage(problem);
    }
  }
  if (error.code === 'FORBIDDEN') return t(context === 'comment' ? 'filePick.error.forbiddenComment' : 'filePick.error.forbiddenImplementation');
  if (error.code === 'FAILED_PRECONDITION' && context === 'comment') return t('filePick.error.commentClosed');
  return codeMessage(error.code, undefined, error.retryAfterSeconds);
}

/**
 * The chosen files with a "Hapus" button each, and the two buttons that add some: a file
 * picker and the phone's camera (`capture="environment"`). Files are checked when chosen
 * (`acceptChosen`); nothing is sent from here.
 */
export function FilePicker({
  idPrefix,
  files,
  onChange,
  max,
  photosOnly = false,
  hint,
  disabled = false,
  legend,
}: {
  idPrefix: string;
  files: File[];
  onChange: (files: File[]) => void;
  max: number;
  /** Photos only (comments): `accept="image/*"`. Otherwise photos and PDFs. */
  photosOnly?: boolean;
  hint: string;
  disabled?: boolean;
  legend: string;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const add = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    const next = acceptChosen(files, chosen, { max, photosOnly });
    setProblem(
      next.problem === 'type'
        ? photosOnly
          ? t('filePick.error.typePhoto')
          : t('upload.error.type', { max })
        : next.problem === 'size'
          ? t('upload.error.size', { max })
          : next.problem === 'count'
            ? t('filePick.chooseAtMost', { max })
            : null,
    );
    onChange(next.files);
  };
  const full = files.length >= max;
  const hintId = `${idPrefix}-hint`;
  return (
    <fieldset class="file-picker" data-testid={`${idPrefix}-picker`}>
      <legend>{legend}</legend>
      <p class="hint" id={hintId}>
        {hint}
      </p>
      <div class="button-row">
        <span class="file-pick">
          <input
            id={`${idPrefix}-file`}
            type="file"
            accept={photosOnly ? 'image/*' : ACCEPT}
            multiple
            aria-describedby={hintId}
            disabled={disabled || full}
            onChange={add}
          />
          <label for={`${idPrefix}-file`} class="button button--secondary button--small">
            {photosOnly ? t('filePick.addPhoto') : t('upload.add')}
          </label>
        </span>
        <span class="file-pick">
          <input id={`${idPrefix}-camera`} type="file" accept="image/*" capture="environment" aria-describedby={hintId} disabled={disabled || full} onChange={add} />
          <label for={`${idPrefix}-camera`} class="button button--secondary button--small">
            {t('upload.camera')}
          </label>
        </span>
      </div>
      {files.length > 0 && (
        <ul class="list chosen-files" data-testid={`${idPrefix}-chosen`}>
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} ({kb(f.size)} KB){' '}
              <button type="button" class="button button--link" disabled={disabled} onClick={() => onChange(files.filter((_, j) => j !== i))}>
                {t('outbox.remove')}
                <span class="visually-hidden">: {f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <p class="error-text" role="alert">
          <span aria-hidden="true">⚠ </span>
          {problem}
        </p>
      )}
    </fieldset>
  );
}

/**
 * How the files of one sending fare: the one on its way (a spinner), and afterwards each file
 * that could not be sent, with the reason (what was saved before them stays saved).
 */
export function UploadProgress({ progress, context, max, idPrefix }: { progress: readonly FileProgress[] | null; context: UploadContext; max: number; idPrefix: string }) {
  if (!progress || progress.length === 0) return null;
  const text = progressText(progress);
  const failed = progress.filter((p) => p.step === 'failed');
  const busy = progress.some((p) => p.step === 'waiting' || p.step === 'preparing' || p.step === 'sending');
  return (
    <div class="upload-progress" data-testid={`${idPrefix}-progress`}>
      {busy && (
        <>
          <Loading text={text ?? t('common.loading')} />
          <p class="hint">{t('filePick.counter', { done: progress.filter((p) => p.step === 'done' || p.step === 'failed').length, total: progress.length })}</p>
        </>
      )}
      {!busy && failed.length > 0 && (
        <div class="alert alert--error" role="alert" data-testid={`${idPrefix}-failed`}>
          <p>
            <strong>{t(context === 'comment' ? 'filePick.someFailedComment' : 'filePick.someFailedImplementation', { n: failed.length, total: progress.length })}</strong>
          </p>
          <ul class="list">
            {failed.map((p, i) => (
              <li key={`${p.name}-${i}`}>
                {t('filePick.failedOne', { name: p.name, reason: p.error ? fileErrorText(p.error, context, max) : codeMessage('INTERNAL_SERVER_ERROR') })}
              </li>
            ))}
          </ul>
          {context === 'comment' && <p>{t('filePick.retryComment')}</p>}
        </div>
      )}
    </div>
  );
}
