// Ready-to-paste calls of an endpoint: the example request body of each task, and snippets for curl, Python's
// requests, the OpenAI SDK and LangChain. Plain strings, no DOM: the endpoint page shows them as text.

/**
 * The example request body of a task, in the shape docs/deployments.md lists for it; a flow deployment's (`task`
 * prompt-flow) is an object of its flow's inputs (docs/flows.md).
 */
export function exampleRequest(task, deployment) {
  switch (task) {
    case 'prompt-flow':
      return Object.fromEntries((deployment?.flow?.inputs ?? []).map(input => [input, `your ${input}`]));
    case 'question-answering':
      return { input_data: { question: 'Where is the tower?', context: 'The tower is in Paris.' } };
    case 'token-classification':
      return { input_data: ['My name is Clara and I live in Berkeley.'] };
    case 'fill-mask':
      return { input_data: ['Paris is the [MASK] of France.'] };
    case 'text-generation':
      return { inputs: { input_string: ['Once upon a time'] }, parameters: { max_new_tokens: 20 } };
    case 'summarization':
      return { inputs: ['The tower is 324 metres tall, about the same height as an 81-storey building, and the '
        + 'tallest structure in Paris. It was the first structure to reach a height of 300 metres.'],
        parameters: { max_new_tokens: 60, num_beams: 4 } };
    case 'translation':
      return { inputs: ['The house is wonderful.'], parameters: { max_new_tokens: 60 } };
    default:
      return { input_data: ['I love this'] };
  }
}

/** The example as the Test tab's editor starts with it. */
export function exampleText(task, deployment) {
  return JSON.stringify(exampleRequest(task, deployment), null, 2);
}

/** A JSON value as a Python literal: true, false and null become True, False and None. */
export function pythonLiteral(value) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value); // a valid Python string literal
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`).join(', ')}}`;
}

/** A string as one shell word in single quotes. */
export function shellQuote(text) {
  return `'${String(text).replace(/'/g, `'\\''`)}'`;
}

/** The environment variable the snippets read the credential from. */
export function credentialVariable(endpoint) {
  return endpoint.authMode === 'token' ? 'MODELCAT_TOKEN' : 'ENDPOINT_KEY';
}

/** The first text-generation deployment, preferring the one with traffic: the OpenAI and LangChain snippets call it. */
function generator(endpoint, served) {
  return served?.task === 'text-generation' ? served
    : (endpoint.deployments ?? []).find(d => d.task === 'text-generation');
}

/** A summarization or translation deployment, preferring the one with traffic: OpenAI's completions serve it too. */
function textToText(endpoint, served) {
  const isTextToText = d => d?.task === 'summarization' || d?.task === 'translation';
  return isTextToText(served) ? served : (endpoint.deployments ?? []).find(isTextToText);
}

/**
 * The snippets for an endpoint, the request shaped for the task of `served` (the deployment that answers by
 * default): [{ id, title, install, code }]. OpenAI and LangChain come with a text-generation deployment; OpenAI's
 * completions (not streamed: these models search) with a summarization or translation one.
 */
export function snippets(endpoint, served) {
  const variable = credentialVariable(endpoint);
  const example = exampleRequest(served?.task, served);
  const list = [
    { id: 'curl', title: 'curl', install: null, code: [
      `curl -sS ${shellQuote(endpoint.scoringUri)} \\`,
      `  -H "Authorization: Bearer $${variable}" \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d ${shellQuote(JSON.stringify(example))}`,
    ].join('\n') },
    { id: 'python', title: 'Python (requests)', install: 'pip install requests', code: [
      'import os',
      '',
      'import requests',
      '',
      'response = requests.post(',
      `    ${JSON.stringify(endpoint.scoringUri)},`,
      `    headers={"Authorization": f"Bearer {os.environ['${variable}']}"},`,
      `    json=${pythonLiteral(example)},`,
      '    timeout=30,',
      ')',
      'response.raise_for_status()',
      'print(response.headers.get("azureml-model-deployment"), response.json())',
    ].join('\n') },
  ];
  const writer = generator(endpoint, served);
  if (writer) {
    list.push({ id: 'openai', title: 'OpenAI SDK', install: 'pip install openai', code: [
      'import os',
      '',
      'from openai import OpenAI',
      '',
      `client = OpenAI(base_url=${JSON.stringify(endpoint.openaiBaseUrl)}, api_key=os.environ["${variable}"])`,
      `completion = client.completions.create(model=${JSON.stringify(writer.name)}, prompt="Once upon a time", max_tokens=20)`,
      'print(completion.choices[0].text)',
      '',
      '# Token by token (chat.completions.create(messages=[...]) streams alike, for models with a chat template)',
      `for chunk in client.completions.create(model=${JSON.stringify(writer.name)}, prompt="Once upon a time", max_tokens=20, stream=True):`,
      '    print(chunk.choices[0].text, end="", flush=True)',
    ].join('\n') });
    list.push({ id: 'langchain', title: 'LangChain', install: 'pip install langchain-community', code:
      langchainSnippet(endpoint, writer, variable) });
  }
  const summarizer = writer ? null : textToText(endpoint, served);
  if (summarizer) {
    const text = summarizer.task === 'translation' ? 'The house is wonderful.' : 'The tower is 324 metres tall ...';
    list.push({ id: 'openai', title: 'OpenAI SDK', install: 'pip install openai', code: [
      'import os',
      '',
      'from openai import OpenAI',
      '',
      `client = OpenAI(base_url=${JSON.stringify(endpoint.openaiBaseUrl)}, api_key=os.environ["${variable}"])`,
      `# The ${summarizer.task} of each prompt, with the model's own search (no streaming, no sampling)`,
      `completion = client.completions.create(model=${JSON.stringify(summarizer.name)}, prompt=${JSON.stringify(text)}, max_tokens=60)`,
      'print(completion.choices[0].text)',
    ].join('\n') });
  }
  return list;
}

/**
 * LangChain's AzureMLOnlineEndpoint wants the URL's path to be exactly /score: a key-mode endpoint has such a URL
 * (its keyScoringUri, where the key names the endpoint); with a personal token the client's URL is set after
 * LangChain's check. The API type goes in as a string: LangChain refuses the enum member it reads back as text.
 */
function langchainSnippet(endpoint, writer, variable) {
  const keyed = Boolean(endpoint.keyScoringUri);
  return [
    'import os',
    '',
    'from langchain_community.llms.azureml_endpoint import AzureMLOnlineEndpoint, GPT2ContentFormatter',
    '',
    'llm = AzureMLOnlineEndpoint(',
    keyed ? `    endpoint_url=${JSON.stringify(endpoint.keyScoringUri)},  # the key names the endpoint`
      : `    endpoint_url=${JSON.stringify(new URL('/score', endpoint.scoringUri).href)},  # replaced below`,
    '    endpoint_api_type="dedicated",',
    `    endpoint_api_key=os.environ["${variable}"],`,
    `    deployment_name=${JSON.stringify(writer.name)},  # leave out to follow the traffic split`,
    '    content_formatter=GPT2ContentFormatter(),',
    '    model_kwargs={"max_new_tokens": 20},',
    ')',
    ...(keyed ? [] : [
      '# A personal token names no endpoint: LangChain accepts only a /score path, so the URL is set after its check',
      `llm.http_client.endpoint_url = ${JSON.stringify(endpoint.scoringUri)}`,
    ]),
    'print(llm.invoke("Once upon a time"))',
  ].join('\n');
}
