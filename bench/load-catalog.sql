-- Loads :n synthetic model cards (default 100000; psql -v n=1000000 for a million) for the catalog benchmark.
-- Tasks, licences, fine-tuning tasks and tags are spread unevenly, as in a real catalog; names are unique.
-- A card's description is one sentence, or with -v readmes=true a Hugging Face style README of about 3 KB (a
-- heading, a banner, the sentence, details, usage code, a results table, limitations, a citation), as imported
-- cards have. Either way the stored excerpt is the sentence, as io.modelcat.store.model.CardExcerpt makes it.
-- (The README's lines after the first are continuations of one E'' string: their escapes are read too.)
\if :{?n}
\else
\set n 100000
\endif
\if :{?readmes}
\else
\set readmes false
\endif
-- Each attribute is drawn independently (hashed from the row number), with a skew like a real
-- catalog's: many text-generation and text-classification models, many apache-2.0 and mit ones.
INSERT INTO model (id, name, publisher, description, excerpt, task, finetuning_tasks, license, tags, library,
                   architecture, source_type, status)
SELECT gen_random_uuid(),
       name,
       'publisher-' || (h3 % 500),
       CASE WHEN :readmes THEN format(E'# %1$s\n\n'
           '<p align="center"><img src="https://example.org/banners/%1$s.png" alt="%1$s" width="320"></p>\n\n'
           '%2$s\n\n'
           '## Model details\n\n'
           '- **Developed by:** publisher-%3$s\n- **Model type:** %4$s\n- **Language(s):** English\n'
           '- **Fine-tuned on:** %5$s\n- **Training steps:** %6$s\n\n'
           '## Uses\n\n### Direct use\n\n'
           'The model is meant for %4$s over %5$s. It was tuned on examples of that kind of text and does best on '
           'inputs of a similar length and style; for other domains, evaluate it on a sample of your own data first, '
           'and fine-tune it further where its scores fall short of what your application needs.\n\n'
           '### Out-of-scope use\n\n'
           'Do not use it to make decisions about people without a human in the loop, to generate content that is '
           'presented as written by a person, or on languages and domains that its training data did not cover.\n\n'
           '## How to use\n\n'
           '```python\nfrom transformers import pipeline\n\n'
           'pipe = pipeline("%4$s", model="publisher-%3$s/%1$s")\n'
           'print(pipe("The service was quick and the staff were friendly."))\n```\n\n'
           '## Training data\n\n'
           'The training set holds %6$s0 examples of %5$s collected between 2019 and 2024, deduplicated and '
           'filtered for length. Ten per cent were held out for validation and another ten per cent for the test '
           'results below. Labels were checked by two annotators; where they disagreed, a third decided.\n\n'
           '## Evaluation\n\n'
           '| Metric | Validation | Test |\n|:--|--:|--:|\n| accuracy | 0.%7$s | 0.%8$s |\n'
           '| f1 (macro) | 0.%8$s | 0.%9$s |\n| loss | 0.%9$s | 0.%7$s |\n\n'
           '## Limitations and bias\n\n'
           'Like every model trained on text from the web, it reflects the biases of that text. Its scores were '
           'measured on held-out data of the same origin as its training data and will be lower on text from other '
           'sources. It has not been evaluated for fairness across groups of people.\n\n'
           '## Citation\n\n'
           '```bibtex\n@misc{%1$s,\n  title = {%1$s: a %4$s model},\n  author = {publisher-%3$s},\n'
           '  year = {2024},\n  howpublished = {\\url{https://example.org/%1$s}}\n}\n```\n',
           name, sentence, h3 % 500, task, corpus, 1000 + h2 % 9000, 80 + h6 % 19, 70 + h7 % 19, 60 + h8 % 19)
       ELSE sentence END,
       sentence,
       task,
       (ARRAY['{text-classification,token-classification}','{text-generation}','{question-answering}','{}'])[1 + h6 % 4]::text[],
       (ARRAY['apache-2.0','apache-2.0','apache-2.0','mit','mit','cc-by-4.0','cc-by-nc-4.0','openrail','llama2',
              'bsd-3-clause','gpl-3.0'])[1 + h7 % 11],
       ARRAY[(ARRAY['english','german','french','spanish','multilingual','chinese'])[1 + h8 % 6],
             (ARRAY['sentiment','ner','qa','chat','news','legal','medical','code','summarization'])[1 + h9 % 9]],
       'transformers',
       'BertForMaskedLM',
       'manual',
       'not_imported'
FROM (SELECT *,
             (ARRAY['bert','roberta','distilbert','gpt2','t5','bart','deberta','electra','albert','xlm'])[1 + h1 % 10]
                 || '-' || (ARRAY['base','large','small','tiny','mini'])[1 + h2 % 5] || '-' || i AS name,
             'Synthetic model number ' || i || ' for the catalog benchmark, trained on ' || corpus || '.' AS sentence
      FROM (SELECT *, (ARRAY['news','reviews','tweets','wikipedia','books','code','legal text','medical notes'])[1 + h4 % 8] AS corpus,
                   (ARRAY['text-generation','text-generation','text-generation','text-classification','text-classification',
                          'token-classification','question-answering','fill-mask','summarization','translation'])[1 + h5 % 10] AS task
      FROM (SELECT i, (hashint4(i) & 2147483647) AS h1, (hashint4(i + 1000003) & 2147483647) AS h2, (hashint4(i + 2000003) & 2147483647) AS h3,
             (hashint4(i + 3000017) & 2147483647) AS h4, (hashint4(i + 4000037) & 2147483647) AS h5, (hashint4(i + 5000011) & 2147483647) AS h6,
             (hashint4(i + 6000001) & 2147483647) AS h7, (hashint4(i + 7000003) & 2147483647) AS h8, (hashint4(i + 8000009) & 2147483647) AS h9
      FROM generate_series(1, :n) AS i) AS h) AS t) AS g;
VACUUM ANALYZE model;
VACUUM ANALYZE model_search;
