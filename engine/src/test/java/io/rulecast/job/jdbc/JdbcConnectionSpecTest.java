package io.rulecast.job.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JdbcConnectionSpecTest {

    @Test
    void passwordsInsideUrlsAreMasked() {
        assertEquals(
                "jdbc:mysql://u:***@db:3306/rules",
                JdbcConnectionSpec.maskPassword("jdbc:mysql://u:s3cr:et@db:3306/rules"));
        assertEquals(
                "jdbc:mysql://db/x?user=u&password=***&sslMode=REQUIRED",
                JdbcConnectionSpec.maskPassword(
                        "jdbc:mysql://db/x?user=u&password=p@ss&sslMode=REQUIRED"));
        assertEquals(
                "jdbc:mysql://db/x?trustCertificateKeyStorePassword=***;clientSecret=***",
                JdbcConnectionSpec.maskPassword(
                        "jdbc:mysql://db/x?trustCertificateKeyStorePassword=a;clientSecret=b"));
        assertEquals(
                "jdbc:mysql://(host=db,port=3306,password=***)/x",
                JdbcConnectionSpec.maskPassword("jdbc:mysql://(host=db,port=3306,password=p)/x"));
        String plain = "jdbc:mysql://db:3306/rules?useSSL=false";
        assertEquals(plain, JdbcConnectionSpec.maskPassword(plain));
    }

    @Test
    void toStringNeverShowsThePassword() {
        JdbcConnectionSpec s =
                new JdbcConnectionSpec("jdbc:mysql://u:inline@db/x?password=q", "u", "property");
        assertEquals("u @ jdbc:mysql://u:***@db/x?password=***", s.toString());
    }

    @Test
    void batchRewriteKeepsTheTimeouts() {
        JdbcConnectionSpec s =
                new JdbcConnectionSpec(
                                "jdbc:mysql://db/x",
                                "u",
                                "p",
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(2))
                        .withBatchRewrite();
        assertEquals("jdbc:mysql://db/x?rewriteBatchedStatements=true", s.url());
        assertEquals(Duration.ofSeconds(1), s.connectTimeout());
        assertEquals(Duration.ofSeconds(2), s.socketTimeout());
    }
}
