// Trip planner: a destination zone -> the gateway's plan (air, recommended way to travel,
// lines, open attractions, emergencies there). Sections the gateway could not fill say so.

import { api, query } from '../api.js';
import { el, fill } from '../dom.js';
import { lang, t, tOr } from '../i18n.js';
import { aqiBadge } from './air.js';
import { frame } from './section.js';
import { zoneLabel } from './zones.js';

function unavailable(part) {
  return part && !Array.isArray(part) && part.status === 'unavailable';
}

function listOrUnavailable(part, item, emptyKey, id) {
  if (unavailable(part)) return el('p', { class: 'unavailable' }, t('common.sectionUnavailable', { error: part.error ?? '' }));
  if (!Array.isArray(part) || part.length === 0) return el('p', {}, t(emptyKey));
  return el('ul', { id }, part.map(item));
}

function recommendation(plan) {
  const aqi = plan.air_quality?.aqi;
  return t(`trip.mode.${plan.recommendation?.mode ?? 'unknown'}`, { aqi: aqi ?? '' });
}

function renderPlan(plan) {
  const air = plan.air_quality ?? {};
  const airNode = typeof air.aqi === 'number'
    ? aqiBadge(air.aqi, lang() === 'en' ? air.category : tOr(`aqi.${air.category}`, air.category))
    : el('span', { class: 'unavailable' }, air.status === 'no_data' ? t('air.noMeasure') : t('common.sectionUnavailable', { error: air.error ?? '' }));
  return el('div', { class: 'plan', id: 'trip-plan', dataset: { zone: plan.zone } },
    el('p', {}, t('trip.air'), ' ', airNode),
    el('p', { class: 'recommendation', id: 'trip-recommendation' }, recommendation(plan)),
    el('h3', {}, t('trip.lines')),
    listOrUnavailable(plan.transports, (l) => el('li', {}, `${tOr(`mode.${l.mode}`, l.mode)} — `, el('span', { class: 'line-route' }, l.route)), 'trip.noLines', 'trip-lines'),
    el('h3', {}, t('trip.attractions')),
    listOrUnavailable(plan.attractions, (a) => el('li', {}, a.name), 'trip.noAttractions', 'trip-attractions'),
    el('h3', {}, t('trip.alerts')),
    listOrUnavailable(plan.alerts, (a) => el('li', {}, t('trip.alert', {
      type: tOr(`interventionType.${a.intervention_type}`, a.intervention_type),
      priority: tOr(`priority.${a.priority}`, a.priority),
      address: a.address,
    })), 'trip.noAlerts', 'trip-alerts'));
}

export function tripSection({ zones }) {
  const section = frame('trip');
  const zone = el('select', { id: 'trip-zone', name: 'zone' });
  const submit = el('button', { type: 'submit', id: 'trip-submit' }, t('trip.plan'));
  const result = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'form row-form', id: 'trip-form' },
    el('label', { for: 'trip-zone' }, t('trip.destination')), zone, submit);
  zones().then((list) => fill(zone, list.map((z) => el('option', { value: z.zone_id }, zoneLabel(z)))))
    .catch((e) => section.failed(e));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!zone.value) return;
    section.loading();
    submit.disabled = true;
    try {
      fill(result, renderPlan(await api(`/api/orchestration/plan-trip${query({ zone: zone.value })}`)));
      section.done();
    } catch (e) {
      fill(result);
      section.failed(e);
    } finally {
      submit.disabled = false;
    }
  });
  fill(section.body, form, result);
  return { node: section.node };
}
