package io.modelcat.catalog.hub.http;

import io.micronaut.core.type.Argument;
import io.micronaut.core.type.MutableHeaders;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.ByteBodyHttpResponseWrapper;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpRequestWrapper;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpVersion;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.body.ByteBodyFactory;
import io.micronaut.http.body.CloseableByteBody;
import io.micronaut.http.body.ResponseBodyWriter;
import io.micronaut.http.body.stream.InputStreamByteBody;
import io.micronaut.http.exceptions.MessageBodyException;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.netty.channel.ChannelPipeline;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Writes a {@link FileSlice} answer: its headers as Micronaut writes a file's ({@code Content-Length},
 * {@code Last-Modified}, {@code Cache-Control}, {@code Expires}; 304 to a matching {@code If-Modified-Since}), and its
 * bytes through the connection's {@link SendfileHandler}; where a connection has none (TLS, HTTP/2), streamed from the
 * blocking pool as Micronaut streams files.
 */
@Singleton
final class FileSliceWriter implements ResponseBodyWriter<FileSlice> {

    /** Headers of the entity, which a 304 does not repeat (as Micronaut's file writers leave them out). */
    private static final Set<String> ENTITY_HEADERS = Set.of("allow", "content-encoding", "content-language",
            "content-length", "content-location", "content-md5", "content-range", "content-type", "expires",
            "last-modified");

    private final HttpServerConfiguration.FileTypeHandlerConfiguration caching;
    private final ExecutorService blocking;

    FileSliceWriter(HttpServerConfiguration.FileTypeHandlerConfiguration caching,
                    @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.caching = caching;
        this.blocking = blocking;
    }

    @Override
    public ByteBodyHttpResponse<?> write(ByteBodyFactory bodies, HttpRequest<?> request,
                                         MutableHttpResponse<FileSlice> response, Argument<FileSlice> type,
                                         MediaType mediaType, FileSlice slice) {
        long lastModified;
        try {
            lastModified = Files.getLastModifiedTime(slice.file()).toMillis();
        } catch (IOException e) {
            throw new MessageBodyException("Could not find file", e);
        }
        ZonedDateTime ifModifiedSince = request.getHeaders().getDate(HttpHeaders.IF_MODIFIED_SINCE);
        if (ifModifiedSince != null && ifModifiedSince.toEpochSecond() == lastModified / 1000) {
            MutableHttpResponse<Object> notModified = HttpResponse.notModified();
            response.getHeaders().forEachValue((name, value) -> {
                if (!ENTITY_HEADERS.contains(name.toLowerCase())) {
                    notModified.getHeaders().add(name, value);
                }
            });
            return ByteBodyHttpResponseWrapper.wrap(notModified, bodies.createEmpty());
        }
        LocalDateTime now = LocalDateTime.now();
        response.getHeaders().contentTypeIfMissing(mediaType).lastModified(lastModified)
                .expires(now.plus(caching.getCacheSeconds(), ChronoUnit.SECONDS));
        if (response.header(HttpHeaders.CACHE_CONTROL) == null) {
            response.header(HttpHeaders.CACHE_CONTROL, (caching.getCacheControl().getPublic() ? "public" : "private")
                    + ", max-age=" + caching.getCacheSeconds());
        }
        response.header(HttpHeaders.CONTENT_LENGTH, Long.toString(slice.length()));
        if (canSendfile(request)) {
            // An empty body that SendfileHandler, near the socket, replaces with the slice.
            response.header(SendfileHandler.MARK, slice.mark());
            return ByteBodyHttpResponseWrapper.wrap(response, bodies.createEmpty());
        }
        return ByteBodyHttpResponseWrapper.wrap(response, stream(bodies, slice));
    }

    @Override
    public CloseableByteBody writePiece(ByteBodyFactory bodies, HttpRequest<?> request, HttpResponse<?> response,
                                        Argument<FileSlice> type, MediaType mediaType, FileSlice slice) {
        return stream(bodies, slice);
    }

    @Override
    public void writeTo(Argument<FileSlice> type, MediaType mediaType, FileSlice slice, MutableHeaders headers,
                        OutputStream out) {
        try (InputStream in = slice.open()) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CloseableByteBody stream(ByteBodyFactory bodies, FileSlice slice) {
        try {
            return InputStreamByteBody.create(slice.open(), OptionalLong.of(slice.length()), blocking, bodies);
        } catch (IOException e) {
            throw new MessageBodyException("Could not find file", e);
        }
    }

    /** Whether the request came over an HTTP/1 connection whose pipeline has a {@link SendfileHandler}. */
    private static boolean canSendfile(HttpRequest<?> request) {
        HttpRequest<?> original = request;
        while (original instanceof HttpRequestWrapper<?> wrapper) {
            original = wrapper.getDelegate();
        }
        if (!(original instanceof NettyHttpRequest<?> netty) || original.getHttpVersion() == HttpVersion.HTTP_2_0) {
            return false;
        }
        ChannelPipeline pipeline = netty.getChannelHandlerContext().pipeline();
        return pipeline.get(SendfileHandler.class) != null && SendfileHandler.zeroCopyPossible(pipeline);
    }
}
