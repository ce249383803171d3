// Unit tests (no browser, a jsdom document) of the prompt flow pages' logic: the bulk test's comparison (the best of
// each figure, in its direction), the rows' sorting, and the flow form: the body it sends and where a 400's field
// errors land after steps were added and removed. A finished bulk test's views (comparison, confusion matrix, rows)
// are checked here on API answers as the service gives them, since the browser tests run without a runner.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/' });
Object.assign(globalThis, { window, document: window.document, Node: window.Node, HTMLElement: window.HTMLElement });
const { bestIndexes, comparisonRows, metricDirection, scoreNames } = await import('../../ui-static/src/main/resources/ui/js/bulkresults.js');
const { flowForm, formFieldErrors, labelList } = await import('../../ui-static/src/main/resources/ui/js/flowform.js');
const { defaultColumn, defaultVariantStep } = await import('../../ui-static/src/main/resources/ui/js/bulktestform.js');
const { comparisonTable, confusionTable } = await import('../../ui-static/src/main/resources/ui/js/bulktest.js');
const { bulkRowsView } = await import('../../ui-static/src/main/resources/ui/js/bulkrows.js');

const realFetch = globalThis.fetch;
after(() => { globalThis.fetch = realFetch; });

describe('the comparison of runs', () => {
  test('metrics are better higher, but the counts of scored rows are not ranked', () => {
    assert.equal(metricDirection('accuracy'), 'higher');
    assert.equal(metricDirection('label.f1_macro'), 'higher');
    assert.equal(metricDirection('relevance'), 'higher');
    assert.equal(metricDirection('exact_match_rows'), null);
    assert.equal(metricDirection('label.classification_rows'), null);
  });

  test('the best value is marked in its direction; ties share it; equal values and lone values mark none', () => {
    assert.deepEqual(bestIndexes([0.5, 0.75, 0.75], 'higher'), [1, 2]);
    assert.deepEqual(bestIndexes([120, 80, undefined], 'lower'), [1]);
    assert.deepEqual(bestIndexes([3, 3], 'higher'), []);
    assert.deepEqual(bestIndexes([3, undefined], 'higher'), []);
    assert.deepEqual(bestIndexes([1, 2], null), []);
  });

  test('one row per figure and per metric any run has, one value per run', () => {
    const runs = [
      { variant: 'plain', rows: 4, failedRows: 1, meanLatencyMillis: 12.5, promptTokens: 40, completionTokens: 9,
        costUsd: 0.002, metrics: { 'label.accuracy': 0.75, 'label.classification_rows': 3 } },
      { variant: 'pessimist', rows: 4, failedRows: 0, meanLatencyMillis: 20, promptTokens: 52, completionTokens: 9,
        costUsd: 0.001, metrics: { 'label.accuracy': 0.5, relevance: 4.5 } },
    ];
    const rows = comparisonRows(runs);
    assert.deepEqual(rows.map(r => r.key), ['rows', 'failedRows', 'meanLatencyMillis', 'promptTokens', 'completionTokens',
      'costUsd', 'metrics.label.accuracy', 'metrics.label.classification_rows', 'metrics.relevance']);
    const byKey = Object.fromEntries(rows.map(r => [r.key, r]));
    assert.deepEqual(byKey.rows.best, []);
    assert.deepEqual(byKey.failedRows.best, [1]);
    assert.deepEqual(byKey.meanLatencyMillis.best, [0]);
    assert.deepEqual(byKey.completionTokens.best, []);
    assert.deepEqual(byKey.costUsd.best, [1], 'the cheaper run');
    assert.deepEqual(byKey['metrics.label.accuracy'].best, [0]);
    assert.deepEqual(byKey['metrics.label.classification_rows'].values, [3, undefined]);
    assert.deepEqual(byKey['metrics.relevance'].best, [], 'one run has it: nothing to compare');
  });
});

describe('the rows', () => {
  const rows = [
    { variant: 'a', row: 0, latencyMillis: 30, scores: { correct: 1, rougeL: 0.2 } },
    { variant: 'a', row: 1, latencyMillis: 10, error: 'names none of the labels', scores: {} },
    { variant: 'a', row: 2, latencyMillis: 20, scores: { correct: 0, rougeL: 0.9 } },
    { variant: 'b', row: 0, latencyMillis: 20, scores: { correct: 1 } },
  ];

  test('the score names the rows carry, in name order', () => {
    assert.deepEqual(scoreNames(rows), ['correct', 'rougeL']);
  });
});

