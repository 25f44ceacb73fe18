import {ApiError, followText, get, openStream, post, token} from './api.js';
import {
  $, badge, clock, count, duration, h, localTime, money, replace, since, STATE_LABELS, STATES, tickTimes,
} from './dom.js';
import {refreshQueues} from './queues.js';
import {refreshReview} from './review.js';

const PAGE_SIZE = 50;
const CANCELLABLE = new Set(['pending', 'in_progress', 'blocked']);
const RETRYABLE = new Set(['failed', 'cancelled', 'completed', 'blocked']);
// The table offers the likely next step only; the task's own view offers every move the state allows.
const ROW_RETRY = new Set(['failed', 'cancelled']);

const view = {
  status: '',
  q: '',
  offset: 0,
  total: 0,
  overview: null,
  openTask: null,
  returnFocus: null,
  stream: null,
};

// ---------- start, token ----------

async function boot() {
  if (document.hidden) return;
  try {
    const {data} = await get('/overview');
    renderOverview(data);
  } catch (e) {
    if (e.status === 401) return askForToken();
    showBanner(e.message);
  }
  refreshTasks();
  refreshChanges();
  view.stream?.stop();
  if (document.hidden) return;
  setLive('connecting');
  view.stream = openStream('/events', {
    onEvent: onLiveEvent,
    onState: setLive,
    onUnauthorized: askForToken,
  });
}

// A browser opens at most six connections to one server over HTTP/1.1, and each open page holds one for its
// stream: a hidden tab or a page left for another one (kept in the back/forward cache) lets its stream go,
// and takes it up again, with a fresh look at everything, when it is shown.
function pause() {
  view.stream?.stop();
  view.stream = null;
  if ($('#live').dataset.state !== 'locked') setLive('paused');
}

function resume() {
  if (!view.stream && !document.hidden && $('#live').dataset.state !== 'locked') boot();
}

document.addEventListener('visibilitychange', () => (document.hidden ? pause() : resume()));
window.addEventListener('pagehide', pause);
window.addEventListener('pageshow', (event) => {
  if (event.persisted) resume();
});

function askForToken() {
  const refused = token.get() !== null;
  token.clear();
  view.stream?.stop();
  view.stream = null;
  setLive('locked');
  const dialog = $('#token-dialog');
  const form = $('#token-form');
  showFormError(form, refused ? 'That token was refused. Check VIVARIUM_API_TOKEN on the server.' : null);
  form.reset();
  if (!dialog.open) dialog.showModal();
  form.elements.token.focus();
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = event.target.elements.token.value.trim();
  if (!value) return showFormError(event.target, 'Enter the token.');
  token.set(value);
  $('#token-dialog').close();
  boot();
});
// The token dialog cannot be dismissed: without a token there is nothing to show.
$('#token-dialog').addEventListener('cancel', (event) => event.preventDefault());

// ---------- live updates ----------

function onLiveEvent(name, data) {
  if (name === 'problem') {
    showBanner(data.detail ?? 'The workspace cannot be read.');
    return;
  }
  hideBanner();
  renderOverview(data);
  if (name === 'changed') {
    refreshTasks();
    refreshChanges();
    if (view.openTask) refreshTask();
  }
}

function setLive(state) {
  const el = $('#live');
  el.dataset.state = state;
  el.textContent = {
    live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', locked: 'Locked', paused: 'Paused',
  }[state];
  el.title = state === 'live' ? 'Changes appear as they happen' : '';
}

// ---------- overview ----------

