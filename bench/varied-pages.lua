-- wrk script: each request asks for another list page (task x licence x sort x page size: 7 x 8 x 5 x 100
-- combinations), so that most requests find no recently served page and read the database.
local tasks = {"text-classification", "token-classification", "question-answering", "fill-mask",
  "summarization", "translation", "text-generation"}
local licenses = {"apache-2.0", "mit", "cc-by-4.0", "cc-by-nc-4.0", "bsd-3-clause", "llama2", "openrail", "gpl-3.0"}
local sorts = {"name", "-name", "createdAt", "-updatedAt", "updatedAt"}

request = function()
  local path = "/api/v1/models?facets=false&task=" .. tasks[math.random(#tasks)]
    .. "&license=" .. licenses[math.random(#licenses)] .. "&sort=" .. sorts[math.random(#sorts)]
    .. "&limit=" .. math.random(100)
  return wrk.format("GET", path)
end
