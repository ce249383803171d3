package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.deploy.EndpointService;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.problem.CatalogException;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.credentials.SecretStore;
import io.modelcat.credentials.SecretUnreadableException;
import io.modelcat.store.Database;
import io.modelcat.store.llm.LlmConnections;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * LLM connections (docs/llm.md): admins create, change, test and remove them; their API keys are kept in the
 * encrypted secret table under {@code llm-connection-<name>} and never read back through the API. Each write keeps the
 * connection's model cards in step ({@link HostedModelCards}) in its own transaction.
 */
@Singleton
public class ConnectionService {

    private static final String SECRET_PREFIX = "llm-connection-";
    private static final int DEFAULT_MAX_CONCURRENT = 8;
    private static final String HEADER_NAME = "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$";
    /** Headers the mesh sets itself (or HTTP does), which a connection may not replace. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "content-type", "content-length",
            "host", "connection", "transfer-encoding", "expect", "upgrade");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.math.BigDecimal MAX_PRICE = java.math.BigDecimal.valueOf(1_000_000);

    private final Database db;
    private final AuditLog audit;
    private final SecretStore secrets;
    private final ProviderClient client;
    private final EndpointService endpoints;
    private final ModelService models;
    private final Provider<EmbeddedServer> server;
    private final GoogleServiceAccounts serviceAccounts;
    private final String loopbackUrl;

    public ConnectionService(Database db, AuditLog audit, ProviderClient client, EndpointService endpoints,
                             ModelService models, Provider<EmbeddedServer> server,
                             GoogleServiceAccounts serviceAccounts,
                             @Nullable @Value("${modelcat.secret-key:}") String key,
                             @Nullable @Value("${modelcat.llm.loopback-url:}") String loopbackUrl) {
        this.db = db;
        this.audit = audit;
        this.client = client;
        this.endpoints = endpoints;
        this.models = models;
        this.server = server;
        this.serviceAccounts = serviceAccounts;
        this.secrets = new SecretStore(key == null || key.isBlank() ? null : SecretCipher.of(key.trim()));
        this.loopbackUrl = loopbackUrl == null ? "" : loopbackUrl.strip();
    }

    public ConnectionView.Connections list() {
        return db.read(c -> {
            List<ConnectionView> items = new ArrayList<>();
            for (LlmConnections.ConnectionRow row : LlmConnections.all(c)) {
                items.add(view(row, secrets.list(c)));
            }
            return new ConnectionView.Connections(secrets.canEncrypt(), items);
        });
    }

    public ConnectionView get(String name) {
        return db.read(c -> view(row(c, name), secrets.list(c)));
    }

    public ConnectionView create(ConnectionRequests.CreateConnection request, Caller by) {
        LlmConnections.Cloud cloud = new LlmConnections.Cloud(request.region(), request.accessKeyId(), request.project(),
                request.location());
        String baseUrl = request.baseUrl() != null ? trimUrl(request.baseUrl())
                : ProviderKind.of(request.kind()).flatMap(k -> k.defaultBaseUrl(cloud)).orElse(null);
        LlmConnections.Settings settings = new LlmConnections.Settings(request.kind(), request.description(),
                baseUrl, request.endpoint(), headers(request.headers()), models(request.allowedModels()),
                request.maxConcurrent() == null ? DEFAULT_MAX_CONCURRENT : request.maxConcurrent(),
                request.apiVersion(), request.requestsPerMinute(), prices(request.prices()), cloud);
        check(settings, request.apiKey());
        ConnectionView created = db.write(c -> {
            if (!LlmConnections.insert(c, request.name(), settings, by.username())) {
                throw new ConflictException("a connection is already called '" + request.name() + "'");
            }
            HostedModelCards.sync(c, request.name(), settings);
            if (request.apiKey() != null && !request.apiKey().isBlank()) {
                secrets.put(c, SECRET_PREFIX + request.name(), request.apiKey().strip(), by.username());
            } else {
                secrets.delete(c, SECRET_PREFIX + request.name());
            }
            return view(row(c, request.name()), secrets.list(c));
        });
        models.cardsChanged();
        audit.record(by.did("llm-connection.create", "llm-connection", request.name(),
                Map.of("kind", settings.kind(), "apiKeySet", created.apiKeySet())));
        return created;
    }

    public ConnectionView update(String name, ConnectionRequests.UpdateConnection request, Caller by) {
        ConnectionView updated = db.write(c -> {
            LlmConnections.Settings old = row(c, name).settings();
            LlmConnections.Cloud cloud = new LlmConnections.Cloud(
                    request.region() != null ? request.region() : old.cloud().region(),
                    request.accessKeyId() != null ? request.accessKeyId() : old.cloud().accessKeyId(),
                    request.project() != null ? request.project() : old.cloud().project(),
                    request.location() != null ? request.location() : old.cloud().location());
            ProviderKind kind = ProviderKind.known(old.kind());
            // A base URL that was the region's (location's) default follows a new region (location).
            boolean defaultBase = old.baseUrl() != null
                    && old.baseUrl().equals(kind.defaultBaseUrl(old.cloud()).orElse(null));
            String baseUrl = request.baseUrl() != null ? trimUrl(request.baseUrl())
                    : defaultBase ? kind.defaultBaseUrl(cloud).orElse(old.baseUrl()) : old.baseUrl();
            LlmConnections.Settings settings = new LlmConnections.Settings(old.kind(),
                    request.description() != null ? request.description() : old.description(),
                    baseUrl,
                    request.endpoint() != null ? request.endpoint() : old.endpointName(),
                    request.headers() != null ? headers(request.headers()) : old.headers(),
                    request.allowedModels() != null ? models(request.allowedModels()) : old.allowedModels(),
                    request.maxConcurrent() != null ? request.maxConcurrent() : old.maxConcurrent(),
                    request.apiVersion() != null ? request.apiVersion() : old.apiVersion(),
                    request.requestsPerMinute() == null ? old.requestsPerMinute()
                            : request.requestsPerMinute() == 0 ? null : request.requestsPerMinute(),
                    request.prices() != null ? prices(request.prices()) : old.prices(), cloud);
            check(settings, request.apiKey());
            LlmConnections.update(c, name, settings, by.username());
            HostedModelCards.sync(c, name, settings);
            if (request.apiKey() != null) {
                if (request.apiKey().isBlank()) {
                    secrets.delete(c, SECRET_PREFIX + name);
                } else {
                    secrets.put(c, SECRET_PREFIX + name, request.apiKey().strip(), by.username());
                }
            }
            return view(row(c, name), secrets.list(c));
        });
        models.cardsChanged();
        audit.record(by.did("llm-connection.update", "llm-connection", name,
                Map.of("apiKeyChanged", request.apiKey() != null)));
        return updated;
    }

    public void delete(String name, Caller by) {
        db.write(c -> {
            if (!LlmConnections.delete(c, name)) {
                throw new NotFoundException("no LLM connection is called '" + name + "'");
            }
            HostedModelCards.sync(c, name, null);
            secrets.delete(c, SECRET_PREFIX + name);
            return null;
        });
        models.cardsChanged();
        audit.record(by.did("llm-connection.delete", "llm-connection", name, Map.of()));
    }

    /** Asks the provider for its models with the connection's key and headers; answers what it said. */
    public ConnectionView.TestResult test(String name, Caller by, @Nullable String callerToken) {
        Connection connection = connection(name, callerToken);
        ConnectionView.TestResult result;
        try {
            HttpResponse<InputStream> answer = client.call(connection.target(),
                    connection.dialect().modelsUri(connection.target().base(), connection.settings()), null);
            byte[] body;
            try (InputStream in = answer.body()) {
                body = in.readAllBytes();
            }
            if (answer.statusCode() == 200) {
                List<String> models = connection.dialect().models(JSON.readTree(body));
                result = new ConnectionView.TestResult(true, 200, "the provider answered and listed " + models.size()
                        + " models", models);
            } else {
                result = new ConnectionView.TestResult(false, answer.statusCode(), "the provider answered "
                        + answer.statusCode() + ": " + ProviderErrors.message(body), List.of());
            }
        } catch (ProviderClient.Unreachable e) {
            result = new ConnectionView.TestResult(false, null, e.getMessage(), List.of());
        } catch (IOException e) {
            result = new ConnectionView.TestResult(false, null, "the provider's answer could not be read: "
                    + e.getMessage(), List.of());
        }
        audit.record(new AuditLog.Entry(by.userId(), by.username(), "llm-connection.test", "llm-connection", name,
                result.ok() ? AuditLog.SUCCESS : AuditLog.FAILURE, by.remoteAddr(),
                result.providerStatus() == null ? Map.of() : Map.of("providerStatus", result.providerStatus())));
        return result;
    }