describe('the bulk test form\'s defaults', () => {
  test('the first step with several variants is compared; an input reads the column of its name', () => {
    const flow = { steps: [{ name: 'a', variants: [{}] }, { name: 'b', variants: [{}, {}] }] };
    assert.equal(defaultVariantStep(flow), 'b');
    assert.equal(defaultVariantStep({ steps: [{ name: 'a', variants: [{}] }] }), '');
    assert.equal(defaultColumn('review', ['text', 'Review', 'review']), 'review');
    assert.equal(defaultColumn('review', ['text', 'Review']), 'Review');
    assert.equal(defaultColumn('review', ['text']), '');
  });
});

describe('the flow form', () => {
  test('labels and inputs are typed as lists; their entries\' errors land on the list\'s box', () => {
    assert.deepEqual(labelList(' positive, negative ,\nneutral,, '), ['positive', 'negative', 'neutral']);
    assert.deepEqual(formFieldErrors([
      { field: 'inputs[1]', message: 'is listed twice' },
      { field: 'steps[0].variants[1].parser.labels[0]', message: 'must not be empty' },
      { field: 'name', message: 'is required' },
    ], ['review', 'review']), [
      { field: 'inputs', message: '\'review\' is listed twice' },
      { field: 'steps[0].variants[1].parser.labels', message: 'label 1 must not be empty' },
      { field: 'name', message: 'is required' },
    ]);
  });

  test('sends the flow as typed, and shows each field error beside the field it names after a step was removed', async () => {
    const sent = [];
    globalThis.fetch = async (url, init) => {
      sent.push({ url, method: init.method, body: JSON.parse(init.body) });
      return new Response(JSON.stringify({ title: 'Bad request', status: 400, errors: [
        { field: 'steps[0].variants[1].prompt', message: 'uses \'reveiw\', which is neither an input nor an earlier step' },
        { field: 'steps[1].variants[0].parser.labels', message: 'must list at least one label for a label parser' },
        { field: 'inputs[0]', message: 'is not a name' },
        { field: 'somewhere.else', message: 'is odd' },
      ] }), { status: 400, headers: { 'Content-Type': 'application/problem+json' } });
    };
    const form = flowForm({ models: ['hosted/fake-small', 'hosted/fake-large'], onSaved: () => assert.fail('not saved') });
    document.body.append(form);
    const set = (id, value) => {
      const element = form.querySelector(`#${id}`);
      assert.ok(element, `#${id} exists`);
      element.value = value;
      element.dispatchEvent(new window.Event('change'));
    };
    set('flow-new-name', 'reviews');
    set('flow-new-inputs', 'review');
    set('flow-new-step1-name', 'label');
    set('flow-new-step1-v1-model', 'hosted/fake-small');
    set('flow-new-step1-v1-prompt', '{{ review }}');
    set('flow-new-step1-v1-temperature', '0');
    set('flow-new-step1-v1-parser', 'label');
    set('flow-new-step1-v1-parser-labels', 'positive, negative');
    form.querySelector('#flow-new-step1-add-variant').click();
    set('flow-new-step1-v2-name', 'pessimist');
    set('flow-new-step1-v2-model', 'hosted/fake-large');
    set('flow-new-step1-v2-system', 'You are terse.');
    set('flow-new-step1-v2-prompt', '{{ reveiw }}');
    // A step added and removed again: the next step's errors are named steps[1], as it now stands.
    form.querySelector('#flow-new-add-step').click();
    form.querySelector('#flow-new-add-step').click();
    form.querySelector('#flow-new-step2-remove').click();
    set('flow-new-step3-name', 'why');
    set('flow-new-step3-v1-model', 'hosted/fake-small');
    set('flow-new-step3-v1-prompt', 'Why {{ label }}?');
    set('flow-new-step3-v1-parser', 'label');
    assert.equal(form.querySelector('#flow-new-step3-v1-parser-labels').closest('.field').hidden, false);
    assert.equal(form.querySelector('#flow-new-step3-v1-parser-field').closest('.field').hidden, true);
    form.requestSubmit();
    for (let i = 0; i < 100 && !form.querySelector('#flow-new-status').textContent; i++) await new Promise(r => setTimeout(r, 10));

    assert.equal(sent.length, 1);
    assert.equal(sent[0].method, 'POST');
    assert.equal(sent[0].url, 'api/v1/flows');
    assert.deepEqual(sent[0].body, {
      name: 'reviews', inputs: ['review'], steps: [
        { name: 'label', variants: [
          { name: 'v1', model: 'hosted/fake-small', prompt: '{{ review }}', temperature: 0,
            parser: { type: 'label', labels: ['positive', 'negative'] } },
          { name: 'pessimist', model: 'hosted/fake-large', system: 'You are terse.', prompt: '{{ reveiw }}' }] },
        { name: 'why', variants: [{ name: 'v1', model: 'hosted/fake-small', prompt: 'Why {{ label }}?',
          parser: { type: 'label', labels: [] } }] }],
    });
    const error = id => form.querySelector(`#${id}-error`);
    assert.match(error('flow-new-step1-v2-prompt').textContent, /reveiw/);
    assert.equal(error('flow-new-step1-v2-prompt').hidden, false);
    assert.equal(form.querySelector('#flow-new-step1-v2-prompt').getAttribute('aria-invalid'), 'true');
    assert.match(error('flow-new-step3-v1-parser-labels').textContent, /at least one label/);
    assert.equal(error('flow-new-inputs').textContent, '\'review\' is not a name');
    assert.equal(error('flow-new-step1-v1-prompt').hidden, true);
    // What no field took shows under the form.
    assert.match(form.querySelector('#flow-new-status').textContent, /somewhere\.else/);
    assert.doesNotMatch(form.querySelector('#flow-new-status').textContent, /reveiw/);
    form.remove();
  });

  test('a saved flow fills the form; its name stays; a model no connection offers now stays chosen', () => {
    const form = flowForm({ models: ['hosted/fake-small'], onSaved: () => {}, flow: {
      name: 'reviews', description: 'sentiment', inputs: ['review', 'product'], steps: [{ name: 'label', variants: [
        { name: 'plain', model: 'gone/old', prompt: '{{ review }}', maxTokens: 5, parser: { type: 'json-field', field: 'label' } }] }],
    } });
    assert.equal(form.querySelector('#flow-edit-name').disabled, true);
    assert.equal(form.querySelector('#flow-edit-inputs').value, 'review, product');
    assert.equal(form.querySelector('#flow-edit-step1-v1-model').value, 'gone/old');
    assert.equal(form.querySelector('#flow-edit-step1-v1-max-tokens').value, '5');
    assert.equal(form.querySelector('#flow-edit-step1-v1-parser').value, 'json-field');
    assert.equal(form.querySelector('#flow-edit-step1-v1-parser-field').value, 'label');
    assert.equal(form.querySelector('#flow-edit-submit').textContent, 'Save changes');
  });
});

