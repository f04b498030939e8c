// Air quality: each zone's latest measure (SOAP service, through the gateway's JSON
// pass-through) with its AQI badge.

import { api } from '../api.js';
import { aqiBand } from '../aqi.js';
import { el, fill } from '../dom.js';
import { dateTime, lang, number, t, tOr } from '../i18n.js';
import { frame, table } from './section.js';

export function aqiBadge(aqi, category) {
  return el('span', { class: `aqi-badge aqi-${aqiBand(aqi)}` }, `${number(aqi, 0)} · ${category}`);
}

function categoryOf(measure) {
  return lang() === 'fr' && measure.category_fr ? measure.category_fr : tOr(`aqi.${measure.category}`, measure.category);
}

export function airSection({ zones }) {
  const section = frame('air');
  const list = el('div', {});
  async function load() {
    section.loading();
    try {
      const [zoneList, measures] = await Promise.all([zones(), api('/api/air-quality/measures')]);
      // Latest first from the service: the first one seen per zone is its current one.
      const latest = new Map();
      for (const measure of measures) if (!latest.has(measure.zone_id)) latest.set(measure.zone_id, measure);
      const rows = zoneList.map((zone) => {
        const m = latest.get(zone.zone_id);
        return el('tr', { dataset: { zone: zone.zone_id } },
          el('td', {}, zone.name ?? zone.zone_id),
          el('td', {}, m ? aqiBadge(m.aqi, categoryOf(m)) : t('air.noMeasure')),
          el('td', {}, m ? number(m.pm25) : '—'),
          el('td', {}, m ? number(m.pm10) : '—'),
          el('td', {}, m ? number(m.no2) : '—'),
          el('td', {}, m ? number(m.o3) : '—'),
          el('td', {}, m ? dateTime(m.measured_at) : '—'));
      });
      fill(list, table([t('air.zone'), t('air.aqi'), 'PM2.5', 'PM10', 'NO₂', 'O₃', t('air.measuredAt')], rows, { id: 'air-table' }));
      section.done();
    } catch (e) {
      fill(list);
      section.failed(e);
    }
  }
  fill(section.body, el('p', { class: 'hint' }, t('air.units')), list);
  load();
  return { node: section.node };
}
