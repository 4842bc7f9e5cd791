// Photos chosen in the proposal form, sent once the proposal is saved (each scaled and
// re-encoded on the phone first, which drops its metadata). With "Gunakan lokasi foto" ticked,
// the position the camera stored in a photo (EXIF GPS, read here from the original file before
// it is redrawn) fills the proposal's latitude and longitude; without the tick it is never read.
import { useState } from 'preact/hooks';
import { Loading, announce } from './ui';
import { readGpsFromFile, type GpsPosition } from '../lib/exif';
import { formatCoordinate, formatNumber } from '../lib/format';
import { progressText } from './FilePicker';
import { t } from '../lib/i18n';
import { ACCEPT, MAX_FILES, PHOTO_TYPES, acceptChosen, sendFiles, uploadFile, type SendResult, type UploadedAttachment } from '../lib/upload';

/** Sends the chosen files to a saved proposal one by one; returns how many could not be sent. */
export async function uploadChosenPhotos(proposalId: number, files: File[], onProgress?: (text: string | null) => void): Promise<number> {
  const results = await sendFiles(
    files,
    async (file): Promise<SendResult<UploadedAttachment>> => {
      const r = await uploadFile(proposalId, PHOTO_TYPES.includes(file.type) ? 'PHOTO' : 'DOCUMENT', file);
      return r.error ? { data: null, error: r.error } : { data: r.attachment, error: null };
    },
    (progress) => onProgress?.(progressText(progress)),
  );
  onProgress?.(null);
  return results.filter((r) => r.step === 'failed').length;
}

export function ProposalPhotos({
  files,
  onChange,
  onPosition,
  progress,
}: {
  files: File[];
  onChange: (files: File[]) => void;
  onPosition: (position: GpsPosition) => void;
  /** What is being sent now (after saving). */
  progress?: string | null;
}) {
  const [useLocation, setUseLocation] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  // Only ever called with the tick on: the first photo with a position wins.
  const locate = async (list: File[]) => {
    const photos = list.filter((f) => PHOTO_TYPES.includes(f.type));
    if (photos.length === 0) return;
    for (const photo of photos) {
      const position = await readGpsFromFile(photo);
      if (position) {
        onPosition(position);
        const text = t('photos.located', { name: photo.name, lat: formatCoordinate(position.latitude), lon: formatCoordinate(position.longitude) });
        setNote(text);
        announce(text);
        return;
      }
    }
    const text = t('photos.noPosition');
    setNote(text);
    announce(text);
  };

  const add = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    setProblem(null);
    const next = acceptChosen(files, chosen, { max: MAX_FILES });
    if (next.problem) setProblem(t(`upload.error.${next.problem}`, { max: MAX_FILES }));
    onChange(next.files);
    const ok = next.files.filter((f) => !files.includes(f));
    if (useLocation) void locate(ok);
  };

  return (
    <fieldset class="card stack upload" data-testid="proposal-photos">
      <legend>{t('photos.legend')}</legend>
      <p class="hint" id="pf-photo-hint">
        {t('photos.hint', { max: MAX_FILES })}
      </p>
      <div class="button-row">
        <span class="file-pick">
          <input id="pf-photo-file" type="file" accept={ACCEPT} multiple aria-describedby="pf-photo-hint" onChange={add} />
          <label for="pf-photo-file" class="button button--secondary">
            {t('upload.add')}
          </label>
        </span>
        <span class="file-pick">
          <input id="pf-photo-camera" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" aria-describedby="pf-photo-hint" onChange={add} />
          <label for="pf-photo-camera" class="button button--secondary">
            {t('upload.camera')}
          </label>
        </span>
      </div>
      <div class="field">
        <label class="checkbox">
          <input
            type="checkbox"
            id="pf-photo-location"
            checked={useLocation}
            aria-describedby="pf-photo-location-hint"
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setUseLocation(on);
              setNote(null);
              if (on) void locate(files);
            }}
          />{' '}
          {t('photos.useLocation')}
        </label>
        <p class="hint" id="pf-photo-location-hint">
          {t('photos.useLocationHint')}
        </p>
      </div>
      {files.length > 0 && (
        <ul class="list chosen-files" data-testid="pf-photo-chosen">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} ({formatNumber(Math.max(1, Math.round(f.size / 1024)))} KB){' '}
              <button type="button" class="button button--link" onClick={() => onChange(files.filter((_, j) => j !== i))}>
                {t('outbox.remove')}
                <span class="visually-hidden">: {f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="hint" role="status" data-testid="pf-photo-note">
        {note}
      </p>
      {progress && <Loading text={progress} />}
      {problem && (
        <p class="error-text" role="alert">
          <span aria-hidden="true">⚠ </span>
          {problem}
        </p>
      )}
    </fieldset>
  );
}
