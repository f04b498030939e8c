// Small pieces of the traffic map: the colour legend and the reroute texts.

import { LEVELS, swatch } from '../congestion.js';
import { el } from '../dom.js';
import { number, signed, t } from '../i18n.js';

export function legend() {
  const levels = [...Object.keys(LEVELS), 'unknown'];
  return el('ul', { class: 'legend', 'aria-label': t('map.legend') },
    levels.map((name) => el('li', {}, swatch(name), ' ', t(`level.${name}`))));
}

function gains(p) {
  return t('map.rerouteGains', { eta: number(p.eta_gain_min), co2: signed(p.estimated_co2_gain) });
}

export function rerouteTooltip(p, routeName) {
  return el('span', {}, t('map.rerouteAround', { road: routeName }), el('br'), gains(p));
}

export function rerouteItem(p, routeName, altNames, focus) {
  const text = [t('map.rerouteAround', { road: routeName }), ' ', el('span', { class: 'via' }, t('map.rerouteVia', { path: altNames.join(' → ') })), ' ', el('strong', { class: 'gains' }, gains(p))];
  return el('li', { dataset: { route: p.route_id } },
    focus ? el('button', { type: 'button', class: 'link', on: { click: focus } }, text) : text,
    p.reason ? [' ', el('span', { class: 'reason' }, p.reason)] : null);
}
