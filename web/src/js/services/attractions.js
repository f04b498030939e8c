// Attractions (GraphQL service, through the gateway's JSON pass-through) and whether they
// are open.

import { api } from '../api.js';
import { el, fill } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { frame } from './section.js';

function card(a) {
  const open = a.status === 'OPEN';
  return el('li', { class: 'attraction', dataset: { attractionId: a.id } },
    el('h3', {}, a.name),
    el('p', { class: 'meta' },
      el('span', { class: `status ${open ? 'status-open' : 'status-closed'}` }, tOr(`attractionStatus.${a.status}`, a.status)),
      ' ', tOr(`attractionType.${a.type}`, a.type ?? ''), ' · ', a.zone ?? ''),
    a.address ? el('p', { class: 'address' }, a.address) : null,
    a.openingHours ? el('p', { class: 'hours' }, t('attractions.hours', { hours: a.openingHours })) : null,
    a.description ? el('p', { class: 'description' }, a.description) : null);
}

export function attractionsSection() {
  const section = frame('attractions');
  const list = el('ul', { class: 'attractions', id: 'attractions-list' });
  async function load() {
    section.loading();
    try {
      const attractions = await api('/api/tourism/attractions');
      fill(list, attractions.map(card));
      section.done();
    } catch (e) {
      fill(list);
      section.failed(e);
    }
  }
  fill(section.body, list);
  load();
  return { node: section.node };
}