function renderOverview(overview) {
  view.overview = overview;
  clock.sync(overview.now);
  const summary = overview.summary;

  const tiles = [h('button', {
    type: 'button', class: 'tile total', 'aria-pressed': String(view.status === ''), dataset: {focusKey: 'tile:all'},
    onclick: () => setStatus(''),
  }, h('span', {class: 'tile-label'}, 'All tasks'), h('span', {class: 'tile-count'}, count(summary.total_tasks)))];
  for (const state of STATES) {
    tiles.push(h('button', {
      type: 'button', class: `tile state-${state}`, 'aria-pressed': String(view.status === state),
      dataset: {state, focusKey: `tile:${state}`}, onclick: () => setStatus(view.status === state ? '' : state),
    }, h('span', {class: 'tile-label'}, STATE_LABELS[state]), h('span', {class: 'tile-count'}, count(summary[state]))));
  }
  replace($('#counts'), tiles);

  const segments = STATES.filter((s) => summary[s] > 0).map((s) => {
    const seg = h('span', {class: `seg state-${s}`, title: `${STATE_LABELS[s]}: ${count(summary[s])}`});
    seg.style.flexGrow = String(summary[s]);
    return seg;
  });
  replace($('#stack'), segments.length ? segments : h('span', {class: 'seg empty-seg'}));

  const spend = overview.spend;
  $('#spend-total').textContent = money(spend.total);
  $('#spend-hour').textContent = money(overview.pace.spend_last_hour);
  $('#running-cap').textContent = summary.in_progress
    ? `${money(spend.running_cap)} across ${count(summary.in_progress)} running` : 'nothing running';
  $('#spend-limit').textContent = spend.limit === null || spend.limit === undefined ? 'none'
    : `${money(spend.spent)} spent + ${money(spend.reserved)} reserved of ${money(spend.limit)} · ${money(spend.left)} left`;
  replace($('#top-spenders'), spend.top.length === 0 ? null : [
    h('h4', {}, 'Most expensive'),
    h('ul', {class: 'spenders'}, spend.top.map((s) => {
      const bar = h('meter', {min: '0', max: String(s.max_budget), value: String(s.budget_used),
        'aria-label': `${s.id}: ${money(s.budget_used)} of ${money(s.max_budget)}`});
      return h('li', {}, taskLink(s.id), bar, h('span', {class: 'num'}, money(s.budget_used)));
    })),
  ]);
  $('#rate').textContent = `${overview.pace.tasks_per_second.toFixed(2)} tasks/s · ${count(overview.pace.finished_last_minute)} in the last minute`;

  renderNext(overview);
  renderWorkers(overview.workers);
  $('#retry-failed').disabled = summary.failed === 0;
  $('#retry-failed').textContent = summary.failed ? `Retry ${count(summary.failed)} failed` : 'Retry failed';
}

const WAIT_LABELS = {dependency: 'on a dependency', scheduled: 'scheduled', backoff: 'in backoff',
  budget: 'wait for budget', blocked: 'blocked', paused: 'paused', queue_limit: 'held by a queue limit'};
const WAIT_KINDS = Object.keys(WAIT_LABELS);

function renderNext(overview) {
  const next = overview.next;
  const summary = overview.summary;
  let nextContent;
  if (next) {
    nextContent = h('div', {class: 'next-task'},
      taskLink(next.id),
      h('span', {class: `chip prio-${next.priority}`}, next.priority),
      next.description ? h('p', {class: 'muted clamp'}, next.description) : null);
  } else {
    let why = 'Nothing is waiting to run.';
    if (overview.paused) why = 'The workspace is paused: nothing new starts until it is resumed.';
    else if (summary.total_tasks === 0) why = 'The queue is empty. Add a task or plan some.';
    else if (summary.pending > 0) why = 'Nothing can run right now: every pending task waits.';
    else if (summary.in_progress > 0) why = 'Everything left is running.';
    nextContent = h('p', {class: 'muted'}, why);
  }
  replace($('#next'), nextContent);

  const waiting = overview.waiting;
  const total = WAIT_KINDS.reduce((sum, k) => sum + (waiting[k] ?? 0), 0);
  if (total === 0) {
    replace($('#waiting'));
    return;
  }
  replace($('#waiting'),
    h('h4', {}, 'Waiting'),
    h('div', {class: 'chips'},
      WAIT_KINDS.filter((k) => waiting[k] > 0)
        .map((k) => h('span', {class: `chip wait-${k}`}, `${count(waiting[k])} ${WAIT_LABELS[k]}`))),
    h('ul', {class: 'wait-list'}, waiting.examples.map((w) => h('li', {},
      taskLink(w.task_id), ' ',
      h('span', {class: 'muted'}, w.kind === 'blocked' ? `blocked: ${w.detail}` : w.detail),
      w.until && w.kind === 'backoff' ? [' ', since(w.until, '· retry ')] : null))));
}

