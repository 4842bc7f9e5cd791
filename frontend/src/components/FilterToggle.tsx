import { t } from '../lib/i18n';

/**
 * The "Filter" button that shows or hides a list's filters on phones (issue #17, point 7), so
 * the filters do not fill the first screen; on wider screens the filters are always shown and
 * the button is not (styles.css, `.filters-toggle`). `active`: how many filters are applied.
 */
export function FilterToggle({ open, onToggle, active, controls }: { open: boolean; onToggle: () => void; active: number; controls: string }) {
  return (
    <button type="button" class="button button--secondary filters-toggle" aria-expanded={open} aria-controls={controls} onClick={onToggle} data-testid="filters-toggle">
      {t('filters.toggle')}
      {active > 0 && ` (${active})`}
    </button>
  );
}
