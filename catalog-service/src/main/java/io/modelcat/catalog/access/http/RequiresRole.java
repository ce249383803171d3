package io.modelcat.catalog.access.http;

import io.modelcat.catalog.access.Role;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The least role an endpoint needs (each role includes the ones below it). Every API endpoint
 * declares this or {@link AllowAnonymous}; the {@link AccessFilter} refuses endpoints that declare
 * neither. On a controller it applies to each of its methods that declares nothing itself.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresRole {
    Role value();
}
