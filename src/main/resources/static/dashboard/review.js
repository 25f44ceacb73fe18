// The Review view: code grinds' changes waiting for review, each with its diff, its check and its cost, and
// Accept / Reject (with feedback). A diff is untrusted text: each line is a text node in a span, never markup.
import {get, getText, post} from './api.js';
import {$, h, money, replace} from './dom.js';

const diffs = new Map(); // "id@commit" -> the patch text, so live updates do not fetch it again
const feedbacks = new Map(); // id -> what the reviewer has typed so far, kept across renders
let shown = null; // the changes on the page ("id@commit" list): live updates that change none leave them be

export async function refreshReview({onError, onDone}) {
  let waiting;
  try {
    ({data: waiting} = await get('/reviews'));
  } catch (e) {
    return onError(e);
  }
  const section = $('#review');
  section.hidden = waiting.length === 0;
  $('#review-count').textContent = waiting.length === 0 ? '' : `${waiting.length} waiting`;
  const signature = waiting.map((c) => `${c.id}@${c.commit}`).join(' ');
  if (signature === shown) return;
  shown = signature;
  const items = [];
  for (const change of waiting) {
    items.push(await renderChange(change, {onError, onDone}));
  }
  replace($('#review-list'), items);
}

async function renderChange(change, {onError, onDone}) {
  const key = `${change.id}@${change.commit}`;
  if (!diffs.has(key)) {
    try {
      diffs.set(key, await getText(`/tasks/${encodeURIComponent(change.id)}/diff`));
    } catch (e) {
      diffs.set(key, `(the diff could not be loaded: ${e.message})`);
    }
  }
  const feedback = h('textarea', {rows: 2, placeholder: 'Feedback for the next attempt (with Reject and retry)',
    'aria-label': `Feedback on ${change.id}`, dataset: {focusKey: `feedback:${change.id}`},
    oninput: (e) => feedbacks.set(change.id, e.target.value)});
  feedback.value = feedbacks.get(change.id) ?? '';
  const act = (path, body, done) => async () => {
    try {
      await post(`/tasks/${encodeURIComponent(change.id)}/${path}`, body());
      feedbacks.delete(change.id);
      shown = null;
      onDone(done);
    } catch (e) {
      onError(e);
    }
  };
  const changes = change.changes
    ? `${change.changes.files} file${change.changes.files === 1 ? '' : 's'} +${change.changes.insertions} −${change.changes.deletions}`
    : '';
  return h('article', {class: 'review-item', dataset: {review: change.id}},
    h('header', {class: 'review-head'},
      h('strong', {}, change.id),
      change.description ? h('span', {}, change.description) : null,
      h('code', {class: 'muted'}, change.branch)),
    h('p', {class: 'review-facts'},
      h('span', {}, changes), ' · ', checkText(change.check), ' · ',
      h('span', {class: 'review-cost'}, `cost ${money(change.spent)}`),
      change.turns ? ` · ${change.turns} turns` : ''),
    diffView(diffs.get(key)),
    feedback,
    h('div', {class: 'review-actions'},
      h('button', {type: 'button', class: 'primary', onclick: act('accept', () => ({}), `Accepted ${change.id}`)},
        'Accept'),
      h('button', {type: 'button', onclick: act('reject', () => ({}), `Rejected ${change.id}`)}, 'Reject'),
      h('button', {type: 'button', onclick: act('reject', () => ({retry: true, feedback: feedback.value || null}),
        `Rejected ${change.id}; it runs again`)}, 'Reject and retry')));
}

function checkText(check) {
  if (!check || check.command == null) return h('span', {class: 'check none'}, 'no check');
  return h('span', {class: check.passed ? 'check passed' : 'check failed', title: check.output ?? ''},
    `check ${check.passed ? 'passed' : 'failed'}: ${check.command}`);
}

function diffView(patch) {
  const lines = patch.split('\n').map((line) => {
    const kind = line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff --git')
      || line.startsWith('index ') ? 'meta'
      : line.startsWith('@@') ? 'hunk'
        : line.startsWith('+') ? 'add'
          : line.startsWith('-') ? 'del' : 'ctx';
    return h('span', {class: `diff-line ${kind}`}, line + '\n');
  });
  return h('pre', {class: 'diff', tabindex: 0}, lines);
}
