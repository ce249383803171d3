package io.modelcat.catalog.llm;

import java.io.IOException;

/** A provider's stream, read one event at a time as the caller takes them: server-sent events, AWS event streams. */
interface ProviderEvents {

    /**
     * The data of the provider's next event (for framings other than server-sent events, a JSON rendering of it that
     * the dialect's {@link ProviderDialect.StreamTranslator} reads), or null at the end of the stream.
     */
    String next() throws IOException;
}
