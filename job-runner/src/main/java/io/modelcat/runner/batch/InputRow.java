package io.modelcat.runner.batch;

import java.util.Map;

/**
 * One record of the scored dataset: its number in the file (from 0, bad records counted), and either the
 * task's inputs read through the input columns or why they could not be read.
 */
record InputRow(long number, Map<String, String> inputs, String problem) {
}
