-- Safe rollout (SPEC.md "Round 2 surface"): a rule may carry one candidate version beside its live
-- one, run in shadow (compared, never applied) or as a canary (serving a stable share of state
-- keys). The candidate lives in the rule's own row, so that one raw SQL statement can start,
-- change, promote or end a rollout, and the history triggers record it like any other change:
--
--   start    UPDATE routing_configs SET candidate_language = 'groovy', candidate_script = '...',
--                  candidate_config_json = '{...}', rollout_mode = 'shadow' WHERE ...;
--   change   UPDATE routing_configs SET rollout_mode = 'canary', rollout_percent = 10 WHERE ...;
--   promote  UPDATE routing_configs SET language = candidate_language, script = candidate_script,
--                  config_json = candidate_config_json, rollout_mode = NULL, candidate_language = NULL,
--                  candidate_script = NULL, candidate_config_json = NULL WHERE ...;
--            (MySQL and MariaDB assign left to right: script takes the candidate before it is
--            cleared. `rulecast rollout promote` also checks that the live version is still the
--            one the rollout started from.)
--   abort    UPDATE routing_configs SET rollout_mode = NULL, candidate_language = NULL,
--                  candidate_script = NULL, candidate_config_json = NULL WHERE ...;
--
-- rollout_base_version and rollout_started_at are kept by the trigger below: they record the live
-- version and the time when rollout_mode went from NULL to a mode, and are cleared when it goes
-- back to NULL, whoever ran the statement.
ALTER TABLE routing_configs
    ADD COLUMN candidate_language    VARCHAR(16)  NULL COMMENT 'rollout candidate: groovy or js',
    ADD COLUMN candidate_script      MEDIUMTEXT   NULL COMMENT 'rollout candidate: the processor body',
    ADD COLUMN candidate_config_json TEXT         NULL COMMENT 'rollout candidate: its config_json',
    ADD COLUMN rollout_mode          VARCHAR(8)   NULL COMMENT 'shadow or canary; NULL: no rollout',
    ADD COLUMN rollout_percent       DECIMAL(5,2) NULL COMMENT 'canary: percent of state keys the candidate serves',
    ADD COLUMN rollout_base_version  CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NULL
        COMMENT 'live version hash when the rollout started (kept by trigger)',
    ADD COLUMN rollout_started_at    TIMESTAMP(3) NULL COMMENT 'when the rollout started (kept by trigger)',
    ADD CONSTRAINT ck_routing_configs_candidate_language
        CHECK (candidate_language IS NULL OR candidate_language IN ('groovy', 'js')),
    ADD CONSTRAINT ck_routing_configs_candidate_config_json
        CHECK (candidate_config_json IS NULL OR JSON_VALID(candidate_config_json)),
    ADD CONSTRAINT ck_routing_configs_rollout_mode
        CHECK (rollout_mode IS NULL OR rollout_mode IN ('shadow', 'canary')),
    ADD CONSTRAINT ck_routing_configs_rollout_candidate
        CHECK (rollout_mode IS NULL OR (candidate_language IS NOT NULL AND candidate_script IS NOT NULL)),
    ADD CONSTRAINT ck_routing_configs_rollout_percent
        CHECK (rollout_percent IS NULL OR (rollout_percent >= 0 AND rollout_percent <= 100)),
    ADD CONSTRAINT ck_routing_configs_canary_percent
        CHECK (rollout_mode IS NULL OR rollout_mode <> 'canary' OR rollout_percent IS NOT NULL);

ALTER TABLE routing_config_history
    ADD COLUMN candidate_language     VARCHAR(16)  NULL,
    ADD COLUMN candidate_script       MEDIUMTEXT   NULL,
    ADD COLUMN candidate_config_json  TEXT         NULL,
    ADD COLUMN candidate_version_hash CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NULL
        COMMENT 'version hash of the candidate, as for the live version',
    ADD COLUMN rollout_mode           VARCHAR(8)   NULL,
    ADD COLUMN rollout_percent        DECIMAL(5,2) NULL,
    ADD COLUMN rollout_base_version   CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NULL;

-- One statement each (no BEGIN ... END), so that no client needs a DELIMITER.
CREATE TRIGGER routing_configs_rollout_insert
    BEFORE INSERT ON routing_configs
    FOR EACH ROW
    SET NEW.rollout_base_version =
            IF(NEW.rollout_mode IS NULL, NULL,
               LOWER(SHA2(CONCAT(NEW.language, CHAR(10 USING utf8mb4), NEW.script,
                                 CHAR(10 USING utf8mb4), IFNULL(NEW.config_json, '')), 256))),
        NEW.rollout_started_at = IF(NEW.rollout_mode IS NULL, NULL, CURRENT_TIMESTAMP(3));

