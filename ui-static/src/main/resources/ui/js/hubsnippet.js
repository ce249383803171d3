// "Use from Python" on a model card: the lines that load the model through ModelCat's Hub API (/hub). The service
// writes them (GET /api/v1/models/{id}/python: transformers' for a whole model, peft's for a LoRA adapter); this page
// adds where the Hub API is. Shown to contributors, who may download models.
import { modelPython } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { can } from './session.js';

/** The section, or null when the caller may not download or the model has no version with files on this server. */
export function hubSection(model, versions) {
  if (!can('contributor') || !model.hubRepoId || !versions.some(v => v.artifactUri?.startsWith('file:'))) return null;
  const endpoint = new URL('hub', document.baseURI).href;
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  modelPython(model.id).then(answer => replaceChildren(body, ...lines(answer, endpoint)),
    error => replaceChildren(body, problemView(error)));
  return h('section', { 'aria-labelledby': 'hub-heading' }, h('h2', { id: 'hub-heading' }, 'Use from Python'), body);
}

function lines(answer, endpoint) {
  return [
    h('p', { class: 'muted' }, `${answer.library} loads it from this catalog as from the Hub, as `,
      h('code', { id: 'hub-repo-id' }, answer.repoId), ` (version ${answer.versionNumber}, the newest with files; `,
      h('code', {}, 'revision="v1"'), ' for another).'),
    h('pre', { class: 'code-block', id: 'hub-snippet' },
      `import os\nos.environ["HF_ENDPOINT"] = "${endpoint}"\n`
      + 'os.environ["HF_TOKEN"] = "mc_pat_..."   # your API token (Account page)\n\n'
      + answer.python)];
}