    /** A connection as calls need it: its settings, and where calls go with which credentials and headers. */
    record Connection(String name, LlmConnections.Settings settings, ProviderDialect dialect,
                      ProviderClient.Target target) {
    }

    /**
     * The named connection, ready to call, if there is one.
     *
     * @throws ConflictException when its key was encrypted under another key than this service's
     *
     * @param callerToken the caller's own bearer token, which modelcat connections pass on to token-mode endpoints
     */
    Optional<Connection> find(String name, @Nullable String callerToken) {
        Optional<LlmConnections.ConnectionRow> row = db.read(c -> LlmConnections.byName(c, name));
        if (row.isEmpty()) {
            return Optional.empty();
        }
        LlmConnections.Settings s = row.get().settings();
        ProviderKind kind = ProviderKind.known(s.kind());
        Map<String, String> headers = new LinkedHashMap<>(s.headers());
        String base;
        String credential;
        if (kind == ProviderKind.MODELCAT) {
            base = loopback() + "/endpoints/" + s.endpointName() + "/v1";
            credential = endpointKey(s.endpointName()).orElse(callerToken);
        } else {
            base = s.baseUrl();
            try {
                credential = db.read(c -> secrets.canEncrypt() ? secrets.read(c, SECRET_PREFIX + name)
                        : Optional.<String>empty()).orElse(null);
            } catch (SecretUnreadableException e) {
                throw new ConflictException("the API key of connection '" + name + "' cannot be read: it was encrypted "
                        + "under another " + SecretCipher.KEY_VARIABLE + "; set it again (PATCH its apiKey)");
            }
        }
        ProviderClient.Signer signer = ProviderClient.Signer.NONE;
        if (credential != null) {
            headers.putAll(kind.dialect().authHeaders(credential));
            if (kind == ProviderKind.BEDROCK && s.cloud().accessKeyId() != null) {
                signer = new AwsSigV4Signer(s.cloud().region(), s.cloud().accessKeyId(), credential);
            } else if (kind == ProviderKind.VERTEX) {
                signer = serviceAccounts.signer(name, credential);
            }
        }
        return Optional.of(new Connection(name, s, kind.dialect(),
                new ProviderClient.Target(name, base, headers, signer)));
    }

