// Emergencies: the fleet and the active interventions (gRPC service, through the gateway's
// JSON pass-throughs); operators dispatch through POST /api/orchestration/emergency-response,
// which records the intervention and sends the nearest available vehicle of the right type.

import { api } from '../api.js';
import { clearFieldErrors, el, fill, showFieldError } from '../dom.js';
import { number, t, tOr } from '../i18n.js';
import { session } from '../session.js';
import { toast } from '../toast.js';
import { frame, table } from './section.js';
import { zoneLabel } from './zones.js';

const TYPES = ['medical', 'fire', 'crime', 'accident'];
const PRIORITIES = ['low', 'medium', 'high', 'critical'];

function vehicleRow(v) {
  return el('tr', { dataset: { vehicleId: v.id } },
    el('td', {}, v.identifier),
    el('td', {}, tOr(`vehicleType.${v.vehicle_type}`, v.vehicle_type)),
    el('td', {}, el('span', { class: `status status-${v.status}` }, tOr(`vehicleStatus.${v.status}`, v.status))),
    el('td', {}, v.station ?? ''),
    el('td', {}, String(v.crew_size ?? '')));
}

function interventionRow(i, vehicles) {
  const vehicle = vehicles.get(i.assigned_vehicle_id);
  return el('tr', { dataset: { interventionId: i.id } },
    el('td', {}, String(i.id)),
    el('td', {}, tOr(`interventionType.${i.intervention_type}`, i.intervention_type)),
    el('td', {}, el('span', { class: `priority priority-${i.priority}` }, tOr(`priority.${i.priority}`, i.priority))),
    el('td', {}, tOr(`interventionStatus.${i.status}`, i.status)),
    el('td', {}, i.address ?? ''),
    el('td', {}, i.zone ?? ''),
    el('td', {}, i.assigned_vehicle_id ? vehicle?.identifier ?? `#${i.assigned_vehicle_id}` : t('emergency.unassigned')));
}

