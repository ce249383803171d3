-- Loads :n synthetic model cards (default 100000) for the catalog benchmark. Tasks, licences,
-- fine-tuning tasks and tags are spread unevenly, as in a real catalog; names are unique.
\set n 100000
INSERT INTO model (id, name, publisher, description, task, finetuning_tasks, license, tags, library,
                   architecture, source_type, status)
SELECT gen_random_uuid(),
       (ARRAY['bert','roberta','distilbert','gpt2','t5','bart','deberta','electra','albert','xlm'])[1 + i % 10]
           || '-' || (ARRAY['base','large','small','tiny','mini'])[1 + (i / 10) % 5] || '-' || i,
       'publisher-' || (i % 500),
       'Synthetic model number ' || i || ' for the catalog benchmark, trained on '
           || (ARRAY['news','reviews','tweets','wikipedia','books','code','legal text','medical notes'])[1 + i % 8] || '.',
       (ARRAY['text-classification','token-classification','question-answering','fill-mask',
              'summarization','translation','text-generation'])[1 + (i * 7 / 11) % 7],
       CASE i % 4 WHEN 0 THEN '{text-classification,token-classification}'::text[]
                  WHEN 1 THEN '{text-generation}'::text[]
                  WHEN 2 THEN '{question-answering}'::text[]
                  ELSE '{}'::text[] END,
       (ARRAY['apache-2.0','mit','cc-by-4.0','cc-by-nc-4.0','openrail','llama2','bsd-3-clause','gpl-3.0'])[1 + (i * 13 / 7) % 8],
       ARRAY[(ARRAY['english','german','french','spanish','multilingual','chinese'])[1 + i % 6],
             (ARRAY['sentiment','ner','qa','chat','news','legal','medical','code','summarization'])[1 + i % 9]],
       'transformers',
       'BertForMaskedLM',
       'manual',
       'not_imported'
FROM generate_series(1, :n) AS i;
ANALYZE model;
