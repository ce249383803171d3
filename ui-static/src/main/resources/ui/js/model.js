// The model card page: header, Markdown description, details, source, sample inputs and versions with lineage.
import { getModel, listVersions } from './api.js';
import { dateView, h, replaceChildren, problemView, statusBadge, taskBadge } from './dom.js';
import { openImportDialog } from './importdialog.js';
import { renderMarkdown } from './markdown.js';

const HUB = 'https://huggingface.co/';
const HUB_REPO = /^[\w.-]+(\/[\w.-]+)?$/;

const COMING_SOON = [
  ['Evaluate', 'Coming soon: run an evaluation job on a dataset and compare metrics.'],
  ['Fine-tune', 'Coming soon: fine-tune this model on your data as a new version.'],
];

/** Mounts the page of model `id` into `root`, with a link back to `catalogHash`; returns { unmount() }. */
export function mountModel(root, id, catalogHash = '#/') {
  let active = true;
  function load() {
    document.title = 'Model · ModelCat';
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading model…'));
    Promise.all([getModel(id), listVersions(id)])
      .then(([model, versions]) => {
        if (active) render(root, model, versions, catalogHash, () => { if (active) load(); });
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
  if (source?.type === 'huggingface' && source.repo && (model.status === 'not_imported' || model.status === 'failed')) {
    return h('button', { type: 'button', class: 'button primary', id: 'import-model',
      onclick: () => openImportDialog({ modelId: source.repo, revision: source.revision ?? '', onClose: reload }) },
    model.status === 'failed' ? 'Retry import' : 'Import');
  }
  const why = source?.type !== 'huggingface' ? 'Only models from the Hugging Face Hub can be imported.'
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

function render(root, model, versions, catalogHash, reload) {
  document.title = `${model.name} · ModelCat`;
  const description = h('div', { class: 'markdown', id: 'description' });
  // renderMarkdown escapes all source text before it adds its own tags: safe to assign as HTML.
  description.innerHTML = model.description?.trim()
    ? renderMarkdown(model.description, { topHeadingLevel: 3 })
    : '<p class="muted">No description.</p>';

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
      h('div', { class: 'actions' }, h('div', { class: 'action-buttons' }, importButton(model, reload), COMING_SOON.map(([label, title]) =>
        // aria-disabled rather than disabled: the button stays focusable so its explanation can be read.
        h('button', { type: 'button', class: 'button', 'aria-disabled': 'true', title, 'aria-describedby': 'coming-soon' }, label))),
      importHint(model),
      h('p', { id: 'coming-soon', class: 'coming-soon muted' }, 'Evaluation and fine-tuning are coming soon.'))),
    h('div', { class: 'model-body' },
      h('div', { class: 'model-main' },
        h('section', { 'aria-labelledby': 'description-heading' },
          h('h2', { id: 'description-heading' }, 'Description'), description),
        samplesSection(model.samples ?? []),
        versionsSection(versions ?? [])),
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
      row('Source', sourceView(model.source)),
      row('Versions', String(model.versionCount ?? 0)),
      row('Created', dateView(model.createdAt)),
      row('Updated', dateView(model.updatedAt))));
}

function sourceView(source) {
  if (!source) return '—';
  if (source.type === 'huggingface' && source.repo) {
    const link = HUB_REPO.test(source.repo)
      ? h('a', { id: 'hub-link', href: HUB + source.repo.split('/').map(encodeURIComponent).join('/'),
        rel: 'noopener noreferrer', target: '_blank' }, source.repo)
      : h('code', {}, source.repo);
    return h('span', {}, 'Hugging Face Hub: ', link,
      source.revision ? h('span', { class: 'muted' }, ' @ ', h('code', {}, source.revision)) : null);
  }
  if (source.type === 'finetuned') return 'Fine-tuned in ModelCat';
  return source.type === 'manual' ? 'Added by hand' : source.type;
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

function versionsSection(versions) {
  const numbers = new Map(versions.map(v => [v.id, v.versionNumber]));
  return h('section', { 'aria-labelledby': 'versions-heading' },
    h('h2', { id: 'versions-heading' }, 'Versions'),
    versions.length === 0
      ? h('p', { class: 'muted' }, 'No versions yet: the files arrive when the model is imported or fine-tuned.')
      : h('div', { class: 'table-scroll' }, h('table', { id: 'versions' },
        h('thead', {}, h('tr', {},
          ['Version', 'Source revision', 'Derived from', 'Lineage', 'Artifact', 'Notes', 'Created']
            .map(title => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, [...versions].reverse().map(v => h('tr', { dataset: { version: v.versionNumber } },
          h('th', { scope: 'row' }, `v${v.versionNumber}`),
          h('td', {}, v.sourceRevision ? h('code', {}, v.sourceRevision) : '—'),
          h('td', { class: 'parent' }, parentView(v.parentVersionId, numbers)),
          h('td', {}, lineageView(v.lineage)),
          h('td', { class: 'artifact' }, v.artifactUri ? h('code', {}, v.artifactUri) : '—'),
          h('td', {}, v.notes || '—'),
          h('td', {}, dateView(v.createdAt))))))));
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
    h('dd', {}, typeof value === 'string' ? value : JSON.stringify(value)),
  ]));
}
