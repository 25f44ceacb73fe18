// Calls to the Vivarium API from this page: same origin, JSON bodies, and the API token (when the server has one)
// in an Authorization header. The token lives in this tab's sessionStorage only; it is never put in a URL.

const TOKEN_KEY = 'vivarium.api-token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refused call, with the API's RFC 9457 problem body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || (status ? `the server answered ${status}` : 'the server is unreachable'));
    this.status = status;
    this.problem = problem ?? null;
    this.field = problem?.field ?? null;
  }
}

function headers(extra = {}) {
  const all = {Accept: 'application/json', ...extra};
  const value = token.get();
  if (value) all.Authorization = `Bearer ${value}`;
  return all;
}

export async function call(method, path, body) {
  const init = {method, headers: headers(), cache: 'no-store', credentials: 'same-origin', redirect: 'error'};
  if (method !== 'GET') {
    // State-changing calls always carry a JSON body, so a cross-site form could never make one.
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, null);
  }
  const type = response.headers.get('Content-Type') ?? '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return {data, headers: response.headers};
}

export const get = (path) => call('GET', path);

/** A text body (a diff): returned as a string, never parsed or rendered as markup. */
export async function getText(path) {
  let response;
  try {
    response = await fetch(path, {headers: headers({Accept: 'text/x-diff, text/plain'}), cache: 'no-store',
      credentials: 'same-origin', redirect: 'error'});
  } catch (e) {
    throw new ApiError(0, null);
  }
  if (!response.ok) {
    const type = response.headers.get('Content-Type') ?? '';
    throw new ApiError(response.status, type.includes('json') ? await response.json().catch(() => null) : null);
  }
  return response.text();
}
export const post = (path, body) => call('POST', path, body);

/**
 * Server-sent events read from a fetch() body: EventSource cannot send an Authorization header. Reconnects with
 * a growing pause (0.5 s up to 5 s) when the stream ends or fails, e.g. while the server restarts; a stream that
 * stays silent longer than the server's refresh interval is treated as dead.
 */
export function openStream(path, {onEvent, onState, onUnauthorized}) {
  const SILENCE_MS = 15000;
  let stopped = false;
  let controller = null;

  (async () => {
    let pause = 500;
    while (!stopped) {
      controller = new AbortController();
      const current = controller;
      let watchdog = null;
      const feed = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => current.abort(), SILENCE_MS);
      };
      try {
        feed();
        const response = await fetch(path, {
          headers: headers({Accept: 'text/event-stream'}), cache: 'no-store', credentials: 'same-origin',
          signal: current.signal,
        });
        if (response.status === 401) {
          clearTimeout(watchdog);
          onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        onState('live');
        pause = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          feed();
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = parseEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (event) onEvent(event.name, event.data);
          }
        }
      } catch (e) {
        // A refused connection, a reset or the watchdog: try again below.
      }
      clearTimeout(watchdog);
      if (stopped) return;
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 5000);
    }
  })();

  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}

// The server writes '\n' line ends; a stray '\r' is dropped per line.
function parseEvent(block) {
  let name = 'message';
  const data = [];
  for (const raw of block.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  try {
    return {name, data: JSON.parse(data.join('\n'))};
  } catch (e) {
    return null;
  }
}

/**
 * A plain-text stream (a grind's output as it is written), handed on piece by piece until it ends or `signal`
 * aborts it. Read from a fetch() body so the token goes in a header, as everywhere else.
 */
export async function followText(path, onText, signal) {
  const response = await fetch(path, {headers: headers({Accept: 'text/plain'}), cache: 'no-store',
    credentials: 'same-origin', redirect: 'error', signal});
  if (!response.ok || !response.body) throw new ApiError(response.status, null);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const {done, value} = await reader.read();
    if (done) return;
    onText(decoder.decode(value, {stream: true}));
  }
}
