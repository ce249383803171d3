package io.modelcat.catalog.hub.http;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.PromiseCombiner;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Sends the bytes of a {@link FileSlice} answer from the file to the socket as a Netty {@link DefaultFileRegion}
 * ({@code sendfile} on Linux), so that they never pass through the JVM's heap or Micronaut's buffers: one per HTTP/1
 * connection, between the HTTP codec and Micronaut's handler, it replaces the empty body of an answer that
 * {@link FileSliceWriter} marked. The region holds the open file; Netty releases it, and so closes the file, once it
 * is sent or when the connection closes first (a client that hangs up halfway).
 */
final class SendfileHandler extends ChannelOutboundHandlerAdapter {

    /** The header that carries {@link FileSlice#mark()} from the writer to this handler; never sent. */
    static final String MARK = "X-ModelCat-File-Slice";

    /**
     * Whether a file region can go out on this pipeline as it is: not through TLS, which must read the bytes to
     * encrypt them (Netty's {@code SslHandler} takes no file regions). Answers are never compressed on the way: octet
     * streams are not text, which is all Micronaut compresses.
     */
    static boolean zeroCopyPossible(ChannelPipeline pipeline) {
        return pipeline.get(SslHandler.class) == null && pipeline.get(HttpServerCodec.class) != null;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof FullHttpResponse full) || !full.headers().contains(MARK)) {
            ctx.write(msg, promise);
            return;
        }
        HttpHeaders headers = full.headers();
        FileSlice slice = FileSlice.ofMark(headers.get(MARK));
        headers.remove(MARK);
        HttpResponse head = new DefaultHttpResponse(full.protocolVersion(), full.status(), headers);
        full.release();
        FileChannel file;
        try {
            file = FileChannel.open(slice.file());
        } catch (IOException e) {
            // Nothing is sent yet, and the headers promise a body that cannot come: end the connection.
            promise.setFailure(e);
            ctx.close();
            return;
        }
        HttpUtil.setContentLength(head, slice.length());
        PromiseCombiner written = new PromiseCombiner(ctx.executor());
        written.add(ctx.write(head));
        written.add(ctx.write(new DefaultFileRegion(file, slice.first(), slice.length())));
        written.add(ctx.write(LastHttpContent.EMPTY_LAST_CONTENT));
        written.finish(promise.unvoid());
    }

    /** Puts a {@link SendfileHandler} into each HTTP/1 connection's pipeline that can send file regions. */
    @Singleton
    static final class Installer implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

        @Override
        public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
            event.getBean().register(new ForChannel(null));
            return event.getBean();
        }
    }

    private record ForChannel(Channel channel) implements NettyServerCustomizer {

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return new ForChannel(channel);
        }

        @Override
        public void onStreamPipelineBuilt() {
            ChannelPipeline pipeline = channel.pipeline();
            if (zeroCopyPossible(pipeline) && pipeline.get(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND) != null) {
                pipeline.addBefore(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND, "modelcat-sendfile",
                        new SendfileHandler());
            }
        }
    }
}
