-- Routing rows: one script per (domain, event_type, rule_name) (SPEC.md "Routing rows").
-- Runs on MySQL 8.0.16+ and MariaDB 10.6+ (both enforce CHECK constraints).
--
-- utf8mb4_bin everywhere: rule names compare byte for byte, as the engine compares them in Java,
-- and the version hash (see V2) is computed over the UTF-8 bytes of these columns.
-- config_json is TEXT with a JSON_VALID check, not the JSON type: MySQL normalizes JSON values
-- (key order, spacing), and the version hash must cover the text exactly as it was written.
CREATE TABLE routing_configs (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    domain      VARCHAR(50)  NOT NULL COMMENT 'business domain, e.g. wrongbook',
    event_type  VARCHAR(100) NOT NULL COMMENT 'event type within the domain',
    rule_name   VARCHAR(100) NOT NULL DEFAULT 'main' COMMENT 'several rules may serve one event type',
    language    VARCHAR(16)  NOT NULL COMMENT 'groovy or js',
    script      MEDIUMTEXT   NOT NULL COMMENT 'the processor body',
    config_json TEXT         NULL     COMMENT 'JSON object handed to the script as ctx.config',
    enabled     TINYINT(1)   NOT NULL DEFAULT 1,
    priority    INT          NOT NULL DEFAULT 0 COMMENT 'higher runs first',
    create_time TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    update_time TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uk_routing_configs_rule (domain, event_type, rule_name),
    CONSTRAINT ck_routing_configs_language CHECK (language IN ('groovy', 'js')),
    CONSTRAINT ck_routing_configs_config_json CHECK (config_json IS NULL OR JSON_VALID(config_json)),
    CONSTRAINT ck_routing_configs_enabled CHECK (enabled IN (0, 1))
) ENGINE = InnoDB
  DEFAULT CHARSET = utf8mb4
  COLLATE = utf8mb4_bin
  COMMENT = 'Rulecast routing rules: scripts per (domain, event_type, rule_name)';
