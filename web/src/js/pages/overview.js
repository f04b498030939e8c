// City overview: the four service cards of GET /api/orchestration/city-dashboard, the city's
// status and its alerts; refreshed on demand and every 30 s while the tab is visible. A
// section the gateway marks unavailable reads "unavailable", never 0.

import { api } from '../api.js';
import { aqiBand } from '../aqi.js';
import { el, fill } from '../dom.js';
import { number, t, time, tOr } from '../i18n.js';

const REFRESH_MS = 30_000;

function unavailable(section) {
  return !section || section.status === 'unavailable';
}

/** One card: figure, caption and the services section it links to. */
function card(key, href, section, figure, details) {
  const down = unavailable(section);
  return el(
    'a',
    { class: `card${down ? ' card-unavailable' : ''}`, href, dataset: { card: key } },
    el('span', { class: 'card-title' }, t(`card.${key}`)),
    el('span', { class: 'card-value' }, down ? t('common.unavailable') : figure),
    el('span', { class: 'card-detail' }, down ? section?.error ?? '' : details),
  );
}

function cards(doc) {
  const { transport: tr, air_quality: air, tourism: to, emergency: em } = doc;
  const band = unavailable(air) ? 'unknown' : aqiBand(air.average_aqi);
  const airCard = card(
    'air',
    '#/services/air',
    air,
    unavailable(air) ? '' : number(air.average_aqi),
    unavailable(air) ? '' : [
      el('span', { class: `aqi-badge aqi-${band}` }, tOr(`aqi.${air.category}`, air.category)),
      ' ',
      t('card.airDetail', { zones: air.zones_monitored, polluted: air.polluted_zones?.length ?? 0 }),
    ],
  );
  airCard.classList.add(`card-aqi-${band}`);
  return [
    card('transport', '#/services/lines', tr, unavailable(tr) ? '' : `${tr.operational}/${tr.total_lines}`,
      unavailable(tr) ? '' : t('card.transportDetail', { percent: tr.availability_percent, status: t(`transportStatus.${tr.status}`) })),
    airCard,
    card('tourism', '#/services/attractions', to, unavailable(to) ? '' : `${to.currently_open}/${to.total_attractions}`,
      unavailable(to) ? '' : t('card.tourismDetail')),
    card('emergency', '#/services/emergency', em, unavailable(em) ? '' : `${em.available_vehicles}/${em.total_vehicles}`,
      unavailable(em) ? '' : t('card.emergencyDetail', { active: em.active_interventions })),
  ];
}

function alertItem(alert) {
  return el(
    'li',
    { class: `alert alert-${alert.level}` },
    el('span', { class: 'alert-level' }, tOr(`alertLevel.${alert.level}`, alert.level)),
    ' ',
    el('span', { class: 'alert-source' }, tOr(`source.${alert.source}`, alert.source)),
    ' — ',
    el('span', { class: 'alert-message' }, alert.message),
  );
}

export function mount(root) {
  const status = el('p', { class: 'city-status', id: 'city-status' });
  const updated = el('span', { class: 'updated', id: 'updated-at' });
  const grid = el('div', { class: 'cards', id: 'cards', 'aria-live': 'polite' });
  const alerts = el('ul', { class: 'alerts', id: 'alerts' });
  const refresh = el('button', { type: 'button', id: 'refresh', on: { click: () => load() } }, t('overview.refresh'));
  fill(
    root,
    el('section', { class: 'page overview', 'aria-labelledby': 'overview-title' },
      el('div', { class: 'page-head' },
        el('h1', { id: 'overview-title' }, t('overview.title')),
        el('div', { class: 'toolbar' }, refresh, updated)),
      status,
      grid,
      el('h2', {}, t('overview.alerts')),
      alerts),
  );

  let controller = null;
  async function load() {
    controller?.abort();
    controller = new AbortController();
    refresh.disabled = true;
    grid.setAttribute('aria-busy', 'true');
    try {
      const doc = await api('/api/orchestration/city-dashboard', { signal: controller.signal });
      fill(grid, cards(doc));
      fill(status, t('overview.status', { status: tOr(`cityStatus.${doc.city_status}`, doc.city_status) }));
      status.dataset.status = doc.city_status;
      fill(alerts, doc.alerts?.length ? doc.alerts.map(alertItem) : el('li', { class: 'alert alert-none' }, t('overview.noAlerts')));
      fill(updated, t('overview.updated', { time: time(doc.timestamp ?? new Date()) }));
    } catch (e) {
      if (e.name === 'AbortError') return;
      // Not even the gateway answered: every card is unknown, none is zero.
      const down = { status: 'unavailable', error: e.message };
      fill(grid, cards({ transport: down, air_quality: down, tourism: down, emergency: down }));
      fill(status, t('overview.gatewayDown'));
      status.dataset.status = 'unavailable';
      fill(alerts);
    } finally {
      refresh.disabled = false;
      grid.removeAttribute('aria-busy');
    }
  }

  load();
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') load();
  }, REFRESH_MS);
  return () => {
    clearInterval(timer);
    controller?.abort();
  };
}
