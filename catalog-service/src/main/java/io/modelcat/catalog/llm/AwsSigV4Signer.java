package io.modelcat.catalog.llm;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs each try of a bedrock connection's calls with AWS Signature Version 4, through the AWS SDK's own signer
 * ({@link AwsV4HttpSigner}), for the service {@code bedrock} in the connection's region: the headers it adds
 * ({@code Authorization}, {@code X-Amz-Date}, ...) go with the request; {@code Host} is the one Java's client sends.
 */
final class AwsSigV4Signer implements ProviderClient.Signer {

    /** Bedrock's signing name, for its runtime ({@code bedrock-runtime.*}) and control plane ({@code bedrock.*}). */
    static final String SERVICE = "bedrock";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final String region;
    private final AwsCredentialsIdentity identity;

    AwsSigV4Signer(String region, String accessKeyId, String secretAccessKey) {
        this.region = region;
        this.identity = AwsCredentialsIdentity.create(accessKeyId, secretAccessKey);
    }

    @Override
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        SignedRequest signed = SIGNER.sign(r -> r.identity(identity).request(request.build())
                .payload(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, String> added = new LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> {
            boolean sent = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
            if (!sent && !name.equalsIgnoreCase("Host") && !values.isEmpty()) {
                added.put(name, values.get(0));
            }
        });
        return added;
    }

    @Override
    public String toString() {
        return "AwsSigV4Signer[" + region + ", " + identity.accessKeyId() + "]";
    }
}
