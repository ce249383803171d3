package io.modelcat.store.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A card's excerpt: the first text of its Markdown, as the catalog's cards show it. */
class CardExcerptTest {

    @Test
    void isTheFirstParagraphAsPlainText() {
        assertThat(CardExcerpt.of("# Title\n\nA **bold** [link](https://x.y) `code`.\n\nMore.")).isEqualTo("A bold link code.");
        assertThat(CardExcerpt.of("A line\nand the next,  \nand a third.")).isEqualTo("A line and the next, and a third.");
        assertThat(CardExcerpt.of("Caf&eacute; &amp; bar &lt;3")).isEqualTo("Café & bar <3");
    }

    @Test
    void skipsHeadingsTablesCodeAndHtmlBlocks() {
        assertThat(CardExcerpt.of("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n    indented\n\nThe *model*."))
                .isEqualTo("The model.");
        assertThat(CardExcerpt.of("<div align=\"center\">\n<img src=\"logo.png\">\n</div>\n\n---\n\n## Model\n\nIt classifies."))
                .isEqualTo("It classifies.");
        // A paragraph of badges only has no text of its own.
        assertThat(CardExcerpt.of("[![CI](https://x/badge.svg)](https://x) ![licence](https://y.svg)\n\nA summarizer."))
                .isEqualTo("A summarizer.");
    }

    @Test
    void keepsTheTextOfInlineHtmlAndOfListsAndQuotations() {
        assertThat(CardExcerpt.of("<b>bold</b> & more")).isEqualTo("bold & more");
        assertThat(CardExcerpt.of("- one\n- **two**\n\nMore.")).isEqualTo("one two");
        assertThat(CardExcerpt.of("> Quoted\n>\n> twice.")).isEqualTo("Quoted twice.");
    }

    @Test
    void isCutWithAnEllipsisWithinTheLimitAndNeverInsideACharacter() {
        String excerpt = CardExcerpt.of("word ".repeat(100));
        assertThat(excerpt).endsWith("…").hasSizeLessThanOrEqualTo(CardExcerpt.MAX_CHARS);
        assertThat(CardExcerpt.of("x".repeat(CardExcerpt.MAX_CHARS))).isEqualTo("x".repeat(CardExcerpt.MAX_CHARS));
        // 200 characters outside the Basic Multilingual Plane: 159 whole ones and the ellipsis.
        String emoji = CardExcerpt.of("\uD83E\uDD17".repeat(200));
        assertThat(emoji.codePointCount(0, emoji.length())).isEqualTo(CardExcerpt.MAX_CHARS);
        assertThat(emoji).isEqualTo("\uD83E\uDD17".repeat(CardExcerpt.MAX_CHARS - 1) + "…");
    }

    @Test
    void readsHostileDescriptionsOfTheLongestAllowedSize() throws InterruptedException {
        // 100,000 characters (a description's limit) nested as deep as they go, on a thread with a small stack: the
        // parser stops nesting at a depth and reads the rest as text.
        List<String> hostile = List.of("> ".repeat(50_000) + "x", "- ".repeat(50_000) + "x", "[".repeat(100_000),
                "*".repeat(50_000) + "x" + "*".repeat(50_000), "[a](".repeat(25_000), "<!--".repeat(25_000));
        List<String> excerpts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(null, () -> hostile.forEach(text -> excerpts.add(CardExcerpt.of(text))), "excerpts",
                256 * 1024);
        reader.start();
        reader.join();
        assertThat(excerpts).hasSize(hostile.size())
                .allSatisfy(excerpt -> assertThat(excerpt.length()).isLessThanOrEqualTo(CardExcerpt.MAX_CHARS));
        assertThat(excerpts.get(5)).isEmpty();
    }

    @Test
    void isEmptyWithoutText() {
        assertThat(CardExcerpt.of(null)).isEmpty();
        assertThat(CardExcerpt.of("  \n ")).isEmpty();
        assertThat(CardExcerpt.of("# Only a heading\n\n```\nand code\n```")).isEmpty();
        assertThat(CardExcerpt.of("nul\0byte")).isEqualTo("nul byte");
    }
}
