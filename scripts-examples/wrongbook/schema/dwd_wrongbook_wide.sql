-- dwd_wrongbook_wide — the wrongbook wide table (错题本宽表), MySQL 8 / MariaDB 10.6+.
--
-- One row per wrongbook entry (wrongbook_id). Rules of different event types fill different
-- columns of the same row, and a write leaves the columns it does not name as they are:
--   wrongbook_add/main (Groovy)  the add columns, the question and student dimensions,
--                                wrong_count and status ('OPEN'; 'FIXED' when the fix came first)
--   wrongbook_fix/main (JS)      status = 'FIXED', fix_time, fix_method, fix_minutes
-- A fix that arrives before its add may create the row, so every column but the key is nullable.
-- update_time is the database's own: it changes whenever a write changes the row.
--
-- The job writes it with INSERT … ON DUPLICATE KEY UPDATE when it is listed in
-- sink.tables.allowed (see ../rules/rules.json, "job").

CREATE TABLE IF NOT EXISTS dwd_wrongbook_wide (
    wrongbook_id VARCHAR(64)  NOT NULL COMMENT '错题记录ID',
    user_id      VARCHAR(64)  NULL     COMMENT '学生ID',
    question_id  VARCHAR(64)  NULL     COMMENT '题目ID',
    subject      VARCHAR(32)  NULL     COMMENT '学科 (dim_question.subject, else the event''s)',
    chapter      VARCHAR(64)  NULL     COMMENT '章节 (dim_question)',
    difficulty   TINYINT      NULL     COMMENT '难度 1..5 (dim_question)',
    student_name VARCHAR(64)  NULL     COMMENT '学生姓名 (dim_student)',
    grade        TINYINT      NULL     COMMENT '年级: 7=初一, 8=初二, 9=初三 (dim_student)',
    class_name   VARCHAR(32)  NULL     COMMENT '班级 (dim_student)',
    add_time     DATETIME     NULL     COMMENT '最近一次加入错题本的时间 (UTC+8)',
    add_source   VARCHAR(32)  NULL     COMMENT '来源: homework/exam/practice/photo',
    status       VARCHAR(8)   NULL     COMMENT 'OPEN 待订正 / FIXED 已订正',
    fix_time     DATETIME     NULL     COMMENT '订正时间 (UTC+8)',
    fix_method   VARCHAR(32)  NULL     COMMENT '订正方式: redo/video/teacher/ai_tutor',
    fix_minutes  INT          NULL     COMMENT '从加入到订正的分钟数',
    wrong_count  INT          NOT NULL DEFAULT 0 COMMENT '加入错题本的次数 (同一题再错 +1)',
    update_time  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
                                       COMMENT '行更新时间',
    PRIMARY KEY (wrongbook_id),
    KEY idx_user_subject (user_id, subject),
    KEY idx_status_add_time (status, add_time),
    CONSTRAINT chk_wrongbook_status CHECK (status IS NULL OR status IN ('OPEN', 'FIXED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = '错题本宽表';
