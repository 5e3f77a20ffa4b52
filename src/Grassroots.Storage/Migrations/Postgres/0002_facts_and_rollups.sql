-- GB/T 2260 divisions: CN, provinces, cities, counties.
CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code)
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE campaigns (
    campaign_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);

-- Branches (基层工会), registered against a county-level region.
CREATE TABLE branches (
    branch_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    sector TEXT,
    member_count INTEGER NOT NULL,
    kind TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX branches_region ON branches (region_code);

CREATE TABLE honorees (
    honoree_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    gender TEXT,
    ethnicity TEXT,
    title TEXT NOT NULL,
    honored_year INTEGER,
    employer TEXT,
    province_code TEXT NOT NULL REFERENCES regions (code),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);

-- Records keep region_code: the county the branch was registered under when the record was first logged.
CREATE TABLE study_sessions (
    branch_id TEXT NOT NULL REFERENCES branches (branch_id),
    session_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (campaign_id),
    region_code TEXT NOT NULL,
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    format TEXT NOT NULL,
    kind TEXT,
    attendees INTEGER NOT NULL,
    frontline INTEGER,
    youth INTEGER,
    women INTEGER,
    online_views INTEGER,
    notes TEXT,
    voided BOOLEAN NOT NULL,
    void_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (branch_id, session_id)
);
CREATE INDEX study_sessions_campaign ON study_sessions (campaign_id, region_code, held_on);

CREATE TABLE honoree_talks (
    branch_id TEXT NOT NULL REFERENCES branches (branch_id),
    talk_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (campaign_id),
    region_code TEXT NOT NULL,
    title TEXT,
    held_on DATE NOT NULL,
    venue TEXT NOT NULL,
    format TEXT NOT NULL,
    audience INTEGER NOT NULL,
    online_views INTEGER,
    voided BOOLEAN NOT NULL,
    void_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (branch_id, talk_id)
);
CREATE INDEX honoree_talks_campaign ON honoree_talks (campaign_id, region_code, held_on);

CREATE TABLE talk_honorees (
    branch_id TEXT NOT NULL,
    talk_id TEXT NOT NULL,
    honoree_id TEXT NOT NULL REFERENCES honorees (honoree_id),
    PRIMARY KEY (branch_id, talk_id, honoree_id)
);
CREATE INDEX talk_honorees_honoree ON talk_honorees (honoree_id);

CREATE TABLE publicity_items (
    branch_id TEXT NOT NULL REFERENCES branches (branch_id),
    item_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (campaign_id),
    region_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    outlet TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    published_on DATE NOT NULL,
    reach INTEGER,
    voided BOOLEAN NOT NULL,
    void_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (branch_id, item_id)
);
CREATE INDEX publicity_items_campaign ON publicity_items (campaign_id, region_code, published_on);

-- Append-only: who changed what, when, with the record before and after (JSON text).
CREATE TABLE change_log (
    change_id BIGSERIAL PRIMARY KEY,
    changed_at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX change_log_entity ON change_log (entity, entity_key);

-- Per branch and campaign: the date and county of its earliest non-voided record (NULL when none).
CREATE TABLE branch_activity (
    branch_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    first_on DATE,
    region_code TEXT,
    version BIGINT NOT NULL,
    PRIMARY KEY (branch_id, campaign_id)
);

-- Pre-aggregated figures per writer shard, region, campaign and day. day = 0001-01-01 is the row for the
-- whole campaign; campaign_id = '*' carries registered branches. Readers sum over shards.
CREATE TABLE region_rollups (
    shard TEXT NOT NULL,
    region_code TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    day DATE NOT NULL,
    study_sessions BIGINT NOT NULL,
    attendance BIGINT NOT NULL,
    frontline BIGINT NOT NULL,
    youth BIGINT NOT NULL,
    women BIGINT NOT NULL,
    honoree_talks BIGINT NOT NULL,
    talk_audience BIGINT NOT NULL,
    online_views BIGINT NOT NULL,
    publicity_items BIGINT NOT NULL,
    publicity_reach BIGINT NOT NULL,
    active_branches BIGINT NOT NULL,
    registered_branches BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (shard, region_code, campaign_id, day)
);
CREATE INDEX region_rollups_region ON region_rollups (region_code, campaign_id);
CREATE INDEX region_rollups_seq ON region_rollups (shard, seq);

-- Honoree figures per writer shard, honoree, campaign and the province where the talk was held.
CREATE TABLE honoree_rollups (
    shard TEXT NOT NULL,
    honoree_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    province_code TEXT NOT NULL,
    talks BIGINT NOT NULL,
    audience BIGINT NOT NULL,
    online_views BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (shard, honoree_id, campaign_id, province_code)
);
CREATE INDEX honoree_rollups_honoree ON honoree_rollups (honoree_id);
