package io.githubcache.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream that answers every request with the same raw bytes, for responses the JDK HttpServer in
 * {@link UpstreamStub} cannot send (it always writes its own {@code Date}, and handles {@code Connection}
 * itself). It records each request head and closes the connection after answering.
 */
public final class RawUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private volatile byte[] response;

    /** {@code rawResponse} is sent as is (ISO-8859-1); it should carry Content-Length and Connection: close. */
    public RawUpstream(String rawResponse) throws IOException {
        this.response = rawResponse.getBytes(StandardCharsets.ISO_8859_1);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "raw-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The request line and header lines of every request received, in order. */
    public List<String> requestHeads() {
        return requestHeads;
    }

    public int count() {
        return requestHeads.size();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                String head = ScriptedUpstream.readHead(in);
                if (head == null) {
                    continue;
                }
                requestHeads.add(head);
                long length = ScriptedUpstream.contentLength(head);
                in.readNBytes((int) length);
                OutputStream out = s.getOutputStream();
                out.write(response);
                out.flush();
            } catch (IOException e) {
                // closed, or the client went away: next connection
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