describe('a finished bulk test\'s views', () => {
  test('the comparison has a column per run and marks the best of each figure in words', () => {
    const table = comparisonTable([
      { variant: 'plain', rows: 3, failedRows: 1, meanLatencyMillis: 12.5, promptTokens: 30, completionTokens: 6,
        metrics: { 'label.accuracy': 1, 'label.classification_rows': 2 }, confusion: {} },
      { variant: 'pessimist', rows: 3, failedRows: 0, meanLatencyMillis: 20, promptTokens: 40, completionTokens: 6,
        metrics: { 'label.accuracy': 0.3333333, 'label.classification_rows': 3 }, confusion: {} },
    ]);
    const headers = [...table.querySelectorAll('thead th')].map(th => th.textContent);
    assert.deepEqual(headers, ['Figure', 'plain', 'pessimist']);
    const cells = key => [...table.querySelectorAll(`tr[data-figure="${key}"] td`)].map(td => [td.textContent, td.classList.contains('best')]);
    assert.deepEqual(cells('metrics.label.accuracy'), [['1 best', true], ['0.3333', false]]);
    assert.deepEqual(cells('failedRows'), [['1', false], ['0 best', true]]);
    assert.deepEqual(cells('metrics.label.classification_rows'), [['2', false], ['3', false]]);
    assert.match(table.querySelector('tr[data-figure="meanLatencyMillis"] th').textContent, /lower is better/);
  });

  test('a confusion matrix has the truth down and the output across', () => {
    const figure = confusionTable('plain', 'label', { labels: ['negative', 'positive'], counts: [[1, 1], [0, 2]] });
    assert.equal(figure.querySelector('figcaption').textContent, 'Confusion matrix of label in run plain');
    const rows = [...figure.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(c => c.textContent));
    assert.deepEqual(rows, [['negative', '1', '1'], ['positive', '0', '2']]);
    assert.equal(figure.querySelectorAll('td.diagonal').length, 2);
  });

  test('the API sorts, filters and pages the rows, 25 a page; error rows are marked and inputs are text', async () => {
    const asked = [];
    const all = Array.from({ length: 30 }, (_, row) => ({ variant: 'plain', row, inputs: { review: `review <b>${row}</b>` },
      outputs: row === 3 ? {} : { output: row % 2 ? 'positive' : 'negative' }, error: row === 3 ? 'the answer names none of the labels' : null,
      latencyMillis: 100 - row, promptTokens: 3, completionTokens: 4, scores: row === 3 ? {} : { correct: row % 2 } }));
    globalThis.fetch = async url => {
      asked.push(url);
      const query = new URL(url, 'http://x/').searchParams;
      const offset = Number(query.get('offset'));
      const items = all.slice(offset, offset + Number(query.get('limit')));
      return new Response(JSON.stringify({ items, offset, limit: Number(query.get('limit')) }), { status: 200,
        headers: { 'Content-Type': 'application/json' } });
    };
    const view = bulkRowsView({ id: 't1', runs: ['plain', 'pessimist'], inputs: ['review'], answered: { plain: 30, pessimist: 0 } });
    document.body.append(view.element);
    const summary = view.element.querySelector('#bulk-rows-summary');
    const settle = async n => { for (let i = 0; i < 100 && (asked.length < n || /Loading/.test(summary.textContent)); i++) await new Promise(r => setTimeout(r, 10)); };
    await settle(1);
    assert.deepEqual(asked, ['api/v1/bulk-tests/t1/rows?sort=row&offset=0&limit=26']);
    assert.equal(summary.textContent, 'Rows 1–25 of 30.');
    assert.equal(view.element.querySelectorAll('#bulk-rows tbody tr').length, 25);
    assert.equal(view.element.querySelector('#bulk-rows-page').textContent, 'Page 1');
    const errorRow = view.element.querySelector('#bulk-rows tr.row-error');
    assert.equal(errorRow.dataset.row, '3');
    assert.match(errorRow.textContent, /Error.*names none of the labels/);
    assert.equal(view.element.querySelectorAll('#bulk-rows b').length, 0, 'inputs are text');

    view.element.querySelector('#bulk-rows-next').click();
    await settle(2);
    assert.equal(asked[1], 'api/v1/bulk-tests/t1/rows?sort=row&offset=25&limit=26');
    assert.equal(summary.textContent, 'Rows 26–30 of 30.');
    assert.equal(view.element.querySelector('#bulk-rows-next').disabled, true);

    const sort = view.element.querySelector('#bulk-rows-sort');
    assert.deepEqual([...sort.options].map(o => o.value), ['row', 'latency', 'score:correct']);
    sort.value = 'score:correct';
    sort.dispatchEvent(new window.Event('change'));
    view.element.querySelector('#bulk-rows-order').value = 'desc';
    view.element.querySelector('#bulk-rows-order').dispatchEvent(new window.Event('change'));
    const failed = view.element.querySelector('#bulk-rows-failed');
    failed.checked = true;
    failed.dispatchEvent(new window.Event('change'));
    const run = view.element.querySelector('#bulk-rows-run');
    run.value = 'pessimist';
    run.dispatchEvent(new window.Event('change'));
    await settle(6);
    assert.equal(asked.at(-1), 'api/v1/bulk-tests/t1/rows?variant=pessimist&sort=-score%3Acorrect&failed=true&offset=0&limit=26');
    view.element.remove();
  });
});
