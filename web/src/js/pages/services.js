// Services: transport lines, air quality, attractions, emergencies and the trip planner, each
// section loading (and failing) on its own.

import { el, fill } from '../dom.js';
import { t } from '../i18n.js';
import { linesSection } from '../services/lines.js';
import { airSection } from '../services/air.js';
import { attractionsSection } from '../services/attractions.js';
import { emergencySection } from '../services/emergency.js';
import { tripSection } from '../services/trip.js';
import { zoneLoader } from '../services/zones.js';

const SECTIONS = [
  ['lines', linesSection],
  ['air', airSection],
  ['attractions', attractionsSection],
  ['emergency', emergencySection],
  ['trip', tripSection],
];

export function mount(root, [focus] = []) {
  const zones = zoneLoader();
  const cleanups = [];
  const nav = el('nav', { class: 'subnav', 'aria-label': t('services.sections') },
    SECTIONS.map(([id]) => el('a', { href: `#/services/${id}` }, t(`services.${id}`))));
  const sections = SECTIONS.map(([id, build]) => {
    const { node, cleanup } = build({ zones });
    if (cleanup) cleanups.push(cleanup);
    node.id = id;
    node.classList.add('service');
    return node;
  });
  fill(root, el('div', { class: 'page services' }, el('h1', {}, t('services.title')), nav, sections));
  const target = focus && document.getElementById(focus);
  if (target) {
    target.scrollIntoView();
    target.querySelector('h2')?.focus();
  }
  return () => cleanups.forEach((cleanup) => cleanup());
}
