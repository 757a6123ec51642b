package io.rulecast.examples;

import io.rulecast.event.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wrongbook domain's dimension data: 50 questions ({@code dim_question}) and 20 students
 * ({@code dim_student}). One source for both forms the data takes — the SQL the demo loads into
 * MySQL ({@code schema/dims.sql}) and the JSONL files replay reads ({@code dims/questions.jsonl},
 * {@code dims/students.jsonl}) — so the two cannot drift apart.
 *
 * <p>Regenerate the committed files with {@code java -cp … io.rulecast.examples.WrongbookDimensions
 * scripts-examples/wrongbook}; {@code WrongbookDimensionsTest} fails when they differ from this
 * class.
 */
public final class WrongbookDimensions {

    /** The dimension names rules pass to {@code ctx.dim}, and their tables and key columns. */
    public static final String QUESTIONS = "questions";

    public static final String STUDENTS = "students";

    /** Subject code → (chapter, knowledge point) of its ten questions, in question order. */
    private static final Map<String, String[][]> CHAPTERS = new LinkedHashMap<>();

    static {
        CHAPTERS.put(
                "math",
                new String[][] {
                    {"有理数", "有理数的混合运算"},
                    {"整式的加减", "合并同类项"},
                    {"一元一次方程", "去分母解方程"},
                    {"二元一次方程组", "加减消元法"},
                    {"不等式与不等式组", "不等式组的解集"},
                    {"平面直角坐标系", "点的坐标特征"},
                    {"三角形", "三角形内角和"},
                    {"全等三角形", "全等的判定（SAS）"},
                    {"勾股定理", "勾股定理的逆定理"},
                    {"一次函数", "一次函数的图像与性质"}
                });
        CHAPTERS.put(
                "physics",
                new String[][] {
                    {"机械运动", "速度的计算"},
                    {"声现象", "声音的特性"},
                    {"光现象", "光的折射"},
                    {"透镜及其应用", "凸透镜成像规律"},
                    {"质量与密度", "密度的测量"},
                    {"力", "弹力与重力"},
                    {"运动和力", "牛顿第一定律"},
                    {"压强", "液体压强"},
                    {"浮力", "阿基米德原理"},
                    {"功和机械能", "功率的计算"}
                });
        CHAPTERS.put(
                "chemistry",
                new String[][] {
                    {"物质的变化和性质", "物理变化与化学变化"},
                    {"我们周围的空气", "空气的成分"},
                    {"氧气", "实验室制取氧气"},
                    {"水的组成", "电解水实验"},
                    {"分子和原子", "分子的性质"},
                    {"元素", "元素周期表"},
                    {"化学式与化合价", "化合价的计算"},
                    {"质量守恒定律", "化学方程式配平"},
                    {"碳和碳的氧化物", "二氧化碳的性质"},
                    {"燃料及其利用", "燃烧的条件"}
                });
        CHAPTERS.put(
                "english",
                new String[][] {
                    {"Unit 1 时态", "一般现在时"},
                    {"Unit 2 时态", "现在进行时"},
                    {"Unit 3 时态", "一般过去时"},
                    {"Unit 4 时态", "现在完成时"},
                    {"Unit 5 语态", "被动语态"},
                    {"Unit 6 从句", "宾语从句"},
                    {"Unit 7 从句", "定语从句"},
                    {"Unit 8 情态动词", "must 与 have to"},
                    {"Unit 9 形容词", "比较级与最高级"},
                    {"Unit 10 阅读", "阅读理解·推理判断"}
                });
        CHAPTERS.put(
                "chinese",
                new String[][] {
                    {"基础积累", "字音字形"},
                    {"基础积累", "病句修改"},
                    {"古诗文", "古诗词默写"},
                    {"古诗文", "文言文实词"},
                    {"古诗文", "文言文翻译"},
                    {"现代文阅读", "记叙文阅读"},
                    {"现代文阅读", "修辞手法"},
                    {"语言运用", "标点符号"},
                    {"名著阅读", "《朝花夕拾》"},
                    {"写作", "作文审题"}
                });
    }

    private static final String[] STUDENT_NAMES = {
        "王子涵", "李雨桐", "张浩然", "刘思远", "陈梓萱", "杨一诺", "赵子墨", "黄欣怡", "周宇航", "吴佳琪",
        "徐浩宇", "孙若曦", "胡晨阳", "朱语嫣", "高俊熙", "林可馨", "何泽宇", "郭雨涵", "马天佑", "罗诗涵"
    };

    private static final String[] GRADE_NAMES = {"初一", "初二", "初三"};

    private WrongbookDimensions() {}

    /** The subject codes, in question order. */
    public static List<String> subjects() {
        return List.copyOf(CHAPTERS.keySet());
    }

    /** {@code q-001} … {@code q-050}: ten questions per subject. */
    public static String questionId(int index) {
        return String.format("q-%03d", index + 1);
    }

    /** {@code u-01} … {@code u-20}. */
    public static String userId(int index) {
        return String.format("u-%02d", index + 1);
    }

    public static int questionCount() {
        return CHAPTERS.size() * 10;
    }

    public static int studentCount() {
        return STUDENT_NAMES.length;
    }

