// Language: French by default (like the seeds), English on request. Every visible string is
// in strings.js; pages ask for them with t(key, vars).

import { STRINGS } from './strings.js';

const LANG_KEY = 'cityflow.lang';
// The language choice is a preference, not a credential, so localStorage is fine for it.
let current = STRINGS[localStorage.getItem(LANG_KEY)] ? localStorage.getItem(LANG_KEY) : 'fr';
const listeners = new Set();

export const LANGS = Object.keys(STRINGS);

export function lang() {
  return current;
}

export function setLang(next) {
  if (!STRINGS[next] || next === current) return;
  current = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The string `key` with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const template = STRINGS[current][key] ?? STRINGS.fr[key];
  if (template === undefined) {
    console.warn(`missing string ${key}`);
    return key;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** `t` for an optional key: the fallback when there is no such string (e.g. a new status). */
export function tOr(key, fallback) {
  return STRINGS[current][key] ?? fallback;
}

export function number(value, maxDigits = 1) {
  return new Intl.NumberFormat(current, { maximumFractionDigits: maxDigits }).format(value);
}

/** With its sign, `+0,5` / `−0,01`: for gains that may be losses. */
export function signed(value, maxDigits = 2) {
  return new Intl.NumberFormat(current, { maximumFractionDigits: maxDigits, signDisplay: 'exceptZero' }).format(value);
}

export function percent(fraction) {
  return new Intl.NumberFormat(current, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

export function time(iso) {
  const date = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleTimeString(current, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function hourMinute(iso) {
  const date = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleTimeString(current, { hour: '2-digit', minute: '2-digit' });
}

export function dateTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString(current, { dateStyle: 'short', timeStyle: 'short' });
}

/** Fills elements marked `data-i18n` (text) and `data-i18n-aria` (aria-label) in static HTML. */
export function translateStatic(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
}
