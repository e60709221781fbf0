# github-cache container image.
#   docker build -t github-cache .
#   docker run --rm -p 3000:3000 -v github-cache:/var/cache/github-cache --stop-timeout 30 github-cache
# See README.md, "Container".

# ---- build: the same jar the tests use (same pom, same shade configuration) ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, so a source change does not download them again.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY routes ./routes
# -Dcds.skip=true: no class-data-sharing archive here; the runtime stage makes its own (see there)
RUN mvn -B -q package -DskipTests -Dcds.skip=true

# ---- runtime ----
FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="github-cache" \
      org.opencontainers.image.description="Caching reverse proxy for the GitHub REST API"

ENV PORT=3000 \
    GITHUB_CACHE_DIR=/var/cache/github-cache

RUN groupadd --system --gid 10001 github-cache \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin github-cache \
 && mkdir -p /var/cache/github-cache \
 && chown 10001:10001 /var/cache/github-cache

WORKDIR /app
COPY --from=build /build/target/github-cache.jar /app/github-cache.jar
# routes/ next to the working directory wins over the copy inside the jar: mount more upstreams here
# (one file each, e.g. -v "$PWD/enterprise.yaml:/app/routes/enterprise.yaml:ro").
COPY routes /app/routes
# Class-data-sharing archive (AppCDS): the classes a training run of the jar loads, already parsed and verified;
# startup to the first served request takes about half as long (io.githubcache.CdsTraining: free loopback ports,
# a throwaway cache directory, a GitHub-like upstream on a loopback port; nothing leaves the build). The JVM
# accepts the archive only from the same JVM and for the jar at the same path, size and time: so it is made here,
# by this image's JVM, at the jar's final path, not copied from the build stage.
# -Xmx512m: the archive is refused by a JVM whose UseCompressedOops differs, i.e. one with a heap of 32 GB or
# more; MaxRAMPercentage=75 stays below that in any container under about 42 GB, but a large builder might not.
# A JVM without a base archive of its own (lib/server/classes.jsa) writes none, with only a warning: the test
# makes that a failed build rather than an image that silently starts twice as slowly.
# Written by root, readable by all (the JVM makes it 0444).
RUN java -Xmx512m -XX:ArchiveClassesAtExit=/app/github-cache.jsa -jar /app/github-cache.jar --cds-training-run \
 && { test -s /app/github-cache.jsa \
      || { echo "no /app/github-cache.jsa: this JVM wrote no CDS archive (see java -Xlog:cds)" >&2; exit 1; }; }

USER 10001:10001
VOLUME /var/cache/github-cache
# 3000: the proxy (PORT). 9876: management server (CAMEL_MANAGEMENT_PORT): health, metrics, purge.
EXPOSE 3000 9876

# The image has no curl guarantee; bash is there: a raw GET on the management port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${CAMEL_MANAGEMENT_PORT:-9876} && printf 'GET /observe/health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# Exec form: java is PID 1 and receives SIGTERM itself. Extra JVM flags: JAVA_TOOL_OPTIONS.
# (This replaces the base image's CA-certificate entrypoint; the JVM's own trust store is used.)
# -XX:SharedArchiveFile: the archive made above; should the JVM refuse it, it starts without it, only slower.
# -XX:TrimNativeHeapInterval=5000: gives the JIT compilers' freed memory back to the OS (README "Run").
# -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=70: old-generation tracing from 70% (README "Run").
# -XX:PerMethodTrapLimit=0 -XX:-UseTypeSpeculation: no recompilation of the hit path when a new path shows up
#   under load (README "Run").
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/github-cache.jsa", "-XX:MaxRAMPercentage=75", \
            "-XX:-G1UseAdaptiveIHOP", "-XX:InitiatingHeapOccupancyPercent=70", \
            "-XX:TrimNativeHeapInterval=5000", "-XX:PerMethodTrapLimit=0", "-XX:-UseTypeSpeculation", \
            "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/github-cache.jar"]