    /** Rows of {@code dim_question}, keyed by question_id, in id order. */
    public static List<Map<String, Object>> questions() {
        List<Map<String, Object>> rows = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String[][]> subject : CHAPTERS.entrySet()) {
            for (String[] chapter : subject.getValue()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("question_id", questionId(i));
                row.put("subject", subject.getKey());
                row.put("chapter", chapter[0]);
                // Spread 1..5 over the chapters without a pattern that follows the subject.
                row.put("difficulty", 1 + (i * 7 + i / 10) % 5);
                row.put("knowledge_point", chapter[1]);
                rows.add(row);
                i++;
            }
        }
        return rows;
    }

    /** Rows of {@code dim_student}, keyed by user_id, in id order. */
    public static List<Map<String, Object>> students() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < STUDENT_NAMES.length; i++) {
            int grade = 7 + i % 3;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user_id", userId(i));
            row.put("name", STUDENT_NAMES[i]);
            row.put("grade", grade);
            row.put("class_name", GRADE_NAMES[grade - 7] + "(" + (1 + i % 4) + ")班");
            rows.add(row);
        }
        return rows;
    }

    /** The lines of a replay dimension file: {@code {"key": …, "row": {…}}}. */
    static List<String> jsonl(List<Map<String, Object>> rows, String keyColumn) {
        List<String> lines = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("key", row.get(keyColumn));
            line.put("row", row);
            lines.add(Json.write(line));
        }
        return lines;
    }

    /** {@code schema/dims.sql}: both tables and their rows, safe to run again. */
    static String sql() {
        StringBuilder sb = new StringBuilder();
        sb.append("-- Dimension tables of the wrongbook example (MySQL 8 / MariaDB 10.6+).\n")
                .append(
                        "-- Generated by io.rulecast.examples.WrongbookDimensions: edit that class,")
                .append(" not this file.\n")
                .append("-- The same rows are in ../dims/*.jsonl for `rulecast replay --dims`.\n")
                .append("-- Job configuration that reads them:\n")
                .append(
                        "--   dims.questions.table=dim_question  dims.questions.key-column=question_id\n")
                .append(
                        "--   dims.students.table=dim_student    dims.students.key-column=user_id\n\n");
        sb.append(
                """
                CREATE TABLE IF NOT EXISTS dim_question (
                    question_id     VARCHAR(64)  NOT NULL COMMENT '题目ID',
                    subject         VARCHAR(32)  NOT NULL COMMENT '学科代码: math/physics/chemistry/english/chinese',
                    chapter         VARCHAR(64)  NOT NULL COMMENT '章节',
                    difficulty      TINYINT      NOT NULL COMMENT '难度 1(易)..5(难)',
                    knowledge_point VARCHAR(128) NOT NULL COMMENT '知识点',
                    PRIMARY KEY (question_id)
                ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = '题目维表';

                CREATE TABLE IF NOT EXISTS dim_student (
                    user_id    VARCHAR(64) NOT NULL COMMENT '学生ID',
                    name       VARCHAR(64) NOT NULL COMMENT '姓名',
                    grade      TINYINT     NOT NULL COMMENT '年级: 7=初一, 8=初二, 9=初三',
                    class_name VARCHAR(32) NOT NULL COMMENT '班级',
                    PRIMARY KEY (user_id)
                ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COMMENT = '学生维表';

                """);
        appendRows(
                sb,
                "dim_question",
                List.of("question_id", "subject", "chapter", "difficulty", "knowledge_point"),
                questions());
        sb.append('\n');
        appendRows(
                sb, "dim_student", List.of("user_id", "name", "grade", "class_name"), students());
        return sb.toString();
    }

    private static void appendRows(
            StringBuilder sb, String table, List<String> columns, List<Map<String, Object>> rows) {
        // REPLACE keeps the script re-runnable: the demo loads it into a database that may have it.
        sb.append("REPLACE INTO ")
                .append(table)
                .append(" (")
                .append(String.join(", ", columns))
                .append(") VALUES\n");
        for (int r = 0; r < rows.size(); r++) {
            sb.append("    (");
            for (int c = 0; c < columns.size(); c++) {
                Object v = rows.get(r).get(columns.get(c));
                sb.append(c == 0 ? "" : ", ")
                        .append(v instanceof Number ? v.toString() : quote(v.toString()));
            }
            sb.append(r == rows.size() - 1 ? ");\n" : "),\n");
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** Writes {@code schema/dims.sql} and {@code dims/*.jsonl} under the wrongbook directory. */
    public static void write(Path wrongbookDir) throws IOException {
        Files.createDirectories(wrongbookDir.resolve("schema"));
        Files.createDirectories(wrongbookDir.resolve("dims"));
        Files.writeString(wrongbookDir.resolve("schema/dims.sql"), sql(), StandardCharsets.UTF_8);
        Files.write(
                wrongbookDir.resolve("dims/" + QUESTIONS + ".jsonl"),
                jsonl(questions(), "question_id"),
                StandardCharsets.UTF_8);
        Files.write(
                wrongbookDir.resolve("dims/" + STUDENTS + ".jsonl"),
                jsonl(students(), "user_id"),
                StandardCharsets.UTF_8);
    }

    /** {@code WrongbookDimensions [DIR]}: rewrites the dimension files (default: wrongbook). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "wrongbook");
        write(dir);
        System.out.println(
                "wrote " + dir.resolve("schema/dims.sql") + " and " + dir.resolve("dims"));
    }
}
