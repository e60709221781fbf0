package io.githubcache;

import io.githubcache.config.InvalidSettingException;
import java.time.Clock;
import java.util.Map;

/** {@code java -jar github-cache.jar}: runs the proxy until SIGTERM/SIGINT. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        GithubCacheMain app = new GithubCacheMain(Map.of(), Clock.systemUTC());
        try {
            app.run(args);
        } catch (InvalidSettingException e) {
            System.err.println("github-cache: " + e.getMessage());
            System.exit(2);
        }
        int code = app.camelMain().getExitCode();
        System.exit(code);
    }
}
