// Sign in with the identity API (POST /api/auth/login). The session module keeps the token.

import { el, fill } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { toast } from '../toast.js';

function errorText(failure) {
  if (failure.status === 401) return t('signin.wrong');
  if (failure.status === 429) return t('signin.locked');
  if (failure.status === 0) return t('common.network');
  return failure.message || t('common.failed', { status: failure.status });
}

export function mount(root) {
  if (session.signedIn()) {
    fill(root, el('section', { class: 'page narrow' },
      el('h1', {}, t('signin.title')),
      el('p', {}, t('signin.already', { email: session.user().email ?? '' })),
      el('p', {}, el('a', { href: '#/' }, t('nav.overview')))));
    return null;
  }
  const email = el('input', { id: 'signin-email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = el('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = el('p', { class: 'form-error', id: 'signin-error', role: 'alert' });
  const submit = el('button', { type: 'submit', id: 'signin-submit' }, t('signin.submit'));
  const form = el('form', { class: 'form', id: 'signin-form', novalidate: true },
    el('label', { for: 'signin-email' }, t('signin.email')), email,
    el('label', { for: 'signin-password' }, t('signin.password')), password,
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(error);
    if (!email.value.trim() || !password.value) {
      fill(error, t('signin.missing'));
      return;
    }
    submit.disabled = true;
    const failure = await session.signIn(email.value.trim(), password.value);
    submit.disabled = false;
    if (failure) {
      fill(error, errorText(failure));
      password.select();
      return;
    }
    toast(t('signin.welcome', { email: session.user()?.email ?? '' }));
    location.hash = '#/';
  });
  fill(root, el('section', { class: 'page narrow', 'aria-labelledby': 'signin-title' },
    el('h1', { id: 'signin-title' }, t('signin.title')),
    el('p', { class: 'hint' }, t('signin.hint')),
    form));
  email.focus();
  return null;
}
