import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import { Field } from './ui';
import { codeMessage, fieldMessage, toApiError } from '../lib/errors';
import { formatNumber } from '../lib/format';
import { label, t } from '../lib/i18n';
import { MARK_PRESENT } from '../lib/documents/session';
import type { SessionState } from '../lib/sessionState';

/** One line of the list: "Nama" or "Nama; peran/lembaga" (a tab or "|" also separates). */
export function parseAttendanceLine(line: string, defaultRole: string): { name: string; role: string } | null {
  const text = line.trim();
  if (!text) return null;
  const at = text.search(/[;\t|]/);
  const name = (at < 0 ? text : text.slice(0, at)).trim();
  const role = (at < 0 ? '' : text.slice(at + 1)).trim();
  return { name, role: role || defaultRole };
}

type LineResult = { line: string; name: string; ok: boolean; message: string };

/**
 * Hall attendance in bulk (issue #17, point 3): a list pasted or typed by the desk, one person
 * a line, each recorded through `markPresent` in turn, with what happened to each line.
 */
export function BulkAttendanceForm({ state }: { state: SessionState }) {
  const client = useClient();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<LineResult[] | null>(null);
  const defaultRole = t('bulk.defaultRole');
  return (
    <details class="disclosure" data-testid="bulk-attendance">
      <summary>{t('bulk.title')}</summary>
      <form
        class="stack"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const lines = text.split('\n').filter((l) => l.trim());
          if (lines.length === 0 || busy) return;
          setBusy(true);
          const out: LineResult[] = [];
          const failed: string[] = [];
          for (const line of lines) {
            const parsed = parseAttendanceLine(line, defaultRole)!;
            if (parsed.name.length < 2 || parsed.name.length > 200 || parsed.role.length < 2 || parsed.role.length > 200) {
              out.push({ line, name: parsed.name, ok: false, message: t('bulk.badLine') });
              failed.push(line);
              continue;
            }
            const input = { sessionId: state.id, name: parsed.name, roleOrInstitution: parsed.role, gender: null };
            const r = await client.mutation(MARK_PRESENT, { input }).toPromise();
            const problem = toApiError(r.error);
            if (problem) {
              const detail = problem.fields.length ? problem.fields.map((f) => `${label('fieldName', f.field)}: ${fieldMessage(f)}`).join('; ') : codeMessage(problem.code);
              out.push({ line, name: parsed.name, ok: false, message: detail });
              failed.push(line);
            } else out.push({ line, name: parsed.name, ok: true, message: parsed.role });
            setResults([...out]);
          }
          setResults(out);
          // What failed stays in the box, to be corrected and sent again.
          setText(failed.join('\n'));
          setBusy(false);
        }}
      >
        <Field id="bulk-names" label={t('bulk.label')} hint={t('bulk.hint', { role: defaultRole })} required>
          {(a) => <textarea {...a} rows={8} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button" disabled={busy}>
          {busy ? t('common.sending') : t('bulk.submit')}
        </button>
        {results && (
          <div role="status" data-testid="bulk-results">
            <p>
              <strong>{t('bulk.summary', { ok: formatNumber(results.filter((r) => r.ok).length), failed: formatNumber(results.filter((r) => !r.ok).length) })}</strong>
            </p>
            <ol class="list bulk-results">
              {results.map((r, i) => (
                <li key={i} class={r.ok ? 'bulk-results__ok' : 'bulk-results__failed'}>
                  <span aria-hidden="true">{r.ok ? '✓ ' : '✗ '}</span>
                  <strong>{r.name || r.line}</strong> — {r.ok ? t('bulk.recorded', { role: r.message }) : r.message}
                </li>
              ))}
            </ol>
          </div>
        )}
      </form>
    </details>
  );
}
