package io.tapflow.jobs.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TabSeparatedTest {

    @Test
    void namesAndRowsWithEveryEscapeAndNull() {
        QueryResult r = TabSeparated.parseWithNames("""
                \\'a\\\\tb\\'\tn\tarr
                a\\tb\t\\N\t[1,2]
                x\\ny\\\\z\\'q\t7\t[]
                """);
        assertThat(r.columns()).containsExactly("'a\\tb'", "n", "arr");
        assertThat(r.rows()).hasSize(2);
        assertThat(r.rows().get(0)).isEqualTo(Arrays.asList("a\tb", null, "[1,2]"));
        assertThat(r.rows().get(1)).containsExactly("x\ny\\z'q", "7", "[]");
        assertThat(r.values("n")).isEqualTo(Arrays.asList(null, "7"));
    }

    @Test
    void emptyStringsAndControlEscapes() {
        QueryResult r = TabSeparated.parseWithNames("a\tb\tc\n\t\\0\\r\\b\\f\t\n");
        assertThat(r.rows().get(0)).containsExactly("", "\0\r\b\f", "");
    }

    @Test
    void headerOnlyIsZeroRows() {
        QueryResult r = TabSeparated.parseWithNames("count()\n");
        assertThat(r.columns()).containsExactly("count()");
        assertThat(r.rows()).isEmpty();
    }

    @Test
    void noOutputAtAllIsAnEmptyResult() {
        assertThat(TabSeparated.parseWithNames("")).isEqualTo(new QueryResult(List.of(), List.of()));
    }

    @Test
    void aLastLineWithoutNewlineCounts() {
        assertThat(TabSeparated.parseWithNames("x\n1").single()).isEqualTo("1");
    }
}