    private Connection connection(String name, @Nullable String callerToken) {
        return find(name, callerToken).orElseThrow(() -> new NotFoundException("no LLM connection is called '" + name + "'"));
    }

    /** A key-mode endpoint's primary key, when it can be read back (MODELCAT_SECRET_KEY set). */
    private Optional<String> endpointKey(String endpoint) {
        try {
            return Optional.ofNullable(endpoints.keys(endpoint).primaryKey());
        } catch (CatalogException e) {
            // A token-mode endpoint (the caller's own token is passed on), an unknown one, or keys not readable.
            return Optional.empty();
        }
    }

    private String loopback() {
        if (!loopbackUrl.isEmpty()) {
            return trimUrl(loopbackUrl);
        }
        EmbeddedServer s = server.get();
        return s.getScheme() + "://127.0.0.1:" + s.getPort();
    }

    private void check(LlmConnections.Settings s, @Nullable String apiKey) {
        boolean keyGiven = apiKey != null && !apiKey.isBlank();
        ProviderKind kind = ProviderKind.known(s.kind());
        checkCloud(kind, s.cloud());
        if (kind == ProviderKind.MODELCAT) {
            if (s.endpointName() == null) {
                throw new InvalidFieldException("endpoint", "is required for a modelcat connection: the online endpoint "
                        + "it calls");
            }
            if (s.baseUrl() != null) {
                throw new InvalidFieldException("baseUrl", "is not used by a modelcat connection (it calls this service)");
            }
            if (keyGiven) {
                throw new InvalidFieldException("apiKey", "is not used by a modelcat connection: it sends the endpoint's "
                        + "key, or the caller's own token");
            }
        } else {
            if (s.baseUrl() == null) {
                throw new InvalidFieldException("baseUrl", kind == ProviderKind.AZURE_OPENAI
                        ? "is required for an azure-openai connection: the resource URL, e.g. "
                                + "https://my-resource.openai.azure.com"
                        : "is required for an " + kind.id() + " connection, e.g. https://api.example.com/v1");
            }
            if (s.endpointName() != null) {
                throw new InvalidFieldException("endpoint", "is only for modelcat connections");
            }
        }
        if (kind == ProviderKind.AZURE_OPENAI && s.apiVersion() == null) {
            throw new InvalidFieldException("apiVersion", "is required for an azure-openai connection, e.g. 2024-10-21");
        }
        if (kind != ProviderKind.AZURE_OPENAI && s.apiVersion() != null) {
            throw new InvalidFieldException("apiVersion", "is only for azure-openai connections");
        }
        for (Map.Entry<String, LlmConnections.Price> price : s.prices().entrySet()) {
            LlmConnections.Price p = price.getValue();
            if (!s.allowedModels().contains(price.getKey())) {
                throw new InvalidFieldException("prices", "'" + price.getKey() + "' is not one of the allowed models "
                        + s.allowedModels());
            }
            if (p == null || p.inputPerMillion() == null || p.outputPerMillion() == null
                    || p.inputPerMillion().signum() < 0 || p.outputPerMillion().signum() < 0
                    || p.inputPerMillion().compareTo(MAX_PRICE) > 0 || p.outputPerMillion().compareTo(MAX_PRICE) > 0) {
                throw new InvalidFieldException("prices", "'" + price.getKey() + "' needs inputPerMillion and "
                        + "outputPerMillion: USD per million tokens, from 0 to " + MAX_PRICE);
            }
        }
        Set<String> reserved = kind.dialect().ownHeaders();
        for (String header : s.headers().keySet()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (!header.matches(HEADER_NAME) || RESERVED_HEADERS.contains(lower) || reserved.contains(lower)) {
                throw new InvalidFieldException("headers", "'" + header + "' cannot be sent: names are HTTP tokens, "
                        + "and the key goes in apiKey, not in a header of its own");
            }
        }
        for (String value : s.headers().values()) {
            if (value == null || value.length() > 4000 || value.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                throw new InvalidFieldException("headers", "values must be up to 4000 characters without control "
                        + "characters");
            }
        }
        if (keyGiven && kind == ProviderKind.VERTEX) {
            serviceAccounts.check(apiKey.strip(), "apiKey");
        }
        if (keyGiven && !secrets.canEncrypt()) {
            throw new ConflictException("the API key cannot be stored: no encryption key is configured. Set "
                    + SecretCipher.KEY_VARIABLE + " on catalog-service and restart it");
        }
    }

