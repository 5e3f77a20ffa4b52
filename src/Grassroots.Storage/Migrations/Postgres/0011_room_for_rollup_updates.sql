-- The rollup tables are rewritten far more than they grow: every record written adds to its county's day, every branch
-- registered to its county's count, every talk to its honorees' figures, each as an UPDATE of one row that makes a new
-- version of it. Packed full (fillfactor 100, the default), a page has no room for that version, so it goes to another
-- page and every index gets a new entry pointing at it. With room left on each page the new version stays on its page
-- and no index is touched (a heap-only tuple), and pruning reclaims the old versions on the page as it goes. Measured on
-- a chunk of 3,000 county days (docs/benchmarks.md, issue 25): the batch's upsert took about half the time.
--
-- Expand-only (docs/operations.md, "Rolling upgrades"): it changes a storage parameter, taking a lock that lets reads
-- and writes go on, and nothing the release before it does. Pages written from now on keep the room; pages written
-- before keep none until the table is rewritten (VACUUM FULL, at a quiet hour: it locks the table), which a database
-- whose rollup tables are small compared with its records rarely needs.
ALTER TABLE county_days SET (fillfactor = 70);
ALTER TABLE county_branches SET (fillfactor = 70);
ALTER TABLE honoree_rollups SET (fillfactor = 70);
ALTER TABLE shards SET (fillfactor = 70);
