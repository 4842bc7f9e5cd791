import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { codeMessage, detailMessage, fieldMessage, hasUsefulDetail, type ApiError } from '../lib/errors';
import { label, t } from '../lib/i18n';
import { createStore, useStore } from '../lib/store';
import { Link } from '../lib/router';
import { safeHref } from '../lib/links';
import { retryingStore } from '../lib/retry';
import { onlineStore } from '../lib/online';

/**
 * A link to an address someone typed (an attachment, a photo, an online meeting), through
 * `safeHref`: anything but http(s) or a path on this site is shown as plain text, never linked.
 */
export function SafeLink({ url, children, newTab }: { url: string | null | undefined; children: ComponentChildren; newTab?: boolean }) {
  const href = safeHref(url);
  if (!href) {
    return (
      <span>
        {children} <span class="muted">({t('link.notShown')})</span>
      </span>
    );
  }
  return newTab ? (
    <a href={href} rel="noopener noreferrer" target="_blank">
      {children}
      <span class="visually-hidden"> ({t('path.newTab')})</span>
    </a>
  ) : (
    <a href={href} rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** A `SafeLink` that opens in a new tab (and says so to screen readers). */
export function ExternalLink({ url, children }: { url: string | null | undefined; children: ComponentChildren }) {
  return (
    <SafeLink url={url} newTab>
      {children}
    </SafeLink>
  );
}

/** Polite announcements for screen readers (saved, voted, updated…). */
export const announcement = createStore<{ text: string; n: number }>({ text: '', n: 0 });
export function announce(text: string) {
  announcement.set({ text, n: announcement.get().n + 1 });
}

export function LiveRegion() {
  const { text, n } = useStore(announcement);
  return (
    <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      <span key={n}>{text}</span>
    </div>
  );
}

/**
 * "Server busy or restarting — retrying…" on every page while a read or the live connection
 * waits to be asked again ("you are offline …" while the phone has no connection). The
 * region stays in the page when empty, because screen readers announce a change inside a
 * live region they already know, not a region that just appeared.
 */
export function RetryBanner() {
  const retrying = useStore(retryingStore);
  // Without a connection the reads wait too, but the server is not the one to blame.
  const online = useStore(onlineStore);
  return (
    <div class={`retry-banner${online ? '' : ' retry-banner--offline'}`} role="status" aria-live="polite">
      {!online ? t('common.offline') : retrying ? t('common.serverBusy') : null}
    </div>
  );
}

interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  /** A caution that does not stop the form (a cost far from the catalogue's estimate). */
  warning?: string | null;
  required?: boolean;
  children: (attrs: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: 'true'; required?: boolean }) => JSX.Element;
  class?: string;
}

/** A labelled control with its hint and its error, wired with aria-describedby. */
export function Field({ id, label: text, error, hint, warning, required, children, class: cls }: FieldProps) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : '', warning ? `${id}-warning` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field--error' : ''}${cls ? ` ${cls}` : ''}`}>
      <label for={id}>
        {text}
        {required ? <span class="required" aria-hidden="true"> *</span> : <span class="optional"> ({t('form.optional')})</span>}
      </label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-describedby': described, 'aria-invalid': error ? 'true' : undefined, required })}
      {error && (
        <p class="error-text" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
      {warning && (
        <p class="warning-text" id={`${id}-warning`} data-testid={`${id}-warning`}>
          <span aria-hidden="true">⚠ </span>
          {warning}
        </p>
      )}
    </div>
  );
}

/**
 * A translated error with the server's explanation where it names the rule that applied;
 * `message` replaces both where a form knows better what the code means there.
 */
export function ErrorBox({ error, fieldIds, message }: { error: ApiError | null; fieldIds?: Record<string, string>; message?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  // The server lists field problems by name: show them in the form's order (that of `fieldIds`).
  const order = fieldIds ? Object.keys(fieldIds) : [];
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  const fields = [...error.fields].sort((a, b) => rank(a.field) - rank(b.field));
  return (
    <div class="alert alert--error" role="alert" tabIndex={-1} ref={ref}>
      <p>
        <strong>{message ?? codeMessage(error.code, undefined, error.retryAfterSeconds)}</strong>
      </p>
      {!message && hasUsefulDetail(error) && <p class="alert__detail">{detailMessage(error)}</p>}
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => {
            const target = fieldIds?.[f.field];
            const text = `${fieldLabelFallback(f.field)}: ${fieldMessage(f)}`;
            return <li key={f.field + f.code}>{target ? <a href={`#${target}`}>{text}</a> : text}</li>;
          })}
        </ul>
      )}
    </div>
  );
}

function fieldLabelFallback(field: string): string {
  return label('fieldName', field);
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ComponentChildren }) {
  return <div class={`alert alert--${kind}`}>{children}</div>;
}

export function Loading({ text }: { text?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {text ?? t('common.loading')}
    </p>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge--${status.toLowerCase()}`}>{label('status', status)}</span>;
}

export function Badge({ children, tone = 'neutral' }: { children: ComponentChildren; tone?: string }) {
  return <span class={`badge badge--${tone}`}>{children}</span>;
}

/** Page title: sets document.title and is focused after navigation by the app shell. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  useEffect(() => {
    document.title = `${title} · Musrenbang`;
  }, [title]);
  return (
    <h1 tabIndex={-1} class="page-title">
      {children}
    </h1>
  );
}

export function Breadcrumbs({ items }: { items: Array<{ href?: string; text: string }> }) {
  return (
    <nav aria-label={t('nav.breadcrumbs')} class="breadcrumbs">
      <ol>
        {items.map((item, i) => (
          <li key={i}>{item.href && i < items.length - 1 ? <Link href={item.href}>{item.text}</Link> : <span aria-current={i === items.length - 1 ? 'page' : undefined}>{item.text}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

interface PagerProps {
  total: number;
  offset: number;
  pageSize: number;
  hasNext: boolean;
  onPage: (offset: number) => void;
}

/** "1–20 of 300" with previous/next; offsets map to the API's `offset:N` cursors. */
export function Pager({ total, offset, pageSize, hasNext, onPage }: PagerProps) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + pageSize);
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      <p aria-live="polite">{t('pager.range', { from, to, total })}</p>
      {(offset > 0 || hasNext) && <div class="pager__buttons button-row">
        <button type="button" class="button button--secondary" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - pageSize))}>
          ← {t('pager.previous')}
        </button>
        <button type="button" class="button button--secondary" disabled={!hasNext} onClick={() => onPage(offset + pageSize)}>
          {t('pager.next')} →
        </button>
      </div>}
    </nav>
  );
}

/** The API's cursor for "start after row N-1". */
export function cursorFor(offset: number): string | undefined {
  return offset > 0 ? `offset:${offset - 1}` : undefined;
}

/** A table that scrolls sideways on a phone and can be scrolled by keyboard. */
/** `cards`: the table becomes one card per row on narrow screens (`.table--cards` in styles.css). */
export function TableWrap({ label: text, children, cards }: { label: string; children: ComponentChildren; cards?: boolean }) {
  return (
    <div class={cards ? 'table-wrap table-wrap--cards' : 'table-wrap'} role="region" aria-label={text} tabIndex={0}>
      {children}
    </div>
  );
}

export function LiveBadge({ mode }: { mode: string }) {
  if (mode === 'paused') return null;
  return (
    <span class={`live live--${mode}`}>
      <span class="live__dot" aria-hidden="true" />
      {mode === 'subscription' ? t('live.subscription') : t('live.polling')}
    </span>
  );
}
