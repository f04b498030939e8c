// US EPA AQI bands (the scale the air-quality service computes), for badge colours.

const BANDS = [
  [50, 'good'],
  [100, 'moderate'],
  [150, 'sensitive'],
  [200, 'unhealthy'],
  [300, 'very-unhealthy'],
];

/** The CSS class suffix of an AQI value: aqi-good … aqi-hazardous. */
export function aqiBand(aqi) {
  if (typeof aqi !== 'number' || Number.isNaN(aqi)) return 'unknown';
  const rounded = Math.round(aqi);
  for (const [upTo, name] of BANDS) if (rounded <= upTo) return name;
  return 'hazardous';
}