function renderWorkers(workers) {
  if (!workers.length) {
    replace($('#workers'), h('p', {class: 'muted'}, 'No worker holds a claim.'));
    return;
  }
  replace($('#workers'), h('ul', {class: 'workers'}, workers.map((w) => h('li', {class: 'worker'},
    h('div', {class: 'worker-head'},
      h('code', {class: 'mono'}, w.worker_id),
      h('span', {class: 'muted'}, ` ${w.host} · pid ${w.pid}`),
      w.threads != null ? h('span', {class: 'chip'}, `this server · ${w.threads} threads`) : null),
    w.claims.length === 0
      ? h('p', {class: 'muted small'}, 'idle')
      : h('ul', {class: 'claims'}, w.claims.map((c) => h('li', {},
        taskLink(c.task_id),
        h('span', {class: 'muted small'}, ' heartbeat '),
        since(c.heartbeat_at),
        c.stale ? h('span', {class: 'chip stale'}, 'stale: lease expired') : null)))))));
}

function taskLink(id, focusKey = `task:${id}`) {
  return h('button', {type: 'button', class: 'link mono', dataset: {focusKey},
    onclick: () => openTask(id)}, id);
}

// ---------- task table ----------

function setStatus(status) {
  view.status = status;
  view.offset = 0;
  $('#filter-status').value = status;
  if (view.overview) renderOverview(view.overview);
  refreshTasks();
}

$('#filter-status').addEventListener('change', (e) => setStatus(e.target.value));

let searchTimer = null;
$('#filter-q').addEventListener('input', (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    view.q = e.target.value.trim();
    view.offset = 0;
    refreshTasks();
  }, 200);
});

document.addEventListener('keydown', (e) => {
  const typing = e.target.closest?.('input, textarea, select, [contenteditable]');
  if (e.key === '/' && !typing && !document.querySelector('dialog[open]')) {
    e.preventDefault();
    $('#filter-q').focus();
  }
});

$('#page-prev').addEventListener('click', () => {
  view.offset = Math.max(0, view.offset - PAGE_SIZE);
  refreshTasks();
});
$('#page-next').addEventListener('click', () => {
  view.offset += PAGE_SIZE;
  refreshTasks();
});

// One request at a time; changes that arrive meanwhile ask for one more.
let loading = null;
let loadAgain = false;

function refreshTasks() {
  if (loading) {
    loadAgain = true;
    return;
  }
  loading = loadTasks().catch(onActionError).finally(() => {
    loading = null;
    if (loadAgain) {
      loadAgain = false;
      refreshTasks();
    }
  });
}

async function loadTasks() {
  const query = new URLSearchParams({offset: String(view.offset), limit: String(PAGE_SIZE)});
  if (view.status) query.set('status', view.status);
  if (view.q) query.set('q', view.q);
  const {data, headers} = await get(`/tasks?${query}`);
  view.total = Number(headers.get('X-Total-Count') ?? data.length);
  if (view.offset > 0 && view.offset >= view.total) {
    view.offset = Math.max(0, Math.floor((view.total - 1) / PAGE_SIZE) * PAGE_SIZE);
    return loadTasks();
  }
  renderRows(data);
}

function renderRows(tasks) {
  replace($('#task-rows'), tasks.map(({task, status, run}) => h('tr', {dataset: {taskId: task.id, status}},
    h('th', {scope: 'row'}, taskLink(task.id, `row:${task.id}`)),
    h('td', {}, badge(status)),
    h('td', {class: 'col-desc'}, h('span', {class: 'desc', title: task.description ?? ''}, task.description ?? '')),
    h('td', {class: 'col-wide'}, h('span', {class: `chip prio-${task.priority}`}, task.priority)),
    h('td', {class: 'col-wide num'}, `${run.attempts}/${task.max_attempts}`),
    h('td', {class: 'num'}, h('span', {title: `cap ${money(task.max_budget)}`},
      run.budget_used != null ? money(run.budget_used) : h('span', {class: 'muted'}, '—')),
    h('span', {class: 'muted small'}, ` / ${money(task.max_budget)}`)),
    h('td', {class: 'col-wide'}, since(run.completed_at ?? run.started_at ?? task.created_at)),
    h('td', {class: 'row-actions'}, rowActions(task.id, status)))));

  const filtered = view.status || view.q;
  const empty = $('#empty');
  empty.hidden = tasks.length > 0;
  empty.textContent = filtered ? 'No task matches.' : 'No tasks yet. Add one, or plan some with the LLM.';

  const first = view.total === 0 ? 0 : view.offset + 1;
  const last = view.offset + tasks.length;
  $('#page-info').textContent = `${count(first)}–${count(last)} of ${count(view.total)}`;
  $('#page-prev').disabled = view.offset === 0;
  $('#page-next').disabled = last >= view.total;
}

