package io.rulecast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MariaDbExtensionTest {
    @Test
    void keepsTheServerAndItsOptionsButNotItsDatabase() {
        MariaDbExtension db =
                new MariaDbExtension(
                        "jdbc:mysql://db.example:3307/app?sslMode=DISABLED&rewriteBatchedStatements=false",
                        "ci",
                        "secret");
        String url = db.serverUrl();
        assertTrue(url.startsWith("jdbc:mysql://db.example:3307/?"), url);
        assertTrue(url.contains("sslMode=DISABLED"), url);
        assertTrue(url.contains("rewriteBatchedStatements=false"), "the URL's options win: " + url);
        assertTrue(url.contains("characterEncoding=UTF-8"), url);
        assertEquals("ci", db.user());
        assertEquals("secret", db.password());
    }

    @Test
    void acceptsAServerUrlWithoutATrailingSlash() {
        MariaDbExtension db = new MariaDbExtension("jdbc:mysql://127.0.0.1:3306", "root", "");
        assertTrue(db.serverUrl().startsWith("jdbc:mysql://127.0.0.1:3306/?"), db.serverUrl());
    }

    @Test
    void databaseNamesAreUniqueValidIdentifiers() {
        String a =
                MariaDbExtension.databaseNameFor(
                        "Some$VeryLongTestClassNameThatGoesOnAndOnAndOnITCase");
        String b =
                MariaDbExtension.databaseNameFor(
                        "Some$VeryLongTestClassNameThatGoesOnAndOnAndOnITCase");
        assertTrue(a.matches("rt_[a-z0-9]{1,40}_[0-9a-f]{8}"), a);
        assertTrue(a.length() <= 64, a);
        assertTrue(!a.equals(b));
    }

    @Test
    void rejectsSomethingThatIsNotAJdbcUrl() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new MariaDbExtension("127.0.0.1:3306", "root", ""));
    }

    @Test
    void isInactiveOutsideATestClass() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> new MariaDbExtension("jdbc:mysql://h/", "u", "").jdbcUrl());
        assertTrue(e.getMessage().contains("@RegisterExtension static final"), e.getMessage());
    }
}
