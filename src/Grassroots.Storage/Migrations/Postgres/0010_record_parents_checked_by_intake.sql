-- A record's branch and campaign are checked by the record intake before anything is written (src/Grassroots.Domain/
-- Records/RecordIntake.cs: an unknown branch or campaign is a 400 naming the field), and no branch or campaign is ever
-- deleted, so these foreign keys only checked again what was checked already — once per row, as a trigger that looks
-- the parent up and locks it. Profiled on an import's chunk of 5,000 new study sessions, the two triggers were two
-- thirds of the time PostgreSQL spent inserting them (docs/benchmarks.md, issue 25), and the whole federation's load
-- runs them ten million times.
--
-- Expand-only (docs/operations.md, "Rolling upgrades"): it only lets through rows that the release before it checks
-- itself, so that release runs on a schema without them.
ALTER TABLE study_sessions DROP CONSTRAINT study_sessions_branch_id_fkey;
ALTER TABLE study_sessions DROP CONSTRAINT study_sessions_campaign_id_fkey;
ALTER TABLE honoree_talks DROP CONSTRAINT honoree_talks_branch_id_fkey;
ALTER TABLE honoree_talks DROP CONSTRAINT honoree_talks_campaign_id_fkey;
ALTER TABLE publicity_items DROP CONSTRAINT publicity_items_branch_id_fkey;
ALTER TABLE publicity_items DROP CONSTRAINT publicity_items_campaign_id_fkey;
