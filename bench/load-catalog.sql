-- Loads :n synthetic model cards (default 100000; psql -v n=1000000 for a million) for the catalog benchmark.
-- Tasks, licences, fine-tuning tasks and tags are spread unevenly, as in a real catalog; names are unique.
\if :{?n}
\else
\set n 100000
\endif
-- Each attribute is drawn independently (hashed from the row number), with a skew like a real
-- catalog's: many text-generation and text-classification models, many apache-2.0 and mit ones.
INSERT INTO model (id, name, publisher, description, task, finetuning_tasks, license, tags, library,
                   architecture, source_type, status)
SELECT gen_random_uuid(),
       (ARRAY['bert','roberta','distilbert','gpt2','t5','bart','deberta','electra','albert','xlm'])[1 + h1 % 10]
           || '-' || (ARRAY['base','large','small','tiny','mini'])[1 + h2 % 5] || '-' || i,
       'publisher-' || (h3 % 500),
       'Synthetic model number ' || i || ' for the catalog benchmark, trained on '
           || (ARRAY['news','reviews','tweets','wikipedia','books','code','legal text','medical notes'])[1 + h4 % 8] || '.',
       (ARRAY['text-generation','text-generation','text-generation','text-classification','text-classification',
              'token-classification','question-answering','fill-mask','summarization','translation'])[1 + h5 % 10],
       (ARRAY['{text-classification,token-classification}','{text-generation}','{question-answering}','{}'])[1 + h6 % 4]::text[],
       (ARRAY['apache-2.0','apache-2.0','apache-2.0','mit','mit','cc-by-4.0','cc-by-nc-4.0','openrail','llama2',
              'bsd-3-clause','gpl-3.0'])[1 + h7 % 11],
       ARRAY[(ARRAY['english','german','french','spanish','multilingual','chinese'])[1 + h8 % 6],
             (ARRAY['sentiment','ner','qa','chat','news','legal','medical','code','summarization'])[1 + h9 % 9]],
       'transformers',
       'BertForMaskedLM',
       'manual',
       'not_imported'
FROM (SELECT i, (hashint4(i) & 2147483647) AS h1, (hashint4(i + 1000003) & 2147483647) AS h2, (hashint4(i + 2000003) & 2147483647) AS h3,
             (hashint4(i + 3000017) & 2147483647) AS h4, (hashint4(i + 4000037) & 2147483647) AS h5, (hashint4(i + 5000011) & 2147483647) AS h6,
             (hashint4(i + 6000001) & 2147483647) AS h7, (hashint4(i + 7000003) & 2147483647) AS h8, (hashint4(i + 8000009) & 2147483647) AS h9
      FROM generate_series(1, :n) AS i) AS g;
VACUUM ANALYZE model;
VACUUM ANALYZE model_search;