function rowActions(id, status) {
  return [
    CANCELLABLE.has(status) ? h('button', {type: 'button', class: 'small', dataset: {action: 'cancel', focusKey: `cancel:${id}`},
      'aria-label': `Cancel ${id}`, onclick: () => cancelTask(id)}, 'Cancel') : null,
    ROW_RETRY.has(status) ? h('button', {type: 'button', class: 'small', dataset: {action: 'retry', focusKey: `retry:${id}`},
      'aria-label': `Retry ${id}`, onclick: () => retryTask(id)}, 'Retry') : null,
  ];
}

// ---------- one task ----------

async function openTask(id) {
  // Rows are rebuilt by live updates, so focus returns to whichever button now stands for the same thing.
  if (!view.openTask) view.returnFocus = document.activeElement?.dataset?.focusKey ?? null;
  view.openTask = id;
  const dialog = $('#task-dialog');
  replace($('#task-title'), id);
  replace($('#task-body'), h('p', {class: 'muted'}, 'Loading…'));
  if (!dialog.open) dialog.showModal();
  await refreshTask();
}

async function refreshTask() {
  const id = view.openTask;
  try {
    const {data} = await get(`/tasks/${encodeURIComponent(id)}`);
    if (view.openTask === id) renderTask(data);
  } catch (e) {
    if (view.openTask !== id) return;
    if (e.status === 401) return askForToken();
    replace($('#task-body'), h('p', {class: 'form-error'}, e.status === 404 ? `Task ${id} is no longer in the queue.` : e.message));
  }
}

$('#task-dialog').addEventListener('close', () => {
  view.openTask = null;
  stopOutput();
  const key = view.returnFocus;
  view.returnFocus = null;
  if (key) document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
});

