// The selected road: its latest reading, its prediction with confidence, and a chart of its
// average speed over the last hours (GET /api/traffic/history, 5-minute buckets).

import { api, query } from '../api.js';
import { historyChart } from '../chart.js';
import { level } from '../congestion.js';
import { el, fill } from '../dom.js';
import { number, t, time } from '../i18n.js';

const HISTORY_HOURS = 3;

export function roadDetail({ horizon }) {
  const title = el('h2', { id: 'road-title', tabindex: '-1' });
  const facts = el('p', { class: 'road-facts', id: 'road-facts' });
  const now = el('dl', { class: 'road-now', id: 'road-now' });
  const forecast = el('p', { class: 'road-prediction', id: 'road-prediction' });
  const chart = el('div', { class: 'road-chart', id: 'road-chart' });
  const node = el('section', { class: 'road-detail', id: 'road-detail', hidden: true, 'aria-labelledby': 'road-title' },
    title, facts, el('h3', {}, t('detail.now')), now, el('h3', {}, t('detail.prediction', { minutes: horizon })), forecast,
    el('h3', {}, t('detail.history', { hours: HISTORY_HOURS })), chart);
  let controller = null;
  let current = null;

  function renderNow(road) {
    const r = road.latest;
    if (!r) {
      fill(now, el('dd', {}, t('detail.noReading')));
      return;
    }
    const congestion = typeof r.congestion === 'number' ? `${Math.round(r.congestion * 100)} % · ${t(`level.${level(r.congestion)}`)}` : '—';
    const row = (key, value, id) => [el('dt', {}, t(key)), el('dd', id ? { id } : {}, value)];
    fill(now,
      row('detail.speed', `${number(r.speed_kmh)} km/h`, 'road-speed'),
      row('detail.flow', `${number(r.flow_rate, 0)} ${t('detail.flowUnit')}`),
      row('detail.occupancy', `${Math.round(r.occupancy * 100)} %`),
      row('detail.congestion', congestion, 'road-congestion'),
      row('detail.at', time(r.ts)));
  }

  function renderForecast(road) {
    const p = road.prediction;
    fill(forecast, p
      ? t('detail.predictionText', {
        score: Math.round(p.congestion_score * 100),
        level: t(`level.${level(p.congestion_score)}`),
        confidence: Math.round(p.confidence * 100),
        model: p.model_version,
        at: time(p.ts),
      })
      : t('detail.noPrediction'));
  }

  async function load(road) {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    fill(chart, t('common.loading'));
    const to = new Date();
    const from = new Date(to.getTime() - HISTORY_HOURS * 3600_000);
    const history = api(`/api/traffic/history${query({ road_id: road.road_id, from: from.toISOString(), to: to.toISOString(), bucket: '5m' })}`, { signal });
    const latest = api(`/api/predictions${query({ road_id: road.road_id, horizon, limit: 1 })}`, { signal });
    latest.catch(() => {}); // awaited below, unless the history call fails first
    try {
      const { items } = await history;
      fill(chart, items.length ? historyChart(items) : el('p', {}, t('detail.noHistory')));
    } catch (e) {
      if (e.name === 'AbortError') return;
      fill(chart, el('p', { class: 'unavailable' }, t('common.sectionUnavailable', { error: e.message })));
    }
    try {
      const [p] = (await latest).items;
      const shown = current?.road_id === road.road_id ? current : null;
      if (p && shown && !(shown.prediction && new Date(shown.prediction.ts) > new Date(p.ts))) {
        shown.prediction = p;
        renderForecast(shown);
      }
    } catch {
      // The prediction shown (from the roads list) stays.
    }
  }

  return {
    node,
    show(road) {
      current = road;
      node.hidden = false;
      node.dataset.road = road.road_id;
      fill(title, road.label || road.road_id);
      const parts = [t('detail.id', { id: road.road_id })];
      if (road.from_node && road.to_node) parts.push(`${road.from_node} → ${road.to_node}`);
      if (road.length_m) parts.push(`${number(road.length_m, 0)} m`);
      if (road.free_flow_kmh) parts.push(t('detail.freeFlow', { speed: number(road.free_flow_kmh, 0) }));
      fill(facts, parts.join(' · '));
      renderNow(road);
      renderForecast(road);
      load(road);
      title.focus();
    },
    update(road) {
      if (road.road_id !== current?.road_id) return;
      current = road;
      renderNow(road);
      renderForecast(road);
    },
    close() {
      controller?.abort();
    },
  };
}
