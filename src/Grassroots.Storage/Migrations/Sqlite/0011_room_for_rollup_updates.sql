-- PostgreSQL's migration 0011 leaves room on the rollup tables' pages for the new versions their updates make. SQLite
-- updates a row in place in its B-tree and has no such setting. Both dialects keep one version list, so this one is
-- recorded too.
SELECT 1;
