package io.cometgate.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jsonp-polling}: the answer is {@code /**}{@code /cb("<base64 batch>");}. A page cannot
 * read a POST answer here, so the session is created by the first poll (its batch is a HELLO).
 */
final class JsonpPollingLink extends PollLink {

    static final String CALLBACK = "cg.r";
    private static final Pattern CALL = Pattern.compile("/\\*\\*/" + Pattern.quote(CALLBACK) + "\\(\"([A-Za-z0-9+/=]*)\"\\);");

    JsonpPollingLink(ClientSession session) {
        super(session);
    }

    @Override
    String path() {
        return "jsonp-polling";
    }

    @Override
    String extraQuery() {
        return "&c=" + CALLBACK;
    }

    @Override
    String batchOf(String body) throws IOException {
        Matcher call = CALL.matcher(body.strip());
        if (!call.matches()) {
            throw new IOException("jsonp-polling answer is not a " + CALLBACK + "(\"...\") call: "
                    + body.substring(0, Math.min(80, body.length())));
        }
        return call.group(1);
    }

    @Override
    public String createSession() throws IOException, InterruptedException {
        HttpRequest request = request(session.endpoint(path(), "c=" + CALLBACK), Duration.ofSeconds(30)).GET().build();
        HttpResponse<InputStream> response = session.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            String body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            if (response.statusCode() != 200) {
                throw new GatewayRefusedException(response.statusCode(), body);
            }
            byte[] batch = Base64.getDecoder().decode(batchOf(body));
            for (ClientFrames.InFrame frame : ClientFrames.decode(batch, Integer.MAX_VALUE)) {
                if (frame.type() == io.cometgate.protocol.FrameType.HELLO) {
                    return frame.text();
                }
            }
            throw new IOException("jsonp-polling created no session: no HELLO in the answer");
        } catch (io.cometgate.protocol.ProtocolException | IllegalArgumentException e) {
            throw new IOException("jsonp-polling answered a malformed HELLO: " + e.getMessage());
        }
    }
}