function dispatchForm(zones, onDone) {
  const select = (id, values, prefix, selected) => el('select', { id, name: id },
    values.map((v) => el('option', { value: v, selected: v === selected }, tOr(`${prefix}.${v}`, v))));
  const zone = el('select', { id: 'dispatch-zone', name: 'zone' });
  const type = select('dispatch-type', TYPES, 'interventionType', 'medical');
  const priority = select('dispatch-priority', PRIORITIES, 'priority', 'high');
  const address = el('input', { id: 'dispatch-address', name: 'address', maxlength: 300, required: true, autocomplete: 'off' });
  const latitude = el('input', { id: 'dispatch-latitude', name: 'latitude', type: 'number', step: 'any', required: true });
  const longitude = el('input', { id: 'dispatch-longitude', name: 'longitude', type: 'number', step: 'any', required: true });
  const description = el('textarea', { id: 'dispatch-description', name: 'description', rows: 2, maxlength: 1000 });
  const error = el('p', { class: 'form-error', id: 'dispatch-error', role: 'alert' });
  const result = el('p', { class: 'dispatch-result', id: 'dispatch-result', role: 'status' });
  const submit = el('button', { type: 'submit', id: 'dispatch-submit' }, t('emergency.dispatch'));
  const fields = { zone, emergency_type: type, priority, address, latitude, longitude, description };
  let zoneList = [];

  zones().then((list) => {
    zoneList = list;
    fill(zone, list.map((z) => el('option', { value: z.zone_id }, zoneLabel(z))));
    placeAtZone();
  }).catch((e) => fill(error, t('common.sectionUnavailable', { error: e.message })));
  // The zone's centre as the default position; the operator may type the exact one.
  function placeAtZone() {
    const z = zoneList.find((candidate) => candidate.zone_id === zone.value);
    if (z) {
      latitude.value = z.latitude;
      longitude.value = z.longitude;
    }
  }
  zone.addEventListener('change', placeAtZone);

  const form = el('form', { class: 'form inline-form', id: 'dispatch-form', novalidate: true },
    el('fieldset', {}, el('legend', {}, t('emergency.dispatchTitle')),
      el('label', { for: 'dispatch-zone' }, t('emergency.zone')), zone,
      el('label', { for: 'dispatch-type' }, t('emergency.type')), type,
      el('label', { for: 'dispatch-priority' }, t('emergency.priority')), priority,
      el('label', { for: 'dispatch-address' }, t('emergency.address')), address,
      el('label', { for: 'dispatch-latitude' }, t('emergency.latitude')), latitude,
      el('label', { for: 'dispatch-longitude' }, t('emergency.longitude')), longitude,
      el('label', { for: 'dispatch-description' }, t('emergency.description')), description,
      error,
      el('div', { class: 'buttons' }, submit)),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(error, fields);
    fill(result);
    if (!address.value.trim()) {
      showFieldError(error, t('emergency.addressRequired'), address);
      return;
    }
    const body = {
      zone: zone.value,
      emergency_type: type.value,
      priority: priority.value,
      address: address.value.trim(),
      latitude: Number(latitude.value),
      longitude: Number(longitude.value),
    };
    if (description.value.trim()) body.description = description.value.trim();
    submit.disabled = true;
    try {
      const reply = await api('/api/orchestration/emergency-response', { method: 'POST', body });
      const d = reply.dispatch ?? {};
      const text = d.status === 'dispatched'
        ? t('emergency.dispatched', { id: reply.intervention.id, vehicle: d.vehicle?.identifier ?? '', km: number(d.distance_km, 2) })
        : d.status === 'no_vehicle_available'
          ? t('emergency.noVehicle', { id: reply.intervention.id, type: tOr(`vehicleType.${d.vehicle_type}`, d.vehicle_type) })
          : t('emergency.dispatchUnavailable', { id: reply.intervention.id, error: d.error ?? '' });
      fill(result, text);
      result.dataset.status = d.status ?? 'unknown';
      const aqi = reply.air_quality?.aqi;
      // The gateway's own threshold for advising masks (AQI above 100).
      if (typeof aqi === 'number') result.append(' ', el('span', { class: 'air-alert' }, t(aqi > 100 ? 'emergency.airPoor' : 'emergency.airGood', { aqi })));
      toast(text);
      address.value = '';
      description.value = '';
      onDone();
    } catch (e) {
      showFieldError(error, e.message, fields[e.field]);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export function emergencySection({ zones }) {
  const section = frame('emergency');
  const fleet = el('div', {});
  const active = el('div', {});
  async function load() {
    section.loading();
    try {
      const [vehicles, interventions] = await Promise.all([api('/api/emergency/vehicles'), api('/api/emergency/interventions')]);
      const byId = new Map(vehicles.map((v) => [v.id, v]));
      fill(fleet, el('h3', {}, t('emergency.vehicles')),
        table([t('emergency.identifier'), t('emergency.type'), t('emergency.status'), t('emergency.station'), t('emergency.crew')],
          vehicles.map(vehicleRow), { id: 'vehicles-table' }));
      fill(active, el('h3', {}, t('emergency.interventions')),
        interventions.length
          ? table([t('emergency.id'), t('emergency.type'), t('emergency.priority'), t('emergency.status'), t('emergency.address'), t('emergency.zone'), t('emergency.vehicle')],
            interventions.map((i) => interventionRow(i, byId)), { id: 'interventions-table' })
          : el('p', {}, t('emergency.noInterventions')));
      section.done();
    } catch (e) {
      fill(fleet);
      fill(active);
      section.failed(e);
    }
  }
  const readOnly = el('p', { class: 'hint', id: 'emergency-readonly' }, t(session.signedIn() ? 'common.readOnly' : 'emergency.signInToDispatch'));
  fill(section.body, session.can('operator') ? dispatchForm(zones, load) : readOnly, fleet, active);
  load();
  return { node: section.node };
}
