-- Every INSERT, UPDATE and DELETE of routing_configs, by the CLI or by raw SQL, as a full copy of
-- the row with its version hash, so that any change can be inspected and rolled back.
--
-- Filled by triggers, so nothing that writes routing_configs can bypass it.
-- MySQL 8 with binary logging on (the default) refuses CREATE TRIGGER from an account without
-- SUPER (or SET_USER_ID/SYSTEM_USER) unless log_bin_trust_function_creators = 1:
--     SET GLOBAL log_bin_trust_function_creators = 1;
-- The migrating account also needs the TRIGGER privilege. Triggers run as their DEFINER (the
-- migrating account): do not drop that account while the triggers exist.
CREATE TABLE routing_config_history (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    config_id    BIGINT       NOT NULL COMMENT 'routing_configs.id (the row may be gone)',
    operation    VARCHAR(6)   NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    domain       VARCHAR(50)  NOT NULL,
    event_type   VARCHAR(100) NOT NULL,
    rule_name    VARCHAR(100) NOT NULL,
    language     VARCHAR(16)  NOT NULL,
    script       MEDIUMTEXT   NOT NULL,
    config_json  TEXT         NULL,
    enabled      TINYINT(1)   NOT NULL,
    priority     INT          NOT NULL,
    version_hash CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        COMMENT 'SPEC.md version hash: SHA-256 of language, script, config_json joined by newlines',
    changed_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    changed_by   VARCHAR(300) NOT NULL COMMENT 'user@host of the session that made the change',
    PRIMARY KEY (id),
    KEY idx_routing_config_history_rule (domain, event_type, rule_name, id),
    KEY idx_routing_config_history_config (config_id, id),
    CONSTRAINT ck_routing_config_history_operation CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE'))
) ENGINE = InnoDB
  DEFAULT CHARSET = utf8mb4
  COLLATE = utf8mb4_bin
  COMMENT = 'Rulecast: every version of every routing rule';

-- The hash: SHA2 digests the bytes of its argument in the argument's character set. The columns
-- are utf8mb4, so CONCAT yields utf8mb4 and the digest is over UTF-8 bytes, as in Java.
-- CHAR(10 USING utf8mb4) rather than '\n': the latter is a literal backslash and n under the
-- NO_BACKSLASH_ESCAPES sql_mode, and a trigger keeps the sql_mode it was created with.
-- USER() rather than CURRENT_USER(): inside a trigger CURRENT_USER() is the trigger's definer,
-- i.e. whoever ran this migration, not whoever changed the row.
CREATE TRIGGER routing_configs_history_insert
    AFTER INSERT ON routing_configs
    FOR EACH ROW
    INSERT INTO routing_config_history
        (config_id, operation, domain, event_type, rule_name, language, script, config_json,
         enabled, priority, version_hash, changed_at, changed_by)
    VALUES
        (NEW.id, 'INSERT', NEW.domain, NEW.event_type, NEW.rule_name, NEW.language, NEW.script,
         NEW.config_json, NEW.enabled, NEW.priority,
         LOWER(SHA2(CONCAT(NEW.language, CHAR(10 USING utf8mb4), NEW.script,
                           CHAR(10 USING utf8mb4), IFNULL(NEW.config_json, '')), 256)),
         CURRENT_TIMESTAMP(3), USER());

CREATE TRIGGER routing_configs_history_update
    AFTER UPDATE ON routing_configs
    FOR EACH ROW
    INSERT INTO routing_config_history
        (config_id, operation, domain, event_type, rule_name, language, script, config_json,
         enabled, priority, version_hash, changed_at, changed_by)
    VALUES
        (NEW.id, 'UPDATE', NEW.domain, NEW.event_type, NEW.rule_name, NEW.language, NEW.script,
         NEW.config_json, NEW.enabled, NEW.priority,
         LOWER(SHA2(CONCAT(NEW.language, CHAR(10 USING utf8mb4), NEW.script,
                           CHAR(10 USING utf8mb4), IFNULL(NEW.config_json, '')), 256)),
         CURRENT_TIMESTAMP(3), USER());

CREATE TRIGGER routing_configs_history_delete
    AFTER DELETE ON routing_configs
    FOR EACH ROW
    INSERT INTO routing_config_history
        (config_id, operation, domain, event_type, rule_name, language, script, config_json,
         enabled, priority, version_hash, changed_at, changed_by)
    VALUES
        (OLD.id, 'DELETE', OLD.domain, OLD.event_type, OLD.rule_name, OLD.language, OLD.script,
         OLD.config_json, OLD.enabled, OLD.priority,
         LOWER(SHA2(CONCAT(OLD.language, CHAR(10 USING utf8mb4), OLD.script,
                           CHAR(10 USING utf8mb4), IFNULL(OLD.config_json, '')), 256)),
         CURRENT_TIMESTAMP(3), USER());