function renderTask(story) {
  const {task, status, run} = story;
  const body = $('#task-body');
  const scroll = body.scrollTop;
  const kind = task.command ? 'command' : task.prompt ? 'prompt' : 'empty grind';
  const used = run.budget_used ?? 0;
  const meter = h('meter', {min: '0', max: String(task.max_budget), low: String(task.max_budget * 0.7),
    high: String(task.max_budget * 0.9), optimum: '0', value: String(used), 'aria-label': 'Budget used of its cap'});

  replace(body,
    h('div', {class: 'story-head'},
      badge(status),
      h('span', {class: `chip prio-${task.priority}`}, `${task.priority} priority`),
      h('span', {class: 'chip'}, kind),
      h('span', {class: 'chip'}, `${task.intensity} intensity`),
      h('div', {class: 'story-actions'},
        h('button', {type: 'button', disabled: !RETRYABLE.has(status), dataset: {action: 'retry', focusKey: 'story:retry'},
          onclick: () => retryTask(task.id)}, status === 'completed' ? 'Run again' : 'Retry'),
        h('button', {type: 'button', class: 'danger-quiet', disabled: !CANCELLABLE.has(status),
          dataset: {action: 'cancel', focusKey: 'story:cancel'}, onclick: () => cancelTask(task.id)}, 'Cancel'))),
    task.description ? h('p', {class: 'story-desc'}, task.description) : null,
    story.waiting ? h('p', {class: `callout wait-${story.waiting.kind}`}, story.waiting.detail,
      story.waiting.until ? [' ', since(story.waiting.until, '· ')] : null) : null,

    h('section', {class: 'story-block'},
      h('h3', {}, 'Budget'),
      h('div', {class: 'budget'}, meter,
        h('span', {}, `${run.budget_used != null ? money(run.budget_used) : 'nothing yet'} used of a ${money(task.max_budget)} cap`),
        h('span', {class: 'muted small'}, ` · minimum ${money(task.min_budget)}`))),

    h('section', {class: 'story-block'},
      h('h3', {}, 'Run'),
      facts([
        ['Attempts', `${run.attempts} of ${task.max_attempts}`],
        ['Worker', run.worker_id ? h('code', {class: 'mono'}, run.worker_id) : null],
        ['Started', run.started_at ? [localTime(run.started_at), ' (', since(run.started_at), ')'] : null],
        ['Finished', run.completed_at ? [localTime(run.completed_at), ' (', since(run.completed_at), ')'] : null],
        ['Took', duration(run.started_at, run.completed_at)],
        ['Exit code', run.exit_code],
        ['Next try', run.not_before ? since(run.not_before) : null],
        ['Next run', run.run_at ?? task.run_at ? [localTime(run.run_at ?? task.run_at), ' (',
          since(run.run_at ?? task.run_at), ')'] : null],
        ['Claim', story.claim ? [h('code', {class: 'mono'}, story.claim.worker_id),
          ` on ${story.claim.host}, pid ${story.claim.pid}, heartbeat `, since(story.claim.heartbeat_at),
          story.claim.stale ? h('span', {class: 'chip stale'}, 'stale') : null] : null],
      ])),

    run.error ? textBlock('Error', run.error, 'error') : null,
    run.result ? textBlock(task.prompt && !task.command ? 'LLM answer' : 'Result', run.result) : null,
    status === 'in_progress' ? liveOutputBlock(task.id)
      : run.output ? textBlock('Output (tail)', run.output, 'output') : null,
    run.runs?.length ? h('section', {class: 'story-block'},
      h('h3', {}, `Past runs (last ${run.runs.length})`),
      h('ul', {class: 'wait-list'}, run.runs.slice().reverse().map((r) => h('li', {},
        badge(r.status), ' ', r.started_at ? localTime(r.started_at) : '—', ' · ',
        r.cost != null ? money(r.cost) : '—', r.error ? h('span', {class: 'muted'}, ` · ${r.error}`) : null)))) : null,

    h('section', {class: 'story-block'},
      h('h3', {}, 'Definition'),
      facts([
        ['Type', task.type],
        ['Command', task.command ? h('code', {class: 'mono wrap'}, task.command) : null],
        ['Prompt', task.prompt ? h('span', {class: 'pre'}, task.prompt) : null],
        ['Budget', `${money(task.min_budget)} – ${money(task.max_budget)}`],
        ['Intensity', task.intensity],
        ['Priority', task.priority],
        ['Max attempts', task.max_attempts],
        ['Created', task.created_at ? [localTime(task.created_at), ' (', since(task.created_at), ')'] : null],
        ['Schedule', task.every ? `every ${task.every}` : task.cron ? `cron ${task.cron} (${task.tz ?? 'local'})` : null],
        ['Time limit', task.timeout_seconds ? `${task.timeout_seconds} s` : null],
        ['Depends on', links(task.depends_on)],
        ['Waited on by', links(story.dependents)],
        ...Object.entries(extraFields(task)).map(([k, v]) => [k, h('code', {class: 'mono wrap'}, JSON.stringify(v))]),
      ])));
  body.scrollTop = scroll;
}

const KNOWN_TASK_FIELDS = new Set(['id', 'type', 'description', 'command', 'prompt', 'min_budget', 'max_budget',
  'intensity', 'depends_on', 'priority', 'max_attempts', 'created_at', 'run_at', 'every', 'cron', 'tz',
  'timeout_seconds']);

function extraFields(task) {
  return Object.fromEntries(Object.entries(task).filter(([k]) => !KNOWN_TASK_FIELDS.has(k)));
}

function links(ids) {
  if (!ids || ids.length === 0) return h('span', {class: 'muted'}, 'none');
  return h('span', {class: 'id-list'}, ids.map((id) => taskLink(id)));
}

