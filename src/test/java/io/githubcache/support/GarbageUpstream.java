package io.githubcache.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket upstream that can stop speaking HTTP: in {@link #garbage()} mode it reads a request, answers
 * {@code NOT HTTP AT ALL\r\n\r\n} and closes. In {@link #valid(String)} mode (the start) it answers one well-formed
 * {@code 200} JSON response with an {@code ETag} and {@code Connection: close}, so a proxy can fill an entry
 * from it first.
 */
public final class GarbageUpstream implements AutoCloseable {

    public static final String GARBAGE = "NOT HTTP AT ALL\r\n\r\n";

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String validBody = "{\"ok\":true}";
    private volatile boolean garbage = false;

    public GarbageUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "garbage-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests whose header block was read completely. */
    /**
     * Requests for paths under {@code /repos/garbage}: only those count, because in a full test run a
     * lingering connection from an earlier test's proxy may reach this recycled ephemeral port.
     */
    public int requests() {
        return requests.get();
    }

    /** From now on, answer every request with {@link #GARBAGE}. */
    public void garbage() {
        garbage = true;
    }

    /** From now on, answer every request with a valid 200 carrying this JSON body. */
    public void valid(String json) {
        validBody = json;
        garbage = false;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                String requestLine = readHeaderBlock(s.getInputStream());
                if (requestLine == null) {
                    continue;
                }
                if (requestLine.contains(" /repos/garbage")) {
                    requests.incrementAndGet();
                }
                OutputStream out = s.getOutputStream();
                out.write(response().getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (SocketException e) {
                // closed by close(), or the proxy went away
            } catch (IOException e) {
                // a broken connection only ends that connection
            }
        }
    }

    private String response() {
        if (garbage) {
            return GARBAGE;
        }
        byte[] body = validBody.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "ETag: \"garbage-upstream-etag\"\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n"
                + validBody;
    }

    /** Reads up to the blank line that ends the request headers; returns the request line, null if cut short. */
    private static String readHeaderBlock(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean firstLineDone = false;
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (!firstLineDone) {
                if (b == '\n') {
                    firstLineDone = true;
                } else if (b != '\r') {
                    line.append((char) b);
                }
            }
            last4 = (last4 << 8) | b;
            if (last4 == 0x0D0A0D0A) {
                return line.toString();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
