package io.modelcat.catalog.access.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An API endpoint that job-runners may also call on behalf of a running bulk-test job: with their runner token as
 * {@code Authorization: Bearer} and the job's id as {@link AccessFilter#JOB_HEADER}. Such a call counts as the
 * call of the person who asked for the test, with their role (docs/flows.md).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ForBulkTestJobs {
}
