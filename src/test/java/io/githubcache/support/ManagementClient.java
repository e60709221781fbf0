package io.githubcache.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Talks to Camel's management server of a proxy (health, Prometheus metrics, purge) over real sockets, and
 * reads the Prometheus text format into {@code name{labels}} to value, labels in the order they are written.
 */
public final class ManagementClient {

    private final String base;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public ManagementClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send("GET", path);
    }

    public HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** DELETE /cache with a query, e.g. {@code path=/repos/o/r}. */
    public HttpResponse<String> purge(String query) throws Exception {
        return send("DELETE", "/cache" + (query.isEmpty() ? "" : "?" + query));
    }

    /** Status of GET /observe/health, or empty when nothing listens yet. */
    public Optional<Integer> healthStatus(String path) {
        try {
            return Optional.of(get(path).statusCode());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    public Scrape scrape() throws Exception {
        HttpResponse<String> r = get("/observe/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("metrics answered " + r.statusCode() + ": " + r.body());
        }
        return Scrape.parse(r.body());
    }

    /** One scrape: samples by {@code name{labels}} (exactly as written, e.g. {@code a_total{x="1",y="2"}}). */
    public record Scrape(String text, Map<String, Double> samples) {

        static Scrape parse(String text) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int sp = line.lastIndexOf(' ');
                String key = line.substring(0, sp).trim();
                String value = line.substring(sp + 1).trim();
                // an exemplar or a timestamp would follow the value; Micrometer writes neither here
                m.put(key, Double.parseDouble(value));
            }
            return new Scrape(text, m);
        }

        /** The value of one sample; fails the test when the sample is missing. */
        public double value(String nameAndLabels) {
            Double v = samples.get(nameAndLabels);
            if (v == null) {
                throw new AssertionError("no sample " + nameAndLabels + " in:\n" + relevant(nameAndLabels));
            }
            return v;
        }

        public boolean has(String nameAndLabels) {
            return samples.containsKey(nameAndLabels);
        }

        /** The sum of all samples of a metric name whose label text contains every given fragment. */
        public double sum(String name, String... labelFragments) {
            double total = 0;
            for (Map.Entry<String, Double> e : samples.entrySet()) {
                String k = e.getKey();
                String n = k.contains("{") ? k.substring(0, k.indexOf('{')) : k;
                if (!n.equals(name)) {
                    continue;
                }
                boolean all = true;
                for (String f : labelFragments) {
                    all &= k.contains(f);
                }
                if (all) {
                    total += e.getValue();
                }
            }
            return total;
        }

        /** HELP line of a metric, or null. */
        public String help(String name) {
            for (String line : text.split("\n")) {
                if (line.startsWith("# HELP " + name + " ")) {
                    return line.substring(("# HELP " + name + " ").length());
                }
            }
            return null;
        }

        /** TYPE of a metric, or null. */
        public String type(String name) {
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE " + name + " ")) {
                    return line.substring(("# TYPE " + name + " ").length()).trim();
                }
            }
            return null;
        }

        private String relevant(String nameAndLabels) {
            String name = nameAndLabels.contains("{") ? nameAndLabels.substring(0, nameAndLabels.indexOf('{'))
                    : nameAndLabels;
            StringBuilder sb = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.startsWith(name)) {
                    sb.append(line).append('\n');
                }
            }
            return sb.length() == 0 ? "(no " + name + " samples)" : sb.toString();
        }
    }
}
