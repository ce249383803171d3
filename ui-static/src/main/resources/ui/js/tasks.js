// The task registry (GET /api/v1/tasks), the one source of what the UI knows about tasks: which jobs the
// engine runs for each, the dataset inputs a column mapping fills, the metrics with the way each improves,
// what sample inference takes, and the settings of evaluations and fine-tunes with their defaults and limits.
// Fetched once and shared by every page; a failed fetch is forgotten, so the next page asks again.
import { getTaskRegistry } from './api.js';

let loading = null;

/** The registry, loaded on first use: a promise of a TaskRegistry. */
export function loadTaskRegistry() {
  loading ??= getTaskRegistry().then(raw => new TaskRegistry(raw), error => {
    loading = null;
    throw error;
  });
  return loading;
}

/** The registry as served, with look-ups by name. */
export class TaskRegistry {
  constructor(raw) {
    this.tasks = raw?.tasks ?? [];
    this.hyperparameters = raw?.hyperparameters ?? [];
    this.evaluationSettings = raw?.evaluationSettings ?? [];
    this.batchScoreSettings = raw?.batchScoreSettings ?? [];
    this.trainingSeries = raw?.trainingSeries ?? [];
    this.byName = new Map(this.tasks.map(task => [task.name, task]));
  }

  /** The task called `name`, or undefined. */
  task(name) {
    return this.byName.get(name);
  }

  /** Whether the engine runs jobs of `kind` ('evaluate', 'finetune', 'predict') for task `name`. */
  runs(name, kind) {
    return this.task(name)?.jobKinds?.includes(kind) ?? false;
  }

  /** Whether online endpoints (deployments) serve task `name`. */
  served(name) {
    return this.task(name)?.servedByEndpoints ?? false;
  }

  /** The names of the tasks online endpoints serve, in the registry's order. */
  serving() {
    return this.tasks.filter(task => task.servedByEndpoints).map(task => task.name);
  }

  /** The names of the tasks the engine runs jobs of `kind` for, in the registry's order. */
  running(kind) {
    return this.tasks.filter(task => task.jobKinds?.includes(kind)).map(task => task.name);
  }

  /** The metrics an evaluation of task `name` records, in display order. */
  metricsOf(name) {
    return this.task(name)?.metrics ?? [];
  }

  /** The metric a task is ranked by unless the reader chooses another: the one early stopping watches. */
  headlineMetric(name) {
    return this.task(name)?.earlyStoppingMetric ?? this.metricsOf(name)[0]?.name;
  }

  /** A metric by name, from any task or the training series, or undefined. */
  metric(name) {
    return this.tasks.flatMap(task => task.metrics ?? []).concat(this.trainingSeries).find(m => m.name === name);
  }
}

/** A setting's name as a label: 'maxSequenceLength' gives 'Max sequence length'. */
export function settingLabel(name) {
  const words = String(name).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A sentence from the registry's wording: 'passes over the data; …' gives 'Passes over the data; ….' */
export function sentence(text) {
  const value = String(text ?? '').trim();
  if (!value) return '';
  return `${value.charAt(0).toUpperCase()}${value.slice(1)}${/[.!?]$/.test(value) ? '' : '.'}`;
}

/** The attributes of a number input for a setting: its default as the value, its limits where they include the bound. */
export function settingInput(setting) {
  const attributes = {
    value: setting.default === undefined || setting.default === null ? '' : String(setting.default),
    step: setting.type === 'integer' ? '1' : 'any',
  };
  // min and max include their bound; an excluded one (learning rate over 0) is left to the API's check.
  if (typeof setting.minimum === 'number' && !setting.minimumExcluded) attributes.min = String(setting.minimum);
  if (typeof setting.maximum === 'number' && !setting.maximumExcluded) attributes.max = String(setting.maximum);
  return attributes;
}
