package io.githubcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The training run of the CDS archive ({@code --cds-training-run}), in-process: what it sends and what it leaves. */
class CdsTrainingTest {

    @Test
    void takesEachPathOfTheRouteOnceThenStopsAndDeletesItsCacheDirectory() throws Exception {
        List<Path> before = trainingDirectories();

        CdsTraining.Result result = CdsTraining.run();

        assertThat(result.requests()).extracting(r -> r.substring(r.indexOf(" -> ") + 4)).containsExactly(
                "200 MISS", // stored
                "200 HIT", "200 HIT", "200 HIT", // gzip, gunzipped, HEAD
                "304 HIT", // the client's own If-None-Match
                "404 MISS", "200 MISS", // 404 stored; the flaky path stored
                "201 BYPASS", // a write, passed on
                "200 REVALIDATED", // TTL past: the upstream answered 304
                "200 STALE", // TTL past: the upstream answered 503
                "404 STALE", // upstream gone: refused connection
                "502 MISS", // upstream gone, nothing stored
                "200 -", "200 -"); // management: health, metrics
        assertThat(result.unexpected()).isEmpty();
        assertThat(result.requests().get(0)).matches(
                "GET http://127\\.0\\.0\\.1:\\d+/repos/github-cache/cds-training Accept-Encoding: gzip -> 200 MISS");
        assertThat(result.requests().get(13)).matches("GET http://127\\.0\\.0\\.1:\\d+/observe/metrics -> 200 -");
        // what reached the upstream: one request per miss, the revalidation conditional, nothing after it stopped
        assertThat(result.upstreamReceived()).containsExactly(
                "GET /repos/github-cache/cds-training",
                "GET /repos/github-cache/cds-training-missing",
                "GET /repos/github-cache/cds-training-flaky",
                "POST /repos/github-cache/cds-training/issues",
                "GET /repos/github-cache/cds-training conditional",
                "GET /repos/github-cache/cds-training-flaky conditional");
        assertThat(result.cacheDir()).doesNotExist();
        assertThat(trainingDirectories()).isEqualTo(before);
        assertThat(result.summary()).startsWith("github-cache --cds-training-run: started")
                .contains(result.cacheDir() + " (deleted)").contains("/observe/metrics -> 200").doesNotContain("\n");
    }

    @Test
    void answersOtherThanExpectedAreListedWithWhatWasExpected() {
        CdsTraining.Result result = new CdsTraining.Result(
                List.of("GET http://127.0.0.1:1/a -> 200 MISS", "GET http://127.0.0.1:1/a -> 200 MISS"),
                List.of(), Path.of("/tmp/x"));

        assertThat(result.unexpected()).hasSize(CdsTraining.EXPECTED.size() - 1)
                .first().isEqualTo("GET http://127.0.0.1:1/a -> 200 MISS (expected 200 HIT)");
        assertThat(result.unexpected()).last().isEqualTo("(not sent) (expected 200 -)");
    }

    @Test
    void anApplicationThatDoesNotStartFailsTheRunAndLeavesNothingBehind() throws Exception {
        List<Path> before = trainingDirectories();

        assertThatThrownBy(() -> CdsTraining.run(Map.of("github.cache.max-memory", "lots")))
                .isInstanceOf(CdsTraining.NotStartedException.class)
                .hasMessageStartingWith("the application did not start: ")
                .hasMessageContaining("max-memory");
        assertThat(trainingDirectories()).isEqualTo(before);
    }

    private static List<Path> trainingDirectories() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("github-cache-cds-training")).sorted().toList();
        }
    }
}
