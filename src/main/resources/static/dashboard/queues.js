// The Queues panel: each queue's tasks, limits and pause, Pause/Resume per queue and for the whole workspace,
// and a form that sets a queue's concurrency and rate (PUT /queues/{name}). Queue names come from the server and
// are shown as text only.
import {call, get, post} from './api.js';
import {$, count, h, replace} from './dom.js';

let handlers = {onError: () => {}, onDone: () => {}};

/** Reads GET /queues and renders the panel; `onDone(message)` after an action, `onError(e)` when a call fails. */
export async function refreshQueues({onError, onDone}) {
  handlers = {onError, onDone};
  let view;
  try {
    ({data: view} = await get('/queues'));
  } catch (e) {
    return onError(e);
  }
  render(view);
}

function render(view) {
  const workspace = $('#pause-workspace');
  workspace.textContent = view.paused ? 'Resume everything' : 'Pause everything';
  workspace.setAttribute('aria-pressed', String(view.paused));
  workspace.dataset.action = view.paused ? 'resume' : 'pause';
  $('#queues-state').textContent = view.paused
    ? 'The workspace is paused: nothing new starts; running grinds finish.' : '';
  $('#queues').dataset.paused = String(view.paused);
  replace($('#queue-rows'), view.queues.map((q) => row(q, view.paused)));
  replace($('#queue-names'), view.queues.map((q) => h('option', {value: q.name})));
}

function row(queue, workspacePaused) {
  const {name, tasks, limits} = queue;
  const ownPause = limits.paused === true;
  const state = ownPause ? h('span', {class: 'chip queue-paused'}, 'Paused')
    : workspacePaused ? h('span', {class: 'chip queue-paused'}, 'Held: workspace paused')
      : h('span', {class: 'chip queue-open'}, 'Open');
  return h('tr', {dataset: {queue: name, paused: String(queue.paused)}},
    h('th', {scope: 'row'}, h('code', {class: 'mono'}, name)),
    h('td', {class: 'num'}, count(tasks.pending)),
    h('td', {class: 'num'}, limits.concurrency != null
      ? `${count(tasks.in_progress)} of ${count(limits.concurrency)}` : count(tasks.in_progress)),
    h('td', {class: 'num col-wide'}, count(tasks.completed)),
    h('td', {class: 'num col-wide'}, count(tasks.failed)),
    h('td', {}, limits.concurrency != null ? `${limits.concurrency} at once` : h('span', {class: 'muted'}, 'none')),
    h('td', {}, limits.rate ?? h('span', {class: 'muted'}, 'none')),
    h('td', {}, state),
    h('td', {class: 'row-actions'},
      h('button', {type: 'button', class: 'small', dataset: {action: ownPause ? 'resume' : 'pause',
        focusKey: `queue-pause:${name}`}, 'aria-label': `${ownPause ? 'Resume' : 'Pause'} queue ${name}`,
      onclick: () => act(`/queues/${encodeURIComponent(name)}/${ownPause ? 'resume' : 'pause'}`,
        `${ownPause ? 'Resumed' : 'Paused'} queue ${name}`)}, ownPause ? 'Resume' : 'Pause'),
      h('button', {type: 'button', class: 'small', dataset: {action: 'limits', focusKey: `queue-limits:${name}`},
        'aria-label': `Set the limits of queue ${name}`, onclick: () => edit(queue)}, 'Limits')));
}

async function act(path, message) {
  try {
    await post(path);
    handlers.onDone(message);
  } catch (e) {
    handlers.onError(e);
  }
}

$('#pause-workspace').addEventListener('click', (event) => {
  const resume = event.currentTarget.dataset.action === 'resume';
  act(resume ? '/resume' : '/pause', resume ? 'Resumed the workspace' : 'Paused the workspace: running grinds finish');
});

/** Fills the form with a queue's limits as they stand. */
function edit(queue) {
  const form = $('#queue-form');
  clearErrors(form);
  form.elements.queue.value = queue.name;
  form.elements.concurrency.value = queue.limits.concurrency ?? '';
  form.elements.rate.value = queue.limits.rate ?? '';
  form.elements.concurrency.focus();
}

// A blank field means no limit: the form states both limits of the queue, as the panel shows them.
$('#queue-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const name = form.elements.queue.value.trim();
  if (!name) return fieldError(form, 'queue', 'Name the queue.');
  const concurrency = form.elements.concurrency.value.trim();
  const rate = form.elements.rate.value.trim();
  const body = {
    concurrency: concurrency === '' ? null : /^-?\d+$/.test(concurrency) ? Number(concurrency) : concurrency,
    rate: rate === '' ? null : rate,
  };
  try {
    await call('PUT', `/queues/${encodeURIComponent(name)}`, body);
    handlers.onDone(`Set the limits of queue ${name}`);
  } catch (e) {
    if (e.status === 401 || !e.field) return handlers.onError(e);
    fieldError(form, e.field, e.message);
  }
});

function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field-error')) el.remove();
}

/** The API's own message next to the field its problem body names, or after the button. */
function fieldError(form, field, message) {
  const input = form.elements[field];
  const note = h('span', {class: 'field-error', role: 'alert', id: `queue-form-${field}-error`}, message);
  if (input instanceof HTMLElement) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
    input.after(note);
    input.focus();
  } else {
    form.append(note);
  }
}

