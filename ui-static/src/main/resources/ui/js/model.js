// The model card page: header, Markdown description, details, source, sample inputs, metrics and versions
// with lineage and export.
import { catalogExportUrl, getModel, listVersions, modelMetrics, versionArchiveUrl } from './api.js';
import { dateView, h, replaceChildren, problemView, statusBadge, taskBadge } from './dom.js';
import { formatMetric } from './format.js';
import { openImportDialog } from './importdialog.js';
import { markdownFragment } from './markdown.js';
import { can, needsRole } from './session.js';
import { loadTaskRegistry } from './tasks.js';

const HUB = 'https://huggingface.co/';
const HUB_REPO = /^[\w.-]+(\/[\w.-]+)?$/;

import { deployBlocker } from './deploy.js';
import { hubSection } from './hubsnippet.js';
import { tryItSection } from './tryit.js';
import { noTaskReason, tasksFor, versionsWithFiles } from './wizard.js';

/** Mounts the page of model `id` into `root`, with a link back to `catalogHash`; returns { unmount() }. */
export function mountModel(root, id, catalogHash = '#/') {
  let active = true;
  function load() {
    document.title = 'Model · ModelCat';
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading model…'));
    Promise.all([getModel(id), listVersions(id), loadTaskRegistry()])
      .then(([model, versions, registry]) => {
        if (active) render(root, model, versions, registry, catalogHash, () => { if (active) load(); });
      })
      .catch(error => {
        if (!active) return;
        // A bad or unknown id stays so; other failures (network, server) may pass, so they offer a retry.
        const missing = error.status === 400 || error.status === 404;
        document.title = 'Model not available · ModelCat';
        replaceChildren(root,
          backLink(catalogHash),
          h('h1', {}, missing ? 'Model not found' : 'The model could not be loaded'),
          problemView(error, missing ? null : load));
      });
  }
  load();
  return { unmount: () => { active = false; } };
}

function backLink(catalogHash) {
  return h('p', { class: 'breadcrumb' }, h('a', { href: catalogHash }, '← Catalog'));
}

/** Import from the Hub for a Hub model not (or not successfully) imported; else a disabled button saying why. */
function importButton(model, reload) {
  const source = model.source;
  const importable = source?.type === 'huggingface' && source.repo && (model.status === 'not_imported' || model.status === 'failed');
  if (importable && can('contributor')) {
    return h('button', { type: 'button', class: 'button primary', id: 'import-model',
      onclick: () => openImportDialog({ modelId: source.repo, revision: source.revision ?? '', onClose: reload }) },
    model.status === 'failed' ? 'Retry import' : 'Import');
  }
  const why = importable ? needsRole('contributor')
    : source?.type !== 'huggingface' ? 'Only models from the Hugging Face Hub can be imported.'
    : model.status === 'importing' ? 'An import of this model is under way: see the Jobs page.'
      : 'Already imported. Import another revision with Import from Hugging Face on the catalog page.';
  return h('button', { type: 'button', class: 'button', id: 'import-model', 'aria-disabled': 'true', title: why,
    'aria-describedby': 'import-why' }, 'Import');
}

function importHint(model) {
  if (model.status === 'importing') return h('p', { id: 'import-why', class: 'coming-soon muted' }, h('a', { href: '#/jobs?kind=import' }, 'Follow the import on the Jobs page.'));
  return h('p', { id: 'import-why', class: 'visually-hidden' },
    model.source?.type !== 'huggingface' ? 'Only models from the Hugging Face Hub can be imported.' : 'Already imported.');
}

