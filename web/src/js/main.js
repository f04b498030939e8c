// The dashboard's shell: header (navigation, session, language) and a hash router that
// mounts one page at a time. A page is `mount(container, params) -> cleanup`.

import { el, fill } from './dom.js';
import { LANGS, lang, onLangChange, setLang, t, translateStatic } from './i18n.js';
import { loadConfig } from './config.js';
import { session } from './session.js';
import * as overview from './pages/overview.js';
import * as trafficMap from './pages/map.js';
import * as services from './pages/services.js';
import * as signin from './pages/signin.js';

const PAGES = { overview, map: trafficMap, services, signin };
const main = document.getElementById('main');
let unmount = null;

/** '#/services/lines' -> ['services', 'lines']; anything unknown is the overview. */
function currentRoute() {
  const [name = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { name: PAGES[name] ? name : 'overview', params: rest };
}

function render() {
  const { name, params } = currentRoute();
  unmount?.();
  unmount = null;
  fill(main);
  main.dataset.page = name;
  for (const link of document.querySelectorAll('.nav a')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${t(`title.${name}`)} · CityFlow`;
  unmount = PAGES[name].mount(main, params) ?? null;
}

function renderHeader() {
  translateStatic();
  const switcher = document.getElementById('lang-switch');
  const other = LANGS.find((l) => l !== lang());
  switcher.textContent = other.toUpperCase();
  switcher.setAttribute('aria-label', t('lang.switch'));
  switcher.setAttribute('lang', other);

  const box = document.getElementById('session');
  if (session.signedIn()) {
    const user = session.user();
    fill(
      box,
      el('span', { class: 'who', id: 'session-user' }, user.email ?? '', ' ', el('span', { class: 'role', id: 'session-role' }, t(`role.${user.role}`))),
      el('button', { type: 'button', id: 'sign-out', on: { click: () => session.signOut() } }, t('session.signOut')),
    );
  } else {
    fill(box, el('a', { href: '#/signin', id: 'sign-in-link' }, t('session.signIn')));
  }
}

document.getElementById('lang-switch').addEventListener('click', () => setLang(LANGS.find((l) => l !== lang())));
// Skip link: focus the content without touching the hash the router reads.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

async function start() {
  document.documentElement.lang = lang();
  await Promise.all([loadConfig(), session.restore()]);
  renderHeader();
  render();
  window.addEventListener('hashchange', render);
  onLangChange(() => {
    renderHeader();
    render();
  });
  session.onChange(() => {
    renderHeader();
    render();
  });
  document.body.dataset.ready = 'true';
}

start();
