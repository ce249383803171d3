package io.modelcat.catalog.hub;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The Python lines that load a version of a model through this catalog's Hub API by its repository id:
 * {@code transformers}' for a whole model, {@code peft}'s for a LoRA adapter (which loads its base from the catalog
 * too). The one writer of them: the model page shows them ({@code GET /api/v1/models/{id}/python}) and a fine-tune's
 * generated model card quotes an adapter's ({@link FineTuneModelCard}); {@link HubCatalog#python} says which.
 *
 * @param repoId        the repository id the lines load
 * @param versionNumber the version they load (the newest with files: the Hub's {@code main})
 * @param library       {@code peft} for a LoRA adapter, else {@code transformers}
 * @param python        the lines, each ending in a newline
 */
@Serdeable
public record HubPython(String repoId, int versionNumber, String library, String python) {

    /**
     * The lines for a model of {@code task} served as {@code repoId}. A classifier adapter's head was trained on the
     * fine-tune's labels, which {@code peft} does not keep: they come from the {@code config.json} beside the adapter,
     * and the base's own head (of another size, perhaps) is replaced ({@code docs/ml-jobs.md}; {@code test_peft.py}).
     */
    static String loading(String task, String repoId, boolean adapter) {
        String id = FineTuneModelCard.json(repoId);   // a Python string literal, for the characters of an id
        if (!adapter) {
            return "from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained(" + id + ")\n";
        }
        String loader = peftClass(task);
        if (task.equals("text-classification") || task.equals("token-classification")) {
            return "from peft import " + loader + "\nfrom transformers import AutoConfig\n\n"
                    + "tuned = AutoConfig.from_pretrained(" + id + ")  # the fine-tune's labels (peft keeps none)\n"
                    + "model = " + loader + ".from_pretrained(" + id + ", id2label=tuned.id2label,\n"
                    + "    label2id=tuned.label2id, ignore_mismatched_sizes=True)\n";
        }
        return "from peft import " + loader + "\n\nmodel = " + loader + ".from_pretrained(" + id + ")\n";
    }

    /** The {@code peft} class that loads an adapter of the task with its base ({@code AutoPeftModel} otherwise). */
    private static String peftClass(String task) {
        return switch (task) {
            case "text-generation" -> "AutoPeftModelForCausalLM";
            case "text-classification" -> "AutoPeftModelForSequenceClassification";
            case "token-classification" -> "AutoPeftModelForTokenClassification";
            case "question-answering" -> "AutoPeftModelForQuestionAnswering";
            default -> "AutoPeftModel";
        };
    }
}
