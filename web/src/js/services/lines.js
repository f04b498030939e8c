// Transport lines (the transport service's REST API, /transports). Operators add and edit;
// deleting is the admins' (the service refuses it to anyone else).

import { api } from '../api.js';
import { clearFieldErrors, el, fill, showFieldError } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { session } from '../session.js';
import { toast } from '../toast.js';
import { frame, table } from './section.js';

export const MODES = ['Métro', 'Bus', 'Tramway', 'Train', 'Vélo', 'Taxi'];
export const STATUSES = ['operationnel', 'en_maintenance', 'hors_service', 'retard'];

function options(values, prefix, selected) {
  return values.map((value) => el('option', { value, selected: value === selected }, tOr(`${prefix}.${value}`, value)));
}

export function statusBadge(status) {
  return el('span', { class: `status status-${status}` }, tOr(`lineStatus.${status}`, status));
}

export function linesSection() {
  const section = frame('lines');
  const canWrite = session.can('operator');
  const canDelete = session.can('admin');
  let editing = null;

  const mode = el('select', { id: 'line-mode', name: 'mode' }, options(MODES, 'mode', 'Bus'));
  const route = el('input', { id: 'line-route', name: 'route', maxlength: 200, required: true, autocomplete: 'off' });
  const status = el('select', { id: 'line-status', name: 'status' }, options(STATUSES, 'lineStatus', 'operationnel'));
  const legend = el('legend', {});
  const error = el('p', { class: 'form-error', id: 'line-error', role: 'alert' });
  const cancel = el('button', { type: 'button', class: 'secondary', id: 'line-cancel' }, t('common.cancel'));
  const form = el('form', { class: 'form inline-form', id: 'line-form', novalidate: true },
    el('fieldset', {}, legend,
      el('label', { for: 'line-mode' }, t('lines.mode')), mode,
      el('label', { for: 'line-route' }, t('lines.route')), route,
      el('label', { for: 'line-status' }, t('lines.status')), status,
      error,
      el('div', { class: 'buttons' }, el('button', { type: 'submit', id: 'line-save' }, t('common.save')), cancel)));

  const fields = { mode, route, status };
  function reset() {
    editing = null;
    form.reset();
    mode.value = 'Bus';
    status.value = 'operationnel';
    fill(legend, t('lines.add'));
    clearFieldErrors(error, fields);
  }
  function edit(line) {
    editing = line;
    mode.value = line.mode;
    route.value = line.route;
    status.value = line.status;
    fill(legend, t('lines.edit', { id: line.id }));
    fill(error);
    form.scrollIntoView({ block: 'nearest' });
    route.focus();
  }
  cancel.addEventListener('click', reset);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(error);
    const body = { mode: mode.value, route: route.value.trim(), status: status.value };
    if (!body.route) {
      showFieldError(error, t('lines.routeRequired'), route);
      return;
    }
    try {
      if (editing) await api(`/transports/${editing.id}`, { method: 'PUT', body });
      else await api('/transports', { method: 'POST', body });
      toast(editing ? t('lines.saved') : t('lines.created'));
      reset();
      load();
    } catch (e) {
      showFieldError(error, e.message, fields[e.field]);
    }
  });

  async function remove(line) {
    if (!window.confirm(t('lines.confirmDelete', { route: line.route }))) return;
    try {
      await api(`/transports/${line.id}`, { method: 'DELETE' });
      toast(t('lines.deleted'));
      if (editing?.id === line.id) reset();
      load();
    } catch (e) {
      toast(e.message);
    }
  }

  function row(line) {
    const actions = [];
    if (canWrite) actions.push(el('button', { type: 'button', class: 'small', dataset: { action: 'edit' }, 'aria-label': t('lines.editLabel', { route: line.route }), on: { click: () => edit(line) } }, t('common.edit')));
    if (canDelete) actions.push(el('button', { type: 'button', class: 'small danger', dataset: { action: 'delete' }, 'aria-label': t('lines.deleteLabel', { route: line.route }), on: { click: () => remove(line) } }, t('common.delete')));
    return el('tr', { dataset: { lineId: line.id } },
      el('td', {}, String(line.id)),
      el('td', {}, tOr(`mode.${line.mode}`, line.mode)),
      el('td', { class: 'line-route' }, line.route),
      el('td', {}, statusBadge(line.status)),
      canWrite ? el('td', { class: 'actions' }, actions) : null);
  }

  const list = el('div', {});
  async function load() {
    section.loading();
    try {
      const lines = await api('/transports?limit=1000');
      const headers = [t('lines.id'), t('lines.mode'), t('lines.route'), t('lines.status')];
      if (canWrite) headers.push(t('common.actions'));
      fill(list, table(headers, lines.map(row), { id: 'lines-table' }));
      section.done();
    } catch (e) {
      fill(list);
      section.failed(e);
    }
  }

  reset();
  fill(section.body, canWrite ? form : el('p', { class: 'hint', id: 'lines-readonly' }, t(session.signedIn() ? 'common.readOnly' : 'lines.signInToEdit')), list);
  load();
  return { node: section.node };
}
