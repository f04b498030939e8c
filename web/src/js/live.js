// Live events from /api/stream (Server-Sent Events). EventSource reconnects by itself and
// resumes with Last-Event-ID; when it gives up (the server answered with an error status) we
// open a new one after a growing pause. `onState` hears 'live' or 'reconnecting'.

const MAX_PAUSE_MS = 30_000;

export function openStream(url, handlers, onState) {
  let source = null;
  let pause = 1000;
  let timer = null;
  let stopped = false;

  const open = () => {
    source = new EventSource(url);
    source.addEventListener('open', () => {
      pause = 1000;
      onState('live');
    });
    source.addEventListener('error', (event) => {
      // The server's own `error` event carries data; a connection error does not.
      if (event instanceof MessageEvent && event.data) {
        handlers.serverError?.(parse(event.data));
        return;
      }
      onState('reconnecting');
      if (source.readyState === EventSource.CLOSED && !stopped) {
        source.close();
        timer = setTimeout(open, pause);
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      }
    });
    for (const [type, handler] of Object.entries(handlers)) {
      if (type === 'serverError') continue;
      source.addEventListener(type, (event) => {
        const data = parse(event.data);
        if (data !== null) handler(data);
      });
    }
  };

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