function render(root, model, versions, registry, catalogHash, reload) {
  document.title = `${model.name} · ModelCat`;
  // A model served by an LLM connection: no files here, so nothing to import, evaluate, fine-tune or deploy.
  const hosted = model.source?.type === 'connection';
  // Sanitised nodes (markdown.js): the description's HTML is never parsed as HTML in the page.
  const description = h('div', { class: 'markdown', id: 'description' }, model.description?.trim()
    ? markdownFragment(model.description, { topHeadingLevel: 3 })
    : h('p', { class: 'muted' }, 'No description.'));

  replaceChildren(root, h('article', { class: 'model', dataset: { id: model.id } },
    backLink(catalogHash),
    h('header', { class: 'model-header' },
      h('div', {},
        h('h1', { id: 'model-name' }, model.name),
        model.publisher ? h('p', { class: 'publisher' }, 'by ', h('span', { id: 'model-publisher' }, model.publisher)) : null,
        h('div', { class: 'card-meta' },
          taskBadge(model.task),
          h('span', { class: 'badge license', title: 'Licence' }, model.license),
          statusBadge(model.status),
          model.latestVersion ? h('span', { class: 'badge' }, `v${model.latestVersion.versionNumber}`) : null),
        model.statusMessage ? h('p', { class: `status-message status-${model.status}` }, model.statusMessage) : null),
      hosted ? h('div', { class: 'actions' }, h('div', { class: 'action-buttons' },
        h('a', { class: 'button primary', id: 'use-in-flow', href: '#/flows' }, 'Use in a flow')))
        : h('div', { class: 'actions' }, h('div', { class: 'action-buttons' }, importButton(model, reload),
          jobButtons(model, versions ?? [], registry), deployButton(model, versions ?? [], registry)),
        importHint(model),
        jobHint(model, versions ?? [], registry),
        deployHint(model, versions ?? [], registry))),
    h('div', { class: 'model-body' },
      h('div', { class: 'model-main' },
        h('section', { 'aria-labelledby': 'description-heading' },
          h('h2', { id: 'description-heading' }, 'Description'), description),
        hosted ? hostedSection(model) : samplesSection(model.samples ?? []),
        hosted ? null : tryItSection(model, (versions ?? []).some(v => v.artifactUri), registry),
        metricsSection(model, registry),
        hosted ? null : versionsSection(model, versions ?? []),
        hosted ? null : hubSection(model, versions ?? [])),
      h('aside', { class: 'model-side' }, detailsSection(model)))));
}

function detailsSection(model) {
  const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
  const list = (values, empty) => values?.length
    ? h('ul', { class: 'tags' }, values.map(v => h('li', { class: 'tag' }, v)))
    : h('span', { class: 'muted' }, empty);
  return h('section', { class: 'details', 'aria-labelledby': 'details-heading' },
    h('h2', { id: 'details-heading' }, 'Details'),
    h('dl', {},
      row('Task', taskBadge(model.task)),
      row('Fine-tuning tasks', h('div', { id: 'finetuning-tasks' }, list(model.finetuningTasks, 'Not fine-tunable here'))),
      row('Licence', model.license),
      row('Tags', h('div', { id: 'model-tags' }, list(model.tags, 'None'))),
      model.library ? row('Library', model.library) : null,
      model.architecture ? row('Architecture', h('code', {}, model.architecture)) : null,
      row('Source', sourceView(model.source, model.hosted)),
      row('Versions', String(model.versionCount ?? 0)),
      row('Created', dateView(model.createdAt)),
      row('Updated', dateView(model.updatedAt))));
}

function sourceView(source, hosted) {
  if (!source) return '—';
  if (source.type === 'connection') {
    const connection = hosted?.connection ?? source.repo?.split('/')[0];
    return h('span', { id: 'hosted-source' }, hosted ? `${hosted.kind} via connection ` : 'LLM connection ',
      h('code', {}, connection));
  }
  if (source.type === 'huggingface' && source.repo) {
    const link = HUB_REPO.test(source.repo)
      ? h('a', { id: 'hub-link', href: HUB + source.repo.split('/').map(encodeURIComponent).join('/'),
        rel: 'noopener noreferrer', target: '_blank' }, source.repo)
      : h('code', {}, source.repo);
    return h('span', {}, 'Hugging Face Hub: ', link,
      source.revision ? h('span', { class: 'muted' }, ' @ ', h('code', {}, source.revision)) : null);
  }
  if (source.type === 'finetuned') return 'Fine-tuned in ModelCat';
  if (source.type === 'upload' && source.repo) {
    return h('span', {}, 'Uploaded as ', h('code', {}, source.repo),
      source.revision ? h('span', { class: 'muted' }, ' @ ', h('code', {}, source.revision.slice(0, 12))) : null);
  }
  return source.type === 'manual' ? 'Added by hand' : source.type;
}

