// Unit tests of the UI's one polling helper (no browser): one request at a time, its stop condition, failures
// handed to the page, and no request once the page's element has left the document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { poll } from '../../ui-static/src/main/resources/ui/js/polling.js';

/** Waits until `condition()` holds (the machine may be busy: up to 10 s). */
async function reached(condition) {
  for (const deadline = Date.now() + 10_000; !condition();) {
    assert.ok(Date.now() < deadline, 'timed out');
    await sleep(5);
  }
}

test('asks at once, then after each answer, until the stop condition holds', async () => {
  const answers = [];
  let calls = 0;
  let inFlight = 0;
  let overlapped = false;
  poll({
    fetch: async () => {
      overlapped ||= inFlight > 0;
      inFlight++;
      await sleep(15); // slower than the interval: the next call still waits for this answer
      inFlight--;
      return ++calls;
    },
    onAnswer: answer => answers.push(answer),
    onError: error => assert.fail(error),
    intervalMs: 5,
    until: answer => answer === 3,
  });
  await reached(() => answers.length === 3);
  await sleep(50);
  assert.deepEqual(answers, [1, 2, 3]);
  assert.equal(overlapped, false);
});

test('hands failures to onError, retries after retryMs, and stops when onError answers false', async () => {
  const seen = [];
  let calls = 0;
  poll({
    fetch: async () => {
      calls++;
      if (calls <= 2) throw new Error(`failure ${calls}`);
      return calls;
    },
    onAnswer: answer => seen.push(`answer ${answer}`),
    onError: error => {
      seen.push(error.message);
      return true;
    },
    intervalMs: 5,
    retryMs: 5,
    until: () => true,
  });
  await reached(() => seen.length === 3);
  await sleep(50);
  assert.deepEqual(seen, ['failure 1', 'failure 2', 'answer 3']);

  let failures = 0;
  poll({ fetch: async () => { throw new Error('down'); }, onAnswer: () => assert.fail('no answer'), onError: () => {
    failures++;
    return false;
  }, intervalMs: 5 });
  await reached(() => failures === 1);
  await sleep(50);
  assert.equal(failures, 1);
});

test('stops when its element leaves the document, and drops answers that come after stop()', async () => {
  const element = { isConnected: true };
  let calls = 0;
  poll({ fetch: async () => ++calls, onAnswer: () => {}, onError: assert.fail, intervalMs: 5, element });
  await reached(() => calls >= 2);
  element.isConnected = false;
  const atRemoval = calls;
  await sleep(60);
  assert.ok(calls <= atRemoval + 1, `${calls - atRemoval} calls after the element left`);

  const answers = [];
  const slow = poll({ fetch: async () => { await sleep(30); return 'late'; }, onAnswer: a => answers.push(a), onError: assert.fail, intervalMs: 5 });
  await sleep(5);
  slow.stop();
  await sleep(60);
  assert.deepEqual(answers, []);
});

test('now() asks again at once; immediate: false waits one interval first', async () => {
  let calls = 0;
  const polling = poll({ fetch: async () => ++calls, onAnswer: () => {}, onError: assert.fail, intervalMs: 10_000, immediate: false });
  await sleep(20);
  assert.equal(calls, 0);
  polling.now();
  await reached(() => calls === 1);
  polling.stop();
  polling.now();
  await sleep(20);
  assert.equal(calls, 1, 'a stopped poll stays stopped');
});
