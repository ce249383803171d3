// "Use from Python" on a model card: the lines that load the model through ModelCat's Hub API (/hub) by the
// repository id the service gives it (model.hubRepoId). Shown to contributors, who may download models.
import { h } from './dom.js';
import { can } from './session.js';

/** The section, or null when the caller may not download or the model has no version with files. */
export function hubSection(model, versions) {
  if (!can('contributor') || !model.hubRepoId || !versions.some(v => v.artifactUri)) return null;
  const endpoint = new URL('hub', document.baseURI).href;
  return h('section', { 'aria-labelledby': 'hub-heading' },
    h('h2', { id: 'hub-heading' }, 'Use from Python'),
    h('p', { class: 'muted' }, 'huggingface_hub and transformers load it from this catalog as from the Hub, as ',
      h('code', { id: 'hub-repo-id' }, model.hubRepoId), ' (the newest version; ', h('code', {}, 'revision="v1"'),
      ' for another).'),
    h('pre', { class: 'code-block', id: 'hub-snippet' },
      `import os\nos.environ["HF_ENDPOINT"] = "${endpoint}"\n`
      + 'os.environ["HF_TOKEN"] = "mc_pat_..."   # your API token (Account page)\n'
      + loadLines(model, versions)));
}

// peft's class for an adapter of each task; a LoRA adapter is served as a PEFT repository naming its base.
const PEFT_CLASSES = { 'text-generation': 'AutoPeftModelForCausalLM', 'text-classification': 'AutoPeftModelForSequenceClassification',
  'token-classification': 'AutoPeftModelForTokenClassification', 'question-answering': 'AutoPeftModelForQuestionAnswering' };
// Tasks whose adapter carries a head trained on the fine-tune's own labels.
const LABELLED = ['text-classification', 'token-classification'];

/**
 * transformers' lines, or peft's when the newest version is a LoRA adapter (fine-tuned with loraRank, not merged into
 * a whole model with loraMerge).
 */
function loadLines(model, versions) {
  const newest = versions.filter(v => v.artifactUri).reduce((a, b) => (b.versionNumber > a.versionNumber ? b : a));
  const hyperparameters = newest.lineage?.hyperparameters;
  if (hyperparameters?.loraRank && !hyperparameters.loraMerge) {
    const peftClass = PEFT_CLASSES[model.task] || 'AutoPeftModel';
    const imports = `from peft import ${peftClass}   # the LoRA adapter, with its base model from this catalog too\n`;
    if (LABELLED.includes(model.task)) {
      // peft keeps no labels: the head's are in the config.json beside the adapter (docs/ml-jobs.md).
      return imports + 'from transformers import AutoConfig\n'
        + `tuned = AutoConfig.from_pretrained("${model.hubRepoId}")   # the fine-tune's labels\n`
        + `model = ${peftClass}.from_pretrained("${model.hubRepoId}", id2label=tuned.id2label,\n`
        + '    label2id=tuned.label2id, ignore_mismatched_sizes=True)';
    }
    return imports + `model = ${peftClass}.from_pretrained("${model.hubRepoId}")`;
  }
  return `from transformers import AutoModel\nmodel = AutoModel.from_pretrained("${model.hubRepoId}")`;
}
