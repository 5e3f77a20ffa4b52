-- PostgreSQL's migration 0010 drops the foreign keys from records to their branch and campaign, which cost it a
-- trigger per row. SQLite keeps them: dropping one means rebuilding the table, and its check is a lookup in the same
-- process's B-tree that costs next to nothing. Both dialects keep one version list, so this one is recorded too.
SELECT 1;
