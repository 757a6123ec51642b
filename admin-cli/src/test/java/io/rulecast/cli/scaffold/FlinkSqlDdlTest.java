package io.rulecast.cli.scaffold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;

/**
 * The Flink SQL {@code CREATE TABLE} that {@code scaffold} writes is read by Flink's own SQL
 * planner into the wide table's columns, types and primary key. (Reading rows through it also needs
 * a MySQL dialect of the JDBC connector, which the 2.x connector line does not publish:
 * docs/cli.md.)
 */
class FlinkSqlDdlTest {
    @Test
    void flinksPlannerReadsTheWideTable() throws Exception {
        DomainSpec spec =
                SpecReader.read(
                        Files.readString(
                                Path.of(
                                        getClass()
                                                .getResource("/scaffold/shop.spec.json")
                                                .toURI())));
        String ddl = SqlWriter.flinkTable(spec);
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql(ddl.substring(0, ddl.lastIndexOf(';')));
        ResolvedSchema schema = env.from(spec.wideTable().name()).getResolvedSchema();

        List<String> want = new ArrayList<>();
        for (DomainSpec.Column c : spec.wideTable().columns()) {
            boolean key = spec.wideTable().primaryKey().contains(c.name());
            want.add(
                    c.name()
                            + " "
                            + c.type().flinkType().replace(",", ", ")
                            + (key ? " NOT NULL" : ""));
        }
        want.add("written_at TIMESTAMP(3)");
        List<String> got = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            got.add(c.getName() + " " + c.getDataType().getLogicalType().asSummaryString());
        }
        assertEquals(want, got);
        assertEquals(
                spec.wideTable().primaryKey(), schema.getPrimaryKey().orElseThrow().getColumns());
    }
}
