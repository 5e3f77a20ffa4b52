-- Grain state now lives in Orleans' grain storage (0004); the home-made runtime's table goes. API keys are grain
-- state too: api_keys remains as the listing of keys, without the secret's hash, which only the key's grain keeps.
DROP TABLE grain_state;
ALTER TABLE api_keys DROP COLUMN secret_hash;
