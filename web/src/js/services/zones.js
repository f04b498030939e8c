// The city's zones (the air-quality service owns the list): one fetch per page, shared by
// the sections that need it.

import { api } from '../api.js';

export function zoneLoader() {
  let pending = null;
  return () => {
    pending ??= api('/api/air-quality/zones').catch((e) => {
      pending = null;
      throw e;
    });
    return pending;
  };
}

/** A <select>'s options for the zones, `paris-08 — Élysée (8e)`. */
export function zoneLabel(zone) {
  return zone.name ? `${zone.zone_id} — ${zone.name}` : zone.zone_id;
}
