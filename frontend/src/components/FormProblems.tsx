// The one way a form says what is wrong: every field problem (found here before sending, or by
// the server in `extensions.fields`) at its field and in a summary at the top, in the form's
// order and the reader's language; a problem that is not about a field as the usual error box.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from './ui';
import type { ApiError } from '../lib/errors';
import { label, localeStore, t } from '../lib/i18n';
import { useStore } from '../lib/store';
import { Checks, inFormOrder, problemTexts, serverProblems, type Problem } from '../lib/validation';

export interface FormProblemsState {
  /** Per field, the message shown at it (the form's own check first, else the server's). */
  fe: Record<string, string>;
  /** Runs the form's checks: true when nothing is wrong (the server's old problems are dropped). */
  check: (checks: Checks) => boolean;
  /** The server's answer to the submit (null when it worked). */
  fail: (error: ApiError | null) => void;
  error: ApiError | null;
  clear: () => void;
  /** Props of `<FormProblems>`. */
  summary: { problems: Array<[string, string]>; error: ApiError | null; fieldIds: Record<string, string>; labels?: Record<string, string>; attempt: number };
}

/**
 * A form's problems. `fieldIds` maps the input's field names to the ids of their controls in
 * the order the form shows them; `values` are the fields as typed (so that the server's length
 * rule on an empty field reads "wajib diisi"); `labels` name the fields in the summary (by
 * default `fieldName.*`); `error`, when given, is the server's answer kept elsewhere (a
 * panel's `useRun`) instead of through `fail`.
 */
export function useFormProblems(
  fieldIds: Record<string, string>,
  { values = {}, labels, error: outer }: { values?: Record<string, unknown>; labels?: Record<string, string>; error?: ApiError | null } = {},
): FormProblemsState {
  const locale = useStore(localeStore);
  const [local, setLocal] = useState<Record<string, Problem>>({});
  const [own, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The fields as they were when the problems were found: a field changed since has its
  // problem taken away (the next submit checks it again).
  const checked = useRef<Record<string, unknown>>({});
  const failed = useRef<Record<string, unknown>>({});
  const error = outer !== undefined ? outer : own;
  const lastOuter = useRef(outer);
  // A panel's new server error is a failed submit too: show and focus it.
  useEffect(() => {
    if (outer && outer !== lastOuter.current) {
      failed.current = { ...values };
      setAttempt((a) => a + 1);
    }
    lastOuter.current = outer;
  }, [outer]);
  const unchanged = (snapshot: Record<string, unknown>) => (field: string) => !(field in values) || !(field in snapshot) || Object.is(values[field], snapshot[field]);
  const fe = { ...keep(serverProblems(error, values, locale), unchanged(failed.current)), ...keep(problemTexts(local, locale), unchanged(checked.current)) };
  const order = Object.keys(fieldIds);
  const problems = inFormOrder(fe, order);
  return {
    fe,
    error,
    check: (checks) => {
      checked.current = { ...values };
      setLocal({ ...checks.problems });
      setError(null);
      if (checks.ok) return true;
      setAttempt((a) => a + 1);
      return false;
    },
    fail: (e) => {
      failed.current = { ...values };
      setError(e);
      if (e) setAttempt((a) => a + 1);
    },
    clear: () => {
      setLocal({});
      setError(null);
    },
    summary: { problems, error, fieldIds, labels, attempt },
  };
}

function keep(problems: Record<string, string>, still: (field: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(problems)) if (still(field)) out[field] = message;
  return out;
}

/**
 * "Periksa isian yang ditandai" with each problem as a link to its field, focused after every
 * failed submit; the server's other errors (not about a field) in an error box.
 */
export function FormProblems({ problems, error, fieldIds, labels, attempt }: FormProblemsState['summary']) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (attempt > 0 && problems.length > 0) ref.current?.focus();
  }, [attempt]);
  const other = error && error.fields.length === 0 ? error : null;
  return (
    <>
      <ErrorBox error={other} />
      {problems.length > 0 && (
        <div class="alert alert--error form-problems" role="alert" tabIndex={-1} ref={ref} data-testid="form-problems">
          <p>
            <strong>{t('error.BAD_USER_INPUT')}</strong>
          </p>
          <ul>
            {problems.map(([field, message]) => {
              const target = fieldIds[field];
              const text = `${labels?.[field] ?? label('fieldName', field)}: ${message}`;
              return (
                <li key={field}>
                  {target ? (
                    <a
                      href={`#${target}`}
                      onClick={(e) => {
                        const el = document.getElementById(target);
                        if (!el) return;
                        e.preventDefault();
                        el.focus();
                        el.scrollIntoView?.({ block: 'center' });
                      }}
                    >
                      {text}
                    </a>
                  ) : (
                    text
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </>
  );
}
