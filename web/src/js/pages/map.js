// Traffic map: every road as a circle at its midpoint, coloured by its current congestion or,
// with the toggle, by its 30-minute prediction; active reroutes as dashed paths; the most
// congested roads beside the map; live updates from /api/stream; a road's history chart and
// prediction on click. Tiles only when a tile URL is configured: a plain background otherwise.

import { api, query } from '../api.js';
import { colour, level, swatch } from '../congestion.js';
import { config } from '../config.js';
import { el, fill } from '../dom.js';
import { number, t } from '../i18n.js';
import { openStream } from '../live.js';
import { roadDetail } from './road-detail.js';
import { legend, rerouteItem, rerouteTooltip } from './map-parts.js';

const PARIS = [48.8566, 2.3522];
const PAGE_SIZE = 1000;
const MAX_ROADS = 10_000;
const TOP_COUNT = 10;
const HORIZON_MIN = 30;
/** Roads per /api/traffic/live call when refreshing scores after live readings. */
const LIVE_BATCH = 100;

export function mount(root) {
  if (!window.L) {
    fill(root, el('p', { class: 'unavailable' }, t('map.noLeaflet')));
    return null;
  }
  const L = window.L;
  const roads = new Map();
  const pendingLive = new Set();
  const timers = new Set();
  let byPrediction = false;
  let selected = null;
  let fitted = false;
  let wasLive = false;

  const mapNode = el('div', { class: 'map', id: 'traffic-map', 'aria-label': t('map.label') });
  const badge = el('span', { class: 'live-badge', id: 'live-badge', role: 'status', dataset: { state: 'connecting' } }, t('live.connecting'));
  const toggle = el('input', { type: 'checkbox', id: 'prediction-toggle' });
  const status = el('p', { class: 'map-status', id: 'map-status' });
  const lastUpdate = el('p', { class: 'map-status', id: 'last-update' });
  const roadSelect = el('select', { id: 'road-select' });
  const topList = el('ol', { class: 'top-roads', id: 'top-roads' });
  const rerouteList = el('ul', { class: 'reroutes', id: 'reroute-list' });
  const detail = roadDetail({ horizon: HORIZON_MIN });
  const attribution = el('p', { class: 'attribution', id: 'tile-attribution' });

  fill(root, el('div', { class: 'page map-page' },
    el('div', { class: 'map-column' }, mapNode, attribution),
    el('aside', { class: 'map-side', 'aria-label': t('map.side') },
      el('div', { class: 'map-head' }, el('h1', {}, t('map.title')), badge),
      el('label', { class: 'toggle' }, toggle, ' ', t('map.byPrediction', { minutes: HORIZON_MIN })),
      legend(),
      status,
      lastUpdate,
      el('label', { for: 'road-select' }, t('map.chooseRoad')), roadSelect,
      el('h2', {}, t('map.top')), topList,
      el('h2', {}, t('map.reroutes')), rerouteList,
      detail.node)));

  const map = L.map(mapNode, { center: PARIS, zoom: 13, attributionControl: false, keyboard: true });
  const { map_tile_url: tiles, map_tile_attribution: tileCredit } = config();
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    attribution.textContent = tileCredit ? `Leaflet | ${tileCredit}` : 'Leaflet';
  } else {
    mapNode.classList.add('no-tiles');
    attribution.textContent = t('map.noTiles');
  }
  const roadLayer = L.layerGroup().addTo(map);
  const rerouteLayer = L.layerGroup().addTo(map);

  const later = (fn, ms) => {
    const id = setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
    return id;
  };
  const label = (road) => road.label || road.road_id;
  const score = (road) => (byPrediction ? road.prediction?.congestion_score : road.latest?.congestion);

  function paint(entry) {
    if (!entry.marker) return;
    const value = score(entry.road);
    const isSelected = entry.road.road_id === selected;
    entry.marker.setStyle({ fillColor: colour(value), color: isSelected ? '#000' : '#263238', weight: isSelected ? 3 : 1 });
    const path = entry.marker.getElement();
    if (path) path.dataset.level = level(value);
  }

  function addRoad(road) {
    const entry = { road, marker: null };
    roads.set(road.road_id, entry);
    if (typeof road.lat === 'number' && typeof road.lng === 'number') {
      entry.marker = L.circleMarker([road.lat, road.lng], { radius: 7, fillOpacity: 0.9, className: 'road-marker' }).addTo(roadLayer);
      entry.marker.bindTooltip(() => el('span', {}, label(entry.road)));
      entry.marker.on('click', () => select(road.road_id));
      entry.marker.getElement()?.setAttribute('data-road', road.road_id);
    }
    paint(entry);
    return entry;
  }

  let listsQueued = false;
  function queueLists() {
    if (listsQueued) return;
    listsQueued = true;
    later(() => {
      listsQueued = false;
      renderLists();
    }, 200);
  }

  function renderLists() {
    const ranked = [...roads.values()]
      .filter((entry) => typeof score(entry.road) === 'number')
      .sort((a, b) => score(b.road) - score(a.road))
      .slice(0, TOP_COUNT);
    fill(topList, ranked.length ? ranked.map(({ road }) => el('li', { dataset: { level: level(score(road)) } },
      el('button', { type: 'button', class: 'link', dataset: { road: road.road_id }, on: { click: () => select(road.road_id) } },
        swatch(level(score(road))),
        ` ${label(road)} `,
        el('span', { class: 'score' }, `${Math.round(score(road) * 100)} %`)))) : el('li', {}, t('map.noScores')));
    if (roadSelect.options.length - 1 !== roads.size) {
      const sorted = [...roads.values()].map((e) => e.road).sort((a, b) => label(a).localeCompare(label(b)));
      fill(roadSelect, el('option', { value: '' }, t('map.chooseRoadPlaceholder')),
        sorted.map((road) => el('option', { value: road.road_id, selected: road.road_id === selected }, label(road))));
    }
    fill(status, t('map.roadCount', { count: roads.size }));
  }

  function select(roadId) {
    const previous = selected;
    selected = roadId;
    if (previous && roads.has(previous)) paint(roads.get(previous));
    const entry = roads.get(roadId);
    if (!entry) return;
    paint(entry);
    roadSelect.value = roadId;
    if (entry.marker) map.panTo(entry.marker.getLatLng());
    detail.show(entry.road);
  }
  roadSelect.addEventListener('change', () => roadSelect.value && select(roadSelect.value));
  toggle.addEventListener('change', () => {
    byPrediction = toggle.checked;
    mapNode.dataset.colouring = byPrediction ? 'prediction' : 'current';
    for (const entry of roads.values()) paint(entry);
    renderLists();
  });
  mapNode.dataset.colouring = 'current';

  async function loadRoads() {
    fill(status, t('common.loading'));
    try {
      let cursor = null;
      do {
        const page = await api(`/api/roads${query({ limit: PAGE_SIZE, cursor, horizon: HORIZON_MIN })}`);
        for (const road of page.items) {
          const known = roads.get(road.road_id);
          if (known) {
            known.road = { ...known.road, ...road };
            paint(known);
          } else addRoad(road);
        }
        cursor = page.next_cursor;
      } while (cursor && roads.size < MAX_ROADS);
      const placed = [...roads.values()].filter((e) => e.marker).map((e) => e.marker.getLatLng());
      if (placed.length && !fitted) {
        fitted = true;
        map.fitBounds(L.latLngBounds(placed), { padding: [24, 24], maxZoom: 15 });
      }
      renderLists();
      mapNode.dataset.roads = String(roads.size);
    } catch (e) {
      fill(status, t('common.sectionUnavailable', { error: e.message }));
      status.classList.add('unavailable');
    }
  }

  async function loadReroutes() {
    try {
      const collection = await api('/api/reroutes?active=true&format=geojson');
      rerouteLayer.clearLayers();
      const items = [];
      for (const feature of collection.features ?? []) {
        const coordinates = feature.geometry?.type === 'LineString' ? feature.geometry.coordinates : [];
        const p = feature.properties ?? {};
        const names = (p.alt_path ?? []).map((id) => (roads.get(id) ? label(roads.get(id).road) : id));
        const routeName = roads.get(p.route_id) ? label(roads.get(p.route_id).road) : p.route_id;
        let line = null;
        if (coordinates.length >= 2) {
          line = L.polyline(coordinates.map(([lng, lat]) => [lat, lng]), { color: '#1565c0', weight: 5, opacity: 0.85, dashArray: '10 6', className: 'reroute-path' }).addTo(rerouteLayer);
          line.bindTooltip(() => rerouteTooltip(p, routeName));
          line.getElement()?.setAttribute('data-route', p.route_id);
        }
        items.push(rerouteItem(p, routeName, names, line ? () => map.fitBounds(line.getBounds(), { maxZoom: 16 }) : null));
      }
      fill(rerouteList, items.length ? items : el('li', {}, t('map.noReroutes')));
    } catch (e) {
      fill(rerouteList, el('li', { class: 'unavailable' }, t('common.sectionUnavailable', { error: e.message })));
    }
  }

  let reroutesQueued = false;
  function queueReroutes() {
    if (reroutesQueued) return;
    reroutesQueued = true;
    later(() => {
      reroutesQueued = false;
      loadReroutes();
    }, 300);
  }

  // A live reading carries no score: ask the traffic API for the roads' scores (one call for
  // a batch of roads) so the colours always follow the server's model.
  let liveQueued = false;
  function queueLiveScores() {
    if (liveQueued) return;
    liveQueued = true;
    later(async () => {
      const ids = [...pendingLive].slice(0, LIVE_BATCH);
      ids.forEach((id) => pendingLive.delete(id));
      try {
        const reply = await api(`/api/traffic/live${query({ roads: ids.join(','), limit: ids.length })}`);
        for (const item of reply.items ?? []) {
          const entry = roads.get(item.road_id);
          if (!entry || newer(entry.road.latest, item)) continue;
          entry.road.latest = { ...entry.road.latest, ...item };
          paint(entry);
          if (item.road_id === selected) detail.update(entry.road);
        }
        queueLists();
      } catch {
        // The colours stay as they were; the next reading asks again.
      }
      liveQueued = false;
      if (pendingLive.size) queueLiveScores();
    }, 250);
  }
  const newer = (a, b) => a?.ts && b?.ts && new Date(a.ts) > new Date(b.ts);

  const stopStream = openStream('/api/stream', {
    traffic(reading) {
      let entry = roads.get(reading.road_id);
      if (!entry) {
        entry = addRoad({ road_id: reading.road_id, label: reading.label ?? '', lat: reading.lat ?? null, lng: reading.lng ?? null, latest: null, prediction: null });
      }
      if (newer(entry.road.latest, reading)) return;
      const { ts, sensor_id, speed_kmh, flow_rate, occupancy } = reading;
      entry.road.latest = { congestion: entry.road.latest?.congestion ?? null, ts, sensor_id, speed_kmh, flow_rate, occupancy };
      if (reading.label) entry.road.label = reading.label;
      pendingLive.add(reading.road_id);
      queueLiveScores();
      fill(lastUpdate, t('map.lastUpdate', { road: label(entry.road), speed: number(reading.speed_kmh) }));
      lastUpdate.dataset.road = reading.road_id;
      if (reading.road_id === selected) detail.update(entry.road);
    },
    prediction(p) {
      const entry = roads.get(p.road_id);
      if (p.horizon_min !== HORIZON_MIN || !entry || newer(entry.road.prediction, p)) return;
      const { ts, horizon_min, congestion_score, confidence, model_version } = p;
      entry.road.prediction = { ts, horizon_min, congestion_score, confidence, model_version };
      paint(entry);
      queueLists();
      if (p.road_id === selected) detail.update(entry.road);
    },
    reroute() {
      queueReroutes();
    },
    serverError(message) {
      fill(lastUpdate, t('live.serverError', { error: message?.error ?? message?.message ?? '' }));
    },
  }, (state) => {
    badge.dataset.state = state;
    fill(badge, t(`live.${state}`));
    // Whatever happened while disconnected, the scores are read afresh.
    if (state === 'live' && wasLive) loadRoads();
    if (state === 'live') wasLive = true;
  });

  loadRoads().then(loadReroutes);
  return () => {
    stopStream();
    timers.forEach(clearTimeout);
    detail.close();
    map.remove();
  };
}
