package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcFsTest {

    @Test
    void statFieldsAreCountedFromTheLastParenthesisSoOddCommandNamesParse() {
        String line = "24277 (java (x) y) S 23814 23814 23371 0 -1 4194560 105433 0 12 0 5150 1234 0 0 20 0 61 0 "
                + "1045523 3742810112 73620 18446744073709551615 1 1 0 0 0 0 0 4096 16800975 0 0 0 17 1 0 0 0 0 0";

        ProcFs.Stat stat = ProcFs.parseStat(line);

        assertThat(stat.pid()).isEqualTo(24277);
        assertThat(stat.comm()).isEqualTo("java (x) y");
        assertThat(stat.state()).isEqualTo('S');
        assertThat(stat.ppid()).isEqualTo(23814);
        assertThat(stat.utime()).isEqualTo(5150);
        assertThat(stat.stime()).isEqualTo(1234);
        assertThat(stat.cpuTicks()).isEqualTo(6384);
        assertThat(stat.startTime()).isEqualTo(1045523);
        assertThat(stat.rssPages()).isEqualTo(73620);
    }

    @Test
    void aTruncatedStatLineIsRefused() {
        assertThatThrownBy(() -> ProcFs.parseStat("12 (x) S 1 2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcFs.parseStat("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rssAndItsPrivateAndSharedParts() {
        String status = """
                Name:	postgres
                State:	S (sleeping)
                VmPeak:	  226436 kB
                VmRSS:	   31200 kB
                RssAnon:	    3100 kB
                RssFile:	   12100 kB
                RssShmem:	   16000 kB
                Threads:	1
                """;

        assertThat(ProcFs.parseRss(status)).isEqualTo(new ProcFs.Rss(31_200, 3_100, 28_100));
        assertThat(ProcFs.parseRss("Name:\tkthreadd\nState:\tS\n")).isEqualTo(new ProcFs.Rss(-1, -1, -1));
        assertThat(ProcFs.parseRss("VmRSS:\t 100 kB\n")).isEqualTo(new ProcFs.Rss(100, 100, 0));
    }

    @Test
    void machineCpuCountsIowaitAsIdleAndGuestNotTwice() {
        String stat = """
                cpu  100 5 50 1000 20 3 2 1 7 0
                cpu0 50 2 25 500 10 1 1 0 3 0
                intr 12345
                """;

        ProcFs.CpuTimes cpu = ProcFs.parseCpuTimes(stat);

        assertThat(cpu.busy()).isEqualTo(100 + 5 + 50 + 3 + 2 + 1);
        assertThat(cpu.idle()).isEqualTo(1020);
        assertThat(cpu.total()).isEqualTo(1181);
    }

    @Test
    void loadAverageAndCommandLine() {
        assertThat(ProcFs.parseLoadAverage("0.52 1.27 2.31 3/712 28641\n")).containsExactly(0.52, 1.27, 2.31);
        assertThat(ProcFs.parseCmdline("java\0-jar\0x.jar\0".getBytes(StandardCharsets.UTF_8))).isEqualTo("java -jar x.jar");
    }

    @Test
    void listeningSocketsAreFoundByPortAndState() {
        String tcp = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4711 1 0 20 0
                   1: 0100007F:1538 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 4712 1 0 20 0
                   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4713 1 0 20 0
                """;

        assertThat(ListeningSockets.listeningInodes(tcp, 5432)).isEqualTo(Set.of(4711L));
        assertThat(ListeningSockets.listeningInodes(tcp, 8080)).isEqualTo(Set.of(4713L));
        assertThat(ListeningSockets.listeningInodes(tcp, 9092)).isEmpty();
    }
}