/** How to call a hosted model: its name in the mesh and flows, a curl and an OpenAI SDK call, and its price. */
function hostedSection(model) {
  const name = model.hosted?.meshModel ?? model.source.repo;
  const base = `${location.origin}/api/v1/llm/v1`;
  const curl = `curl ${base}/chat/completions \\
  -H "Authorization: Bearer $MODELCAT_TOKEN" -H "Content-Type: application/json" \\
  -d '${JSON.stringify({ model: name, messages: [{ role: 'user', content: 'Hello!' }] })}'`;
  const sdk = `from openai import OpenAI

client = OpenAI(base_url="${base}", api_key="<a ModelCat API token>")
reply = client.chat.completions.create(model="${name}",
                                       messages=[{"role": "user", "content": "Hello!"}])
print(reply.choices[0].message.content)`;
  const price = model.hosted?.inputPerMillion != null
    ? h('p', { id: 'hosted-price' }, 'Price: ', h('strong', {}, `$${model.hosted.inputPerMillion}`), ' per million input tokens, ',
      h('strong', {}, `$${model.hosted.outputPerMillion}`), ' per million output tokens.')
    : h('p', { id: 'hosted-price', class: 'muted' }, 'No price is set for this model on its connection.');
  return h('section', { 'aria-labelledby': 'hosted-heading', id: 'hosted-use' },
    h('h2', { id: 'hosted-heading' }, 'Use it'),
    h('p', {}, 'A hosted model: ModelCat holds no files of it, so it cannot be deployed, evaluated or fine-tuned here. ',
      'Choose it as a step\'s model in a ', h('a', { href: '#/flows' }, 'prompt flow'),
      ' (and compare it in bulk tests), or call it through the LLM mesh as model ', h('code', { id: 'mesh-model' }, name), '.'),
    price,
    h('h3', {}, 'curl'),
    h('pre', { class: 'code-block', id: 'hosted-curl' }, curl),
    h('h3', {}, 'OpenAI SDK (Python)'),
    h('pre', { class: 'code-block', id: 'hosted-sdk' }, sdk));
}

function samplesSection(samples) {
  return h('section', { 'aria-labelledby': 'samples-heading' },
    h('h2', { id: 'samples-heading' }, 'Sample inputs'),
    samples.length === 0 ? h('p', { class: 'muted' }, 'No sample inputs.')
      : h('ul', { class: 'samples' }, samples.map(sample => h('li', { class: 'sample' },
        sample.question ? h('p', {}, h('strong', {}, 'Question: '), sample.question) : null,
        sample.context ? h('p', {}, h('strong', {}, 'Context: '), sample.context) : null,
        sample.text ? h('p', { class: 'sample-text' }, sample.text) : null))));
}

/** Why a job cannot start from this model, per mode; null when it can. */
function jobBlocker(model, versions, mode, registry) {
  if (!can('contributor')) return needsRole('contributor');
  if (versionsWithFiles(versions).length === 0) return 'No version with files yet: import the model first.';
  if (tasksFor(model, mode, registry).length === 0) return noTaskReason(mode, registry);
  return null;
}

