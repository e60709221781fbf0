package io.githubcache.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A keep-alive upstream that writes whatever raw bytes a script returns for each request head, on connections it
 * keeps open (one thread each): for answers no HTTP server library sends (interim {@code 1xx} before the answer,
 * malformed answers on a connection that stays open). Counts requests and connections.
 */
public final class ScriptedUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final BiFunction<String, Integer, String> script;
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    /** An answer that starts with this is sent without it, then the connection is reset (RST). */
    public static final String RESET = "RESET:";
    /** An answer that starts with this is sent without it (it may be empty), then the connection is closed (FIN). */
    public static final String CLOSE = "CLOSE:";

    /** {@code script}: request head (request line and headers) to the raw answer, sent as ISO-8859-1 bytes. */
    public ScriptedUpstream(Function<String, String> script) throws IOException {
        this((head, nth) -> script.apply(head));
    }

    /** {@code script}: request head and its number on its connection (0 for the first) to the raw answer. */
    public ScriptedUpstream(BiFunction<String, Integer, String> script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public List<String> requestHeads() {
        return requestHeads;
    }

    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String head;
            for (int nth = 0; (head = readHead(in)) != null; nth++) {
                requestHeads.add(head);
                in.readNBytes((int) contentLength(head));
                String answer = script.apply(head, nth);
                boolean reset = answer.startsWith(RESET);
                boolean close = answer.startsWith(CLOSE);
                out.write(answer.substring(reset ? RESET.length() : close ? CLOSE.length() : 0)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (reset) {
                    s.setSoLinger(true, 0); // close with a TCP reset
                    return;
                }
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection
        }
    }

    /** The path of a request head's request line. */
    public static String path(String head) {
        return head.split(" ", 3)[1];
    }

    /** A request header's value, or null. */
    public static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The next request head on {@code in}, or null at the end of the stream. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    static long contentLength(String head) {
        String v = header(head, "content-length");
        return v == null ? 0 : Long.parseLong(v.toLowerCase(Locale.ROOT));
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