    /** Bedrock needs its region and access key id, vertex its project and location; no other kind takes them. */
    private static void checkCloud(ProviderKind kind, LlmConnections.Cloud cloud) {
        boolean bedrock = kind == ProviderKind.BEDROCK;
        boolean vertex = kind == ProviderKind.VERTEX;
        require(bedrock, "region", cloud.region(), "the AWS region its calls are signed for, e.g. us-east-1");
        require(bedrock, "accessKeyId", cloud.accessKeyId(), "the AWS access key id whose secret access key is "
                + "the apiKey");
        require(vertex, "project", cloud.project(), "the Google Cloud project id");
        require(vertex, "location", cloud.location(), "the Vertex AI location, e.g. us-central1 or global");
    }

    private static void require(boolean takes, String field, @Nullable String value, String what) {
        String kind = field.equals("region") || field.equals("accessKeyId") ? "bedrock" : "vertex";
        if (takes && value == null) {
            throw new InvalidFieldException(field, "is required for a " + kind + " connection: " + what);
        }
        if (!takes && value != null) {
            throw new InvalidFieldException(field, "is only for " + kind + " connections");
        }
    }

    private static LlmConnections.ConnectionRow row(java.sql.Connection c, String name) throws java.sql.SQLException {
        return LlmConnections.byName(c, name)
                .orElseThrow(() -> new NotFoundException("no LLM connection is called '" + name + "'"));
    }

    private ConnectionView view(LlmConnections.ConnectionRow row, List<SecretStore.SecretInfo> stored) {
        LlmConnections.Settings s = row.settings();
        boolean keySet = stored.stream().anyMatch(i -> i.name().equals(SECRET_PREFIX + row.name()));
        Map<String, ConnectionRequests.Price> prices = new LinkedHashMap<>();
        s.prices().forEach((model, p) -> prices.put(model, new ConnectionRequests.Price(p.inputPerMillion(),
                p.outputPerMillion())));
        return new ConnectionView(row.name(), s.kind(), s.description(), s.baseUrl(), s.endpointName(), s.headers(),
                s.allowedModels(), s.maxConcurrent(), s.apiVersion(), s.requestsPerMinute(), prices, keySet,
                s.cloud().region(), s.cloud().accessKeyId(), s.cloud().project(), s.cloud().location(), row.createdBy(),
                row.createdAt(), row.updatedBy(), row.updatedAt());
    }

    private static Map<String, String> headers(@Nullable Map<String, String> headers) {
        return headers == null ? Map.of() : new LinkedHashMap<>(headers);
    }

    private static Map<String, LlmConnections.Price> prices(@Nullable Map<String, ConnectionRequests.Price> prices) {
        Map<String, LlmConnections.Price> out = new LinkedHashMap<>();
        if (prices != null) {
            prices.forEach((model, p) -> out.put(model, p == null ? null
                    : new LlmConnections.Price(p.inputPerMillion(), p.outputPerMillion())));
        }
        return out;
    }

    private static List<String> models(List<String> models) {
        return models.stream().map(String::strip).distinct().toList();
    }

    private static String trimUrl(@Nullable String url) {
        if (url == null) {
            return null;
        }
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
