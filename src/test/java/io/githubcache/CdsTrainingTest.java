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
    void servesTheProxyAndManagementRequestsThenStopsAndDeletesItsCacheDirectory() throws Exception {
        List<Path> before = trainingDirectories();

        CdsTraining.Result result = CdsTraining.run();

        // the upstream port refuses connections: 502 at once; the management server answers itself
        assertThat(result.statuses()).containsExactly(502, 502, 200, 200);
        assertThat(result.requests()).hasSize(4);
        assertThat(result.requests().get(0)).matches("GET http://127\\.0\\.0\\.1:\\d+/repos/\\S+ -> 502");
        assertThat(result.requests().get(2)).matches("GET http://127\\.0\\.0\\.1:\\d+/observe/health -> 200");
        assertThat(result.requests().get(3)).matches("GET http://127\\.0\\.0\\.1:\\d+/observe/metrics -> 200");
        assertThat(result.cacheDir()).doesNotExist();
        assertThat(trainingDirectories()).isEqualTo(before);
        assertThat(result.summary()).startsWith("github-cache --cds-training-run: started")
                .contains(result.cacheDir() + " (deleted)").contains("/observe/metrics -> 200").doesNotContain("\n");
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
