-- wrk script for MLflow's registered-model search, the counterpart of bench/varied-pages.lua: each request asks
-- for another page (task x licence x order x page size: 7 x 8 x 5 x 100 combinations), so that most requests read
-- the database. Task and licence are MLflow tags (bench/catalog-vs-mlflow.sh copies them so). MLflow cannot order
-- registered models by creation time, so ModelCat's "createdAt" becomes last_updated_timestamp ASC here.
local tasks = {"text-classification", "token-classification", "question-answering", "fill-mask",
  "summarization", "translation", "text-generation"}
local licenses = {"apache-2.0", "mit", "cc-by-4.0", "cc-by-nc-4.0", "bsd-3-clause", "llama2", "openrail", "gpl-3.0"}
local orders = {"name ASC", "name DESC", "last_updated_timestamp ASC", "last_updated_timestamp DESC",
  "last_updated_timestamp ASC"}

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- Encoded once: the filter for each task x licence pair, and each order.
local filters = {}
for _, task in ipairs(tasks) do
  for _, license in ipairs(licenses) do
    filters[#filters + 1] = encode("tags.task = '" .. task .. "' AND tags.license = '" .. license .. "'")
  end
end
for i, order in ipairs(orders) do
  orders[i] = encode(order)
end

request = function()
  local path = "/api/2.0/mlflow/registered-models/search?filter=" .. filters[math.random(#filters)]
    .. "&order_by=" .. orders[math.random(#orders)] .. "&max_results=" .. math.random(100)
  return wrk.format("GET", path)
end