/** Evaluate and Fine-tune: links to their pages, or disabled buttons that say why. */
function jobButtons(model, versions, registry) {
  return [['evaluate', 'Evaluate'], ['finetune', 'Fine-tune']].map(([mode, label]) => {
    const why = jobBlocker(model, versions, mode, registry);
    if (!why) return h('a', { class: 'button', id: `${mode}-model`, href: `#/models/${encodeURIComponent(model.id)}/${mode}` }, label);
    // aria-disabled rather than disabled: the button stays focusable so its explanation can be read.
    return h('button', { type: 'button', class: 'button', id: `${mode}-model`, 'aria-disabled': 'true', title: why,
      'aria-describedby': `${mode}-why` }, label);
  });
}

function jobHint(model, versions, registry) {
  return ['evaluate', 'finetune'].map(mode => {
    const why = jobBlocker(model, versions, mode, registry);
    return why ? h('p', { id: `${mode}-why`, class: 'visually-hidden' }, why) : null;
  });
}

/** Deploy: a link to its page, or a disabled button that says why; nothing for viewers, who cannot deploy. */
function deployButton(model, versions, registry) {
  if (!can('contributor')) return null;
  const why = deployBlocker(model, versions, registry);
  if (!why) return h('a', { class: 'button', id: 'deploy-model', href: `#/models/${encodeURIComponent(model.id)}/deploy` }, 'Deploy');
  return h('button', { type: 'button', class: 'button', id: 'deploy-model', 'aria-disabled': 'true', title: why,
    'aria-describedby': 'deploy-why' }, 'Deploy');
}

function deployHint(model, versions, registry) {
  const why = can('contributor') ? deployBlocker(model, versions, registry) : null;
  return why ? h('p', { id: 'deploy-why', class: 'visually-hidden' }, why) : null;
}

/** The final test metrics of the jobs on this model's versions, loaded on their own. */
function metricsSection(model, registry) {
  const body = h('div', { id: 'model-metrics' }, h('p', { class: 'loading', role: 'status' }, 'Loading metrics…'));
  const load = () => modelMetrics(model.id).then(rows => {
    rows = rows ?? [];
    if (rows.length === 0) {
      replaceChildren(body, h('p', { class: 'muted', id: 'model-metrics-empty' }, model.source?.type === 'connection'
        ? 'No metrics yet. Run a bulk test of a flow that uses this model to see its scores here.'
        : 'No metrics yet. Evaluate the model, or register a fine-tuning of it, to see its scores here.'));
      return;
    }
    // One row per job (and bulk-test variant), with its metrics side by side.
    const jobs = new Map();
    for (const row of rows) {
      const key = `${row.jobId} ${row.variant ?? ''}`;
      if (!jobs.has(key)) jobs.set(key, { ...row, values: {} });
      jobs.get(key).values[row.name] = row.value;
    }
    const names = [...new Set(rows.map(r => r.name))].sort();
    const variants = rows.some(r => r.variant);
    replaceChildren(body, h('div', { class: 'table-scroll' }, h('table', { id: 'model-metrics-table' },
      h('thead', {}, h('tr', {}, ['Version', ...(variants ? ['Variant'] : []), 'Dataset', 'Task', ...names, 'Job', 'Compare']
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, [...jobs.values()].map(j => h('tr', {},
        h('td', {}, j.versionNumber ? `v${j.versionNumber}` : '—'),
        variants ? h('td', {}, j.variant ?? '—') : null,
        h('td', {}, j.datasetName ?? '—'),
        h('td', {}, j.task),
        names.map(n => h('td', { class: 'metric-value' }, formatMetric(j.values[n]))),
        h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(j.jobId)}` }, 'Job')),
        h('td', {}, j.datasetId ? h('a', { class: 'compare-link',
          href: `#/compare?${new URLSearchParams({ datasetId: j.datasetId, task: j.task, metric: compareMetric(j, registry) })}` },
        'Compare') : '—')))))));
  }).catch(error => replaceChildren(body, problemView(error, load)));
  load();
  return h('section', { 'aria-labelledby': 'metrics-heading' },
    h('div', { class: 'section-head' }, h('h2', { id: 'metrics-heading' }, 'Metrics'),
      h('a', { href: '#/compare', id: 'model-compare-link' }, 'Compare models on a dataset')),
    body);
}

