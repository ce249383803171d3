// Asking the API again every few seconds, the one way every page does it: one request at a time, never
// after the page it serves has gone, and every failure handed to the page to show.

/**
 * Calls `fetch()` now (or after `intervalMs` when `immediate` is false) and again `intervalMs` after each
 * answer, until `stop()` is called, `until(answer)` is true, or `element` has left the document (the
 * reader went to another page). Each answer goes to `onAnswer(answer)`, each failure to `onError(error)`,
 * which may return false to stop; after a failure the next call waits `retryMs` (default `intervalMs`).
 * Answers that arrive after stopping are dropped. Returns { stop(), now() }: now() asks again at once.
 */
export function poll({ fetch, onAnswer, onError, intervalMs, retryMs = intervalMs, until = () => false, element = null,
  immediate = true }) {
  let stopped = false;
  let timer = null;
  let round = 0; // answers of an older round (before now() or stop()) are dropped

  const gone = () => stopped || (element !== null && !element.isConnected);

  function schedule(ms) {
    clearTimeout(timer);
    timer = gone() ? null : setTimeout(run, ms);
  }

  async function run() {
    clearTimeout(timer);
    if (gone()) {
      stop();
      return;
    }
    const mine = ++round;
    let answer;
    try {
      answer = await fetch();
    } catch (error) {
      if (mine !== round || gone()) return;
      if (onError(error) === false) stop();
      else schedule(retryMs);
      return;
    }
    if (mine !== round || gone()) return;
    onAnswer(answer);
    if (until(answer)) stop();
    else schedule(intervalMs);
  }

  function stop() {
    stopped = true;
    round++;
    clearTimeout(timer);
  }

  if (immediate) run();
  else schedule(intervalMs);
  return {
    stop,
    now() {
      if (!stopped) run();
    },
  };
}
