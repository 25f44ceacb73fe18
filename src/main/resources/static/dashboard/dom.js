// Everything the server sends (task ids, descriptions, commands, errors, output, LLM answers) is untrusted.
// The page therefore builds elements and sets text nodes; it never assigns HTML.

const FORBIDDEN = new Set(['innerHTML', 'outerHTML', 'srcdoc', 'href', 'src']);

/** h('td', {class: 'num'}, 'text', otherNode): an element whose string children become text nodes. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (FORBIDDEN.has(key)) throw new Error(`h(): '${key}' is not set from data`);
    if (key === 'class') el.className = value;
    else if (key === 'dataset') {
      for (const [name, v] of Object.entries(value)) if (v != null) el.dataset[name] = String(v);
    }
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * New content for el. Live updates rebuild parts of the page every few seconds; whatever had the keyboard focus
 * inside el gets it back on its replacement (the element with the same data-focus-key).
 */
export function replace(el, ...children) {
  const focused = el.contains(document.activeElement) ? document.activeElement.dataset?.focusKey : null;
  el.replaceChildren();
  append(el, children);
  if (focused) el.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Dollars as the CLI prints them: at least cents, up to four digits when they are there. */
export function money(dollars) {
  if (dollars == null || !Number.isFinite(dollars)) return '—';
  const fixed = dollars.toFixed(4).replace(/0{1,2}$/, '');
  return '$' + fixed;
}

export function count(n) {
  return Number(n ?? 0).toLocaleString('en-US');
}

/** "12s ago", "in 3m": relative to the server's clock (see clock.now()). */
export function relative(iso, nowMillis) {
  if (!iso) return '—';
  const seconds = Math.round((nowMillis - Date.parse(iso)) / 1000);
  const future = seconds < 0;
  const text = span(Math.abs(seconds));
  if (text === null) return 'just now';
  return future ? `in ${text}` : `${text} ago`;
}

function span(seconds) {
  if (seconds < 2) return null;
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

export function duration(fromIso, toIso) {
  if (!fromIso || !toIso) return null;
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export function localTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The server's clock as seen from here: overview events carry the server's "now". */
export const clock = {
  skew: 0,
  sync(serverIso) {
    const server = Date.parse(serverIso);
    if (Number.isFinite(server)) this.skew = server - Date.now();
  },
  now() {
    return Date.now() + this.skew;
  },
};

/** An element whose text is a relative time, kept current by tickTimes(). */
export function since(iso, prefix = '') {
  return h('time', {datetime: iso ?? '', title: iso ? localTime(iso) : null,
    dataset: {since: iso ?? '', prefix}}, prefix + relative(iso, clock.now()));
}

export function tickTimes() {
  for (const el of document.querySelectorAll('time[data-since]')) {
    el.textContent = el.dataset.prefix + relative(el.dataset.since, clock.now());
  }
}

export const STATES = ['pending', 'in_progress', 'completed', 'failed', 'blocked', 'cancelled'];
export const STATE_LABELS = {
  pending: 'Pending', in_progress: 'Running', completed: 'Completed', failed: 'Failed', blocked: 'Blocked',
  cancelled: 'Cancelled',
};

export function badge(status) {
  return h('span', {class: `badge state-${status}`}, STATE_LABELS[status] ?? status);
}