/** The metric a job's Compare link ranks by: its task's headline metric when the job recorded it. */
function compareMetric(job, registry) {
  const recorded = Object.keys(job.values);
  const headline = registry.headlineMetric(job.task);
  return recorded.includes(headline) ? headline : recorded.sort()[0];
}

function versionsSection(model, versions) {
  const numbers = new Map(versions.map(v => [v.id, v.versionNumber]));
  return h('section', { 'aria-labelledby': 'versions-heading' },
    h('div', { class: 'section-head' }, h('h2', { id: 'versions-heading' }, 'Versions'),
      versions.length > 0 && can('contributor')
        ? h('a', { href: catalogExportUrl([model.id]), download: '', id: 'catalog-export-link',
          title: 'Every version with its files, lineage and metrics, as one archive to import on another ModelCat' },
        'Export for another site') : null),
    versions.length === 0
      ? h('p', { class: 'muted', id: 'versions-empty' }, 'No versions yet: the files arrive when the model is imported or fine-tuned.')
      : h('div', { class: 'table-scroll' }, h('table', { id: 'versions' },
        h('thead', {}, h('tr', {},
          ['Version', 'Source revision', 'Derived from', 'Lineage', 'Artifact', 'Notes', 'Created', 'Export']
            .map(title => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, [...versions].reverse().map(v => h('tr', { dataset: { version: v.versionNumber } },
          h('th', { scope: 'row' }, `v${v.versionNumber}`),
          h('td', {}, v.sourceRevision ? h('code', {}, v.sourceRevision) : '—'),
          h('td', { class: 'parent' }, parentView(v.parentVersionId, numbers)),
          h('td', {}, lineageView(v.lineage)),
          h('td', { class: 'artifact' }, v.artifactUri ? h('code', {}, v.artifactUri) : '—'),
          h('td', {}, v.notes || '—'),
          h('td', {}, dateView(v.createdAt)),
          h('td', {}, v.artifactUri && can('contributor') ? h('a', { class: 'export-link', href: versionArchiveUrl(model.id, v.versionNumber), download: '',
            'aria-label': `Export v${v.versionNumber} as a zip` }, 'Export') : h('span', { class: 'muted' }, '—'))))))));
}

function parentView(parentId, numbers) {
  if (!parentId) return '—';
  if (numbers.has(parentId)) return `v${numbers.get(parentId)}`;
  return h('span', { title: parentId }, 'another model’s version ', h('code', {}, parentId.slice(0, 8)));
}

function lineageView(lineage) {
  const entries = Object.entries(lineage ?? {});
  if (entries.length === 0) return '—';
  return h('dl', { class: 'lineage' }, entries.map(([key, value]) => [
    h('dt', {}, key),
    h('dd', {}, lineageValue(key, value)),
  ]));
}

/** A lineage value: the job as a link, flat objects (metrics, hyperparameters) as name = value lines. */
function lineageValue(key, value) {
  if (value === null || value === undefined) return '—';
  if (key === 'jobId' && typeof value === 'string') {
    return h('a', { href: `#/jobs/${encodeURIComponent(value)}` }, h('code', {}, value.slice(0, 8)));
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    return h('ul', { class: 'plain-list lineage-values' }, Object.entries(value).map(([name, inner]) =>
      h('li', {}, h('span', { class: 'muted' }, `${name} `),
        typeof inner === 'number' ? formatMetric(inner) : inner === null ? '—' : typeof inner === 'string' ? inner : JSON.stringify(inner))));
  }
  if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(value)) return h('code', { title: value }, value.slice(0, 8));
  return typeof value === 'string' ? value : JSON.stringify(value);
}