function facts(rows) {
  return h('dl', {class: 'facts'}, rows.filter(([, v]) => v != null && v !== '')
    .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

// ---------- a running grind's output, as it is written ----------

const live = {id: null, text: '', abort: null};
const LIVE_KEEP = 64 * 1024;

/** The live output of a running task: one stream per open task, kept across the view's rebuilds. */
function liveOutputBlock(id) {
  if (live.id !== id || !live.abort) followOutput(id);
  return h('section', {class: 'story-block output'}, h('h3', {}, 'Output (live)'),
    h('pre', {class: 'text', id: 'live-output', tabindex: '0', 'aria-live': 'off'}, live.text));
}

function followOutput(id) {
  stopOutput();
  const abort = new AbortController();
  Object.assign(live, {id, text: '', abort});
  followText(`/tasks/${encodeURIComponent(id)}/logs?follow=true`, (chunk) => {
    live.text = (live.text + chunk).slice(-LIVE_KEEP);
    const pre = $('#live-output');
    if (pre) {
      pre.textContent = live.text;
      pre.scrollTop = pre.scrollHeight;
    }
  }, abort.signal).catch(() => {}).finally(() => {
    if (live.abort === abort) live.abort = null;
  });
}

function stopOutput() {
  live.abort?.abort();
  Object.assign(live, {id: null, text: '', abort: null});
}

function textBlock(title, text, kind = '') {
  return h('section', {class: `story-block ${kind}`}, h('h3', {}, title), h('pre', {class: 'text', tabindex: '0'}, text));
}

// ---------- actions ----------

async function retryTask(id) {
  try {
    const {data} = await post(`/tasks/${encodeURIComponent(id)}/retry`);
    toast(`Retried ${data.retried.join(', ')}`);
  } catch (e) {
    onActionError(e);
  }
}

async function cancelTask(id) {
  try {
    await post(`/tasks/${encodeURIComponent(id)}/cancel`);
    toast(`Cancelled ${id}`);
  } catch (e) {
    onActionError(e);
  }
}

$('#retry-failed').addEventListener('click', async () => {
  try {
    const {data} = await post('/tasks/retry-failed');
    toast(data.retried.length ? `Retried ${count(data.retried.length)} task${data.retried.length === 1 ? '' : 's'}` : 'Nothing had failed');
  } catch (e) {
    onActionError(e);
  }
});

$('#clear-open').addEventListener('click', () => {
  const total = view.overview?.summary.total_tasks ?? 0;
  $('#clear-text').textContent = `This removes all ${count(total)} task${total === 1 ? '' : 's'} from the queue, `
    + 'every log entry and every claim. It cannot be undone.';
  $('#clear-dialog').showModal();
});

$('#clear-confirm').addEventListener('click', async () => {
  try {
    const {data} = await post('/tasks/clear', {confirm: true});
    $('#clear-dialog').close();
    toast(`Cleared ${count(data.tasks_removed)} tasks and ${count(data.claims_removed)} claims`);
  } catch (e) {
    $('#clear-dialog').close();
    onActionError(e);
  }
});

// ---------- add ----------

$('#add-open').addEventListener('click', () => {
  const form = $('#add-form');
  clearFieldErrors(form);
  $('#add-dialog').showModal();
  form.elements.id.focus();
});

$('#add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  clearFieldErrors(form);
  const body = taskFromForm(form);
  try {
    await post('/tasks', body);
    $('#add-dialog').close();
    form.reset();
    toast(`Added ${body.id}`);
  } catch (e) {
    if (e.status === 401) return askForToken();
    showFieldError(form, e.field, e.message);
  }
});

/** Only what was filled in, so the server applies its own defaults; numbers that do not parse go as typed. */
function taskFromForm(form) {
  const value = (name) => form.elements[name].value.trim();
  const body = {id: value('id'), type: value('type')};
  for (const name of ['description', 'command', 'prompt', 'intensity', 'priority']) {
    if (value(name)) body[name] = value(name);
  }
  for (const name of ['min_budget', 'max_budget', 'max_attempts']) {
    const text = value(name);
    if (text) body[name] = text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  const deps = value('depends_on').split(',').map((s) => s.trim()).filter(Boolean);
  if (deps.length) body.depends_on = deps;
  return body;
}

// ---------- plan ----------

let planned = [];

$('#plan-open').addEventListener('click', () => {
  const form = $('#plan-form');
  clearFieldErrors(form);
  $('#plan-preview').hidden = true;
  $('#plan-queue').hidden = true;
  planned = [];
  $('#plan-dialog').showModal();
  form.elements.goal.focus();
});

$('#plan-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  clearFieldErrors(form);
  const body = {dry_run: true};
  const goal = form.elements.goal.value.trim();
  const max = form.elements.max_tasks.value.trim();
  if (goal) body.goal = goal;
  if (max) body.max_tasks = Number.isInteger(Number(max)) ? Number(max) : max;
  const button = $('#plan-preview-button');
  button.disabled = true;
  button.textContent = 'Asking the model…';
  try {
    const {data} = await post('/plan', body);
    planned = data.tasks.map((view) => view.task);
    renderPlan(data);
  } catch (e) {
    if (e.status === 401) return askForToken();
    showFieldError(form, e.field, e.message);
  } finally {
    button.disabled = false;
    button.textContent = 'Preview again';
  }
});

function renderPlan(plan) {
  const preview = $('#plan-preview');
  preview.hidden = false;
  replace(preview,
    h('p', {class: 'muted small'}, `${plan.model} · ${count(plan.files_scanned)} files scanned · this plan cost ${money(plan.cost_dollars)}`),
    plan.notes?.length ? h('ul', {class: 'notes'}, plan.notes.map((n) => h('li', {}, n))) : null,
    h('ol', {class: 'plan-list'}, plan.tasks.map(({task}) => h('li', {},
      h('div', {}, h('code', {class: 'mono'}, task.id), ' ',
        h('span', {class: `chip prio-${task.priority}`}, task.priority), ' ',
        h('span', {class: 'muted small'}, `${money(task.min_budget)}–${money(task.max_budget)}`),
        task.depends_on.length ? h('span', {class: 'muted small'}, ` · after ${task.depends_on.join(', ')}`) : null),
      task.description ? h('p', {class: 'small'}, task.description) : null))));
  const queue = $('#plan-queue');
  queue.hidden = planned.length === 0;
  queue.textContent = `Queue ${planned.length} task${planned.length === 1 ? '' : 's'}`;
}

$('#plan-queue').addEventListener('click', async () => {
  const form = $('#plan-form');
  try {
    await post('/tasks', planned);
    $('#plan-dialog').close();
    toast(`Queued ${planned.length} planned task${planned.length === 1 ? '' : 's'}`);
    planned = [];
  } catch (e) {
    if (e.status === 401) return askForToken();
    showFieldError(form, null, e.message);
  }
});

// ---------- dialogs, errors, toasts ----------

for (const button of document.querySelectorAll('dialog [data-close]')) {
  button.addEventListener('click', () => button.closest('dialog').close());
}

function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  showFormError(form, null);
}

