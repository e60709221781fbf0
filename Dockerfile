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
RUN mvn -B -q package -DskipTests

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

USER 10001:10001
VOLUME /var/cache/github-cache
# 3000: the proxy (PORT). 9876: management server (CAMEL_MANAGEMENT_PORT), being added.
EXPOSE 3000 9876

# The image has no curl guarantee; bash is there. Enable once the management server has landed:
# HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
#   CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${CAMEL_MANAGEMENT_PORT:-9876} && printf 'GET /observe/health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# Exec form: java is PID 1 and receives SIGTERM itself. Extra JVM flags: JAVA_TOOL_OPTIONS.
# (This replaces the base image's CA-certificate entrypoint; the JVM's own trust store is used.)
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/github-cache.jar"]
