// The frame every services section shares: a heading, a status line for loading and
// failures, and a body.

import { el, fill } from '../dom.js';
import { t } from '../i18n.js';

export function frame(key) {
  const status = el('p', { class: 'section-status', role: 'status' });
  const body = el('div', { class: 'section-body' });
  const node = el('section', { 'aria-labelledby': `${key}-title` },
    el('h2', { id: `${key}-title`, tabindex: '-1' }, t(`services.${key}`)),
    status,
    body);
  return {
    node,
    body,
    loading() {
      fill(status, t('common.loading'));
      status.className = 'section-status';
    },
    done() {
      fill(status);
    },
    /** The section's data could not be had: say so instead of showing an empty list. */
    failed(error) {
      fill(status, t('common.sectionUnavailable', { error: error.message ?? String(error) }));
      status.className = 'section-status unavailable';
    },
  };
}

export function table(headers, rows, attrs = {}) {
  return el('div', { class: 'table-wrap' },
    el('table', attrs,
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)));
}
