package io.modelcat.runner.task;

import io.modelcat.runner.data.TaskExample;
import java.util.Map;

/** How one mapped dataset row becomes a task's example; every task that reads datasets has one. */
public interface RowReader {

    /**
     * One dataset row, read through the column mapping ({@code inputs}: task input to value).
     *
     * @throws IllegalArgumentException naming the input when the row cannot be used
     */
    TaskExample example(int rowIndex, Map<String, Object> inputs);
}
