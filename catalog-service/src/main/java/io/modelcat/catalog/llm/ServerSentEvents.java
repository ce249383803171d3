package io.modelcat.catalog.llm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Server-sent events (the OpenAI, Anthropic, Gemini and Cohere streams): each event's data lines, joined. */
final class ServerSentEvents implements ProviderEvents {

    private final BufferedReader reader;

    ServerSentEvents(InputStream body) {
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    @Override
    public String next() throws IOException {
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
            // Comments (':') and other fields (event:, id:, retry:) are not part of OpenAI's chunks.
        }
        return data == null ? null : data.toString();
    }
}
