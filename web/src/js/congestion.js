// Congestion scores (0..1, from the traffic API) as the seed dashboard's three levels.

export const LEVELS = {
  free: { below: 0.3, colour: '#2e7d32' },
  moderate: { below: 0.6, colour: '#f9a825' },
  congested: { below: Infinity, colour: '#d32f2f' },
};
export const UNKNOWN_COLOUR = '#8a8f98';

/** 'free' | 'moderate' | 'congested', or 'unknown' without a score. */
export function level(score) {
  if (typeof score !== 'number' || Number.isNaN(score)) return 'unknown';
  for (const [name, { below }] of Object.entries(LEVELS)) if (score < below) return name;
  return 'congested';
}

export function colour(score) {
  const name = level(score);
  return name === 'unknown' ? UNKNOWN_COLOUR : LEVELS[name].colour;
}

/** A small colour square for a level (CSSOM styling: allowed by the page's CSP). */
export function swatch(name) {
  const node = document.createElement('span');
  node.className = `swatch swatch-${name}`;
  node.style.backgroundColor = name in LEVELS ? LEVELS[name].colour : UNKNOWN_COLOUR;
  return node;
}
