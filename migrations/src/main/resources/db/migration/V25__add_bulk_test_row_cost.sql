-- A bulk test row's estimated cost in USD: the sum of its calls' costs at their connections' prices (null when no
-- call had a price).
ALTER TABLE bulk_test_row ADD COLUMN cost_usd numeric(20, 10);