CREATE TRIGGER routing_configs_rollout_update
    BEFORE UPDATE ON routing_configs
    FOR EACH ROW
    SET NEW.rollout_base_version =
            IF(NEW.rollout_mode IS NULL, NULL,
               IF(OLD.rollout_mode IS NULL,
                  LOWER(SHA2(CONCAT(NEW.language, CHAR(10 USING utf8mb4), NEW.script,
                                    CHAR(10 USING utf8mb4), IFNULL(NEW.config_json, '')), 256)),
                  OLD.rollout_base_version)),
        NEW.rollout_started_at =
            IF(NEW.rollout_mode IS NULL, NULL,
               IF(OLD.rollout_mode IS NULL, CURRENT_TIMESTAMP(3), OLD.rollout_started_at));

DROP TRIGGER routing_configs_history_insert;
DROP TRIGGER routing_configs_history_update;
DROP TRIGGER routing_configs_history_delete;

CREATE TRIGGER routing_configs_history_insert
    AFTER INSERT ON routing_configs
    FOR EACH ROW
    INSERT INTO routing_config_history
        (config_id, operation, domain, event_type, rule_name, language, script, config_json,
         enabled, priority, version_hash, changed_at, changed_by,
         candidate_language, candidate_script, candidate_config_json, candidate_version_hash,
         rollout_mode, rollout_percent, rollout_base_version)
    VALUES
        (NEW.id, 'INSERT', NEW.domain, NEW.event_type, NEW.rule_name, NEW.language, NEW.script,
         NEW.config_json, NEW.enabled, NEW.priority,
         LOWER(SHA2(CONCAT(NEW.language, CHAR(10 USING utf8mb4), NEW.script,
                           CHAR(10 USING utf8mb4), IFNULL(NEW.config_json, '')), 256)),
         CURRENT_TIMESTAMP(3), USER(),
         NEW.candidate_language, NEW.candidate_script, NEW.candidate_config_json,
         IF(NEW.candidate_script IS NULL OR NEW.candidate_language IS NULL, NULL,
            LOWER(SHA2(CONCAT(NEW.candidate_language, CHAR(10 USING utf8mb4), NEW.candidate_script,
                              CHAR(10 USING utf8mb4), IFNULL(NEW.candidate_config_json, '')), 256))),
         NEW.rollout_mode, NEW.rollout_percent, NEW.rollout_base_version);

CREATE TRIGGER routing_configs_history_update
    AFTER UPDATE ON routing_configs
    FOR EACH ROW
    INSERT INTO routing_config_history
        (config_id, operation, domain, event_type, rule_name, language, script, config_json,
         enabled, priority, version_hash, changed_at, changed_by,
         candidate_language, candidate_script, candidate_config_json, candidate_version_hash,
         rollout_mode, rollout_percent, rollout_base_version)
    VALUES
        (NEW.id, 'UPDATE', NEW.domain, NEW.event_type, NEW.rule_name, NEW.language, NEW.script,
         NEW.config_json, NEW.enabled, NEW.priority,
         LOWER(SHA2(CONCAT(NEW.language, CHAR(10 USING utf8mb4), NEW.script,
                           CHAR(10 USING utf8mb4), IFNULL(NEW.config_json, '')), 256)),
         CURRENT_TIMESTAMP(3), USER(),
         NEW.candidate_language, NEW.candidate_script, NEW.candidate_config_json,
         IF(NEW.candidate_script IS NULL OR NEW.candidate_language IS NULL, NULL,
            LOWER(SHA2(CONCAT(NEW.candidate_language, CHAR(10 USING utf8mb4), NEW.candidate_script,
                              CHAR(10 USING utf8mb4), IFNULL(NEW.candidate_config_json, '')), 256))),
         NEW.rollout_mode, NEW.rollout_percent, NEW.rollout_base_version);

CREATE TRIGGER routing_configs_history_delete
    AFTER DELETE ON routing_configs
    FOR EACH ROW
    INSERT INTO routing_config_history
        (config_id, operation, domain, event_type, rule_name, language, script, config_json,
         enabled, priority, version_hash, changed_at, changed_by,
         candidate_language, candidate_script, candidate_config_json, candidate_version_hash,
         rollout_mode, rollout_percent, rollout_base_version)
    VALUES
        (OLD.id, 'DELETE', OLD.domain, OLD.event_type, OLD.rule_name, OLD.language, OLD.script,
         OLD.config_json, OLD.enabled, OLD.priority,
         LOWER(SHA2(CONCAT(OLD.language, CHAR(10 USING utf8mb4), OLD.script,
                           CHAR(10 USING utf8mb4), IFNULL(OLD.config_json, '')), 256)),
         CURRENT_TIMESTAMP(3), USER(),
         OLD.candidate_language, OLD.candidate_script, OLD.candidate_config_json,
         IF(OLD.candidate_script IS NULL OR OLD.candidate_language IS NULL, NULL,
            LOWER(SHA2(CONCAT(OLD.candidate_language, CHAR(10 USING utf8mb4), OLD.candidate_script,
                              CHAR(10 USING utf8mb4), IFNULL(OLD.candidate_config_json, '')), 256))),
         OLD.rollout_mode, OLD.rollout_percent, OLD.rollout_base_version);
