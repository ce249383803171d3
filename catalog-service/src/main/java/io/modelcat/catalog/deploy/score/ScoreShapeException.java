package io.modelcat.catalog.deploy.score;

import io.modelcat.jobs.task.Task;
import java.util.List;

/**
 * A scoring request in none of the shapes its endpoint's task accepts (a {@code 400}): what was wrong, and
 * the shapes that would have been understood.
 */
public class ScoreShapeException extends RuntimeException {

    private final String problem;
    private final List<String> acceptedShapes;

    /**
     * @param problem        what was wrong, naming the field, e.g. {@code params.temperature must be a number ...}
     * @param task           the endpoint's task
     * @param acceptedShapes the request shapes that task accepts, as JSON sketches
     */
    public ScoreShapeException(String problem, Task task, List<String> acceptedShapes) {
        super(problem + ". A " + task.wireName() + " endpoint accepts: " + String.join(" | ", acceptedShapes));
        this.problem = problem;
        this.acceptedShapes = List.copyOf(acceptedShapes);
    }

    /** What was wrong, without the list of accepted shapes. */
    public String problem() {
        return problem;
    }

    /** The request shapes the endpoint's task accepts, as JSON sketches. */
    public List<String> acceptedShapes() {
        return acceptedShapes;
    }
}