/** The API's own message, next to the field its problem body names, or above the buttons. */
function showFieldError(form, field, message) {
  const input = field ? form.elements[field] : null;
  if (input instanceof HTMLElement) {
    input.setAttribute('aria-invalid', 'true');
    const note = h('span', {class: 'field-error', role: 'alert', id: `${form.id}-${field}-error`}, message);
    input.setAttribute('aria-describedby', note.id);
    input.after(note);
    input.focus();
  } else {
    showFormError(form, message);
  }
}

function showFormError(form, message) {
  const el = form.querySelector('[data-error="form"]');
  el.hidden = !message;
  el.textContent = message ?? '';
}

function refreshChanges() {
  refreshReview({onError: onActionError, onDone: (message) => { toast(message); refreshChanges(); refreshTasks(); }});
  refreshQueues({onError: onActionError, onDone: (message) => { toast(message); refreshChanges(); }});
}

function onActionError(e) {
  if (e instanceof ApiError && e.status === 401) return askForToken();
  toast(e.message, 'error');
}

function toast(message, kind = 'ok') {
  const el = h('div', {class: `toast ${kind}`}, message);
  $('#toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

function showBanner(message) {
  const el = $('#banner');
  el.textContent = message;
  el.hidden = false;
}

function hideBanner() {
  $('#banner').hidden = true;
}

setInterval(tickTimes, 1000);
boot();
