package io.modelcat.catalog.access;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Request and answer bodies of sign-in, accounts and API tokens. */
public final class AccountRequests {

    private AccountRequests() {
    }

    /** Usernames: letters, digits and . _ @ -, starting with a letter or digit. */
    static final String USERNAME = "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$";

    @Serdeable
    @Schema(name = "SignIn")
    public record SignIn(@NotBlank @Size(max = 64) String username,
                         @NotBlank @Size(max = 1024) String password) {

        @Override
        public String toString() {
            return "SignIn[username=" + username + "]";
        }
    }

    @Serdeable
    @Schema(name = "CreateUser")
    public record CreateUser(
            @NotBlank @Pattern(regexp = USERNAME, message = "must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")
            String username,
            @Nullable @Size(max = 200) String displayName,
            @NotBlank @Schema(description = "viewer, contributor or admin") String role,
            @Nullable @Size(max = 256) @Schema(description = "omit for an account that only uses API tokens (a service account)")
            String password) {

        @Override
        public String toString() {
            return "CreateUser[username=" + username + ", role=" + role + "]";
        }
    }

    @Serdeable
    @Schema(name = "UpdateUser")
    public record UpdateUser(
            @Nullable @Size(max = 200) String displayName,
            @Nullable @Schema(description = "viewer, contributor or admin") String role,
            @Nullable @Schema(description = "true ends the account's sessions and stops its tokens") Boolean disabled,
            @Nullable @Size(max = 256) @Schema(description = "a new password (ends the account's sessions)") String password) {

        @Override
        public String toString() {
            return "UpdateUser[role=" + role + ", disabled=" + disabled + "]";
        }
    }

    @Serdeable
    @Schema(name = "ChangePassword")
    public record ChangePassword(@NotBlank @Size(max = 1024) String currentPassword,
                                 @NotBlank @Size(max = 256) String newPassword) {

        @Override
        public String toString() {
            return "ChangePassword[]";
        }
    }

    @Serdeable
    @Schema(name = "CreateApiToken")
    public record CreateToken(
            @NotBlank @Size(max = 100) @Schema(description = "what the token is for, e.g. 'CI pipeline'") String name,
            @Nullable @Min(1) @Max(3650) @Schema(description = "days until it expires (default and limit: modelcat.auth.token-default-days and token-max-days)")
            Integer expiresInDays) {
    }

    /** A just-made token: shown once, never again. */
    @Serdeable
    @Schema(name = "IssuedApiToken")
    public record IssuedApiToken(ApiToken token,
                                 @Schema(description = "the token; send it as 'Authorization: Bearer <token>'. Shown only now.") String value) {

        @Override
        public String toString() {
            return "IssuedApiToken[" + token.prefix() + "…]";
        }
    }

    /** Who is signed in, with what a UI needs: the CSRF token to send with changes. */
    @Serdeable
    @Schema(name = "Session")
    public record Session(User user,
                          @Schema(description = "how this request proved who sent it: session or api_token") String method,
                          @Schema(description = "send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE of this session")
                          @Nullable String csrfToken,
                          @Nullable Instant expiresAt) {
    }
}
