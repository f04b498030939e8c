// Deployment settings the server generates (/config.json): the map tile template and its
// attribution. Empty tile URL = no tiles, the roads on a plain background.

let loaded = { map_tile_url: '', map_tile_attribution: '' };

export async function loadConfig() {
  try {
    const response = await fetch('/config.json', { headers: { accept: 'application/json' } });
    if (response.ok) loaded = { ...loaded, ...(await response.json()) };
  } catch {
    // Keep the defaults: the dashboard works without tiles.
  }
  return loaded;
}

export function config() {
  return loaded;
}
