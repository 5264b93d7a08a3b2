package io.cometgate.client;

/**
 * {@code eventsource}: Server-Sent Events; every {@code data:} line is one base64 batch
 * (the gateway never splits one over several lines). Comments, {@code id:} and
 * {@code retry:} lines carry nothing the session needs: the ack goes in the query.
 */
final class EventSourceLink extends StreamLink {

    EventSourceLink(ClientSession session) {
        super(session);
    }

    @Override
    String path() {
        return "eventsource";
    }

    @Override
    String batchOf(String line) {
        if (!line.startsWith("data:")) {
            return null;
        }
        return line.substring(5).strip();
    }
}
