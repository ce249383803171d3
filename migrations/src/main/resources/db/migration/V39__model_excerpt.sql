-- A card's excerpt: the first text of its Markdown description as one plain line of at most 160 characters
-- (io.modelcat.store.model.CardExcerpt, which reads Markdown as CommonMark does), written with the description.
-- List pages carry it instead of the description, which is often a whole Hugging Face README of many kilobytes
-- that the catalog's cards never show. NULL where the card was written before this column (or by hand in SQL):
-- the service then makes the excerpt from the description when it reads the card.
ALTER TABLE model ADD COLUMN excerpt text;
